# Faults. The worker SIGKILLed right after storing a mail, and again right after committing its
# ticket but before flagging it (libcurl's fetch sets \Seen by itself, so the poller keys on its
# own keyword $HelpdeskIngested, set with \Seen after the commit): after each restart there is exactly one ticket per mail and
# every mail ends up flagged. The IMAP server down for a while: the worker backs off and logs it,
# and once the server is back every mail is taken, once.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, env => { HD_MAIL_IN_TEST_CRASH => 'stored' });

sub mail { my ($n) = @_; "From: eve\@example.com\nSubject: crash $n\nMessage-ID: <crash$n\@example.com>\n\nbody $n\n" }
sub gone { my ($pid) = @_; HD::Stack::wait_for(10, sub { !HD::Stack::alive($pid) }, 0.05) }
sub restart_worker {
    my ($crash) = @_;
    $s->{extra_env}{HD_MAIL_IN_TEST_CRASH} = $crash;
    $s->stack('init');     # rewrites the settings file
    $s->stack('start');    # starts what is not running: the worker
}

my $pid = $s->worker_pid;
$imap->append(mail(1));
ok gone($pid), 'the worker died right after storing the mail';
is $s->psql("select status from email_inbound"), 'received', 'the row is stored, not processed';
is $s->psql("select count(*) from tickets"), 0, 'no ticket yet';

restart_worker('committed');
$pid = $s->worker_pid;
ok gone($pid), 'the restarted worker took it and died after the commit, before flagging';
is $s->psql("select status from email_inbound"), 'processed', 'processed';
is $s->psql("select count(*) from tickets"), 1, 'one ticket';
is scalar(grep { /HelpdeskIngested/ } values %{ $imap->flags }), 0, 'not flagged yet';

restart_worker('');
ok HD::Stack::wait_for(10, sub { 1 == grep { /\\Seen/ && /HelpdeskIngested/ } values %{ $imap->flags } }, 0.1),
    'after another restart the mail is flagged';
is $s->psql("select count(*) from tickets"), 1, 'still exactly one ticket';
is $s->psql("select count(*) from email_inbound"), 1, 'and one inbound row';
is $s->psql("select count(*) from jobs where kind = 'email.acknowledge'"), 1, 'and one acknowledgement';

# the IMAP server goes away for a while
$imap->append(mail($_)) for 2 .. 4;
$imap->stop;
ok HD::Stack::wait_for(10, sub { HD::Stack::slurp($s->var . '/log/worker.log') =~ /mail-in: INBOX: .*retrying in/ }, 0.2),
    'the worker logs the outage and backs off';
sleep 2;
$imap->start;
$imap->append(mail(5));
is $s->wait_inbound(5, 30), 5, 'once it is back every mail is taken';
is $s->psql("select count(*) from tickets"), 5, 'one ticket each';
ok HD::Stack::wait_for(10, sub { 5 == grep { /\\Seen/ && /HelpdeskIngested/ } values %{ $imap->flags } }, 0.1),
    'all flagged';
like HD::Stack::slurp($s->var . '/log/worker.log'), qr/mail-in: INBOX works again/, 'and it says so';

done_testing;
