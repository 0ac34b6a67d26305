# The poller takes a folder in batches (one transaction per batch, a savepoint per mail). A mail
# the database refuses in the middle of a batch is quarantined on its own: the other mails of the
# same batch still become tickets, each exactly once, and every mail of the batch, the poison one
# too, ends up flagged \Seen and $HelpdeskIngested after the commit, so none is fetched again.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, env => { HD_MAIL_IN_RATE_LIMIT => 0 });

# the folder fills while the worker is stopped, so that one round takes all of it
my $pid = $s->worker_pid;
kill 'TERM', $pid;
HD::Stack::wait_for(15, sub { !HD::Stack::alive($pid) }, 0.05) or die "worker did not stop";

# the database refuses any ticket titled "poison" (as a constraint or a bug would)
$s->psql(q{create function test_poison() returns trigger language plpgsql as $$
    begin if new.title ~ 'poison' then raise exception 'poisoned ticket %', new.title; end if;
          return new; end $$;
    create trigger test_poison before insert on tickets
        for each row execute function test_poison()});

my $N = 20;
for my $i (1 .. $N) {
    my $subject = $i == 7 ? "poison $i" : "batch $i";
    $imap->append("From: sender$i\@example.com\nSubject: $subject\n"
        . "Message-ID: <batch$i\@example.com>\n\nbody $i\n");
}

$s->stack('start');
is $s->wait_inbound($N, 30), $N, 'every mail of the batch is finished';
is $s->psql("select count(*) from email_inbound where status = 'processed'"), $N - 1,
    'all but the poison one are processed';
is $s->psql("select message_id from email_inbound where status = 'quarantined'"),
    'batch7@example.com', 'the poison one is quarantined';
like $s->psql("select error from email_inbound where status = 'quarantined'"),
    qr/poisoned ticket poison 7/, 'with the reason the database gave';
is $s->psql("select count(*) from tickets"), $N - 1, 'one ticket for each other mail';
is $s->psql("select count(distinct title) from tickets where title like 'batch %'"), $N - 1,
    'none twice';
is $s->psql("select count(*) from jobs where kind = 'email.acknowledge'"), $N - 1,
    'one acknowledgement each';
is $s->psql("select count(*) from users where email = 'sender7\@example.com'"), 0,
    'nothing of the poison mail was kept (its savepoint was rolled back)';

ok HD::Stack::wait_for(10, sub {
    $N == grep { /\\Seen/ && /HelpdeskIngested/ } values %{ $imap->flags } }, 0.1),
    'every mail is flagged, the poison one too';

# another round finds nothing new: nothing is taken twice
sleep 2;
is $s->psql("select count(*) from email_inbound"), $N, 'still one row per mail';
is $s->psql("select count(*) from tickets"), $N - 1, 'and no new ticket';

done_testing;
