# While the SMTP server is down the outbox grows: each message is tried, stays queued with
# its attempts and last error, and is retried with backoff. Once the server is back every
# message arrives exactly once, with the Message-ID it was composed with.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $rid = $s->user_id('requester@example.com');

$s->smtp_stop;
my @t = map { $s->create_ticket($agent, title => "Outage $_", source => 'email', requester_id => $rid) } 1 .. 5;

ok HD::Stack::wait_for(15, sub {
    $s->psql("select count(*) from email_outbound where status = 'queued' and retries >= 1") == 5
}, 0.2), 'five messages queued, each tried at least once';
like $s->psql("select last_error from email_outbound limit 1"), qr/connect|Couldn't|refused/i,
    'the last error says why';
my %ids = map { $_ => 1 } split /\n/, $s->psql("select message_id from email_outbound");
is scalar keys %ids, 5, 'each composed once, with its own Message-ID';
is scalar($s->mails), 0, 'nothing was delivered';

$s->smtp_start;
my @m = $s->wait_mails(5, 20);
is scalar @m, 5, 'all five arrive once the server is back';
ok HD::Stack::wait_for(10, sub {
    $s->psql("select count(*) from email_outbound where status = 'sent'") == 5 }, 0.2),
    'all five rows are sent';
$s->jobs_run_once;
sleep 1.5;
@m = $s->mails;
is scalar @m, 5, 'and none twice';
is_deeply { map { $_->{header}{'message-id'}[0] => 1 } @m }, \%ids, 'with the Message-IDs they were composed with';
is_deeply [sort map { $_->{header}{subject}[0] =~ /Outage (\d)/ } @m], [1 .. 5], 'one per ticket';
is $s->psql("select count(*) from email_outbound where last_error is not null or locked_at is not null"), 0,
    'delivered rows keep no error and no lock';

done_testing;
