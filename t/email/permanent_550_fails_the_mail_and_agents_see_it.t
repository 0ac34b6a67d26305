# A recipient the server refuses with 550 is a permanent failure: the message is marked
# failed with the server's answer and not retried, other mail still goes out, and agents see
# the failure in the ticket's timeline (requesters never see email items).
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $r2 = $s->login('requester2@example.com');
$s->smtp_reject('requester2@example.com');

my $bad = $s->create_ticket($agent, title => 'Refused', source => 'email', requester_id => $r2->user->{id});
my $good = $s->create_ticket($agent, title => 'Accepted', source => 'email',
    requester_id => $s->user_id('requester@example.com'));

ok HD::Stack::wait_for(15, sub {
    $s->psql("select count(*) from email_outbound where status in ('sent', 'failed')") == 2 }, 0.2),
    'both settled';
is $s->psql("select status || ' ' || retries from email_outbound where ticket_id = '$bad->{id}'"),
    'failed 1', 'the refused one failed after one attempt';
like $s->psql("select last_error from email_outbound where ticket_id = '$bad->{id}'"), qr/550/,
    'with the server\'s answer';
is $s->psql("select status from email_outbound where ticket_id = '$good->{id}'"), 'sent', 'the other was sent';
my @m = $s->wait_mails(1);
is scalar @m, 1, 'one message delivered';
is $m[0]{to}, 'requester@example.com', 'to the accepted address';

$s->jobs_run_once;
is $s->psql("select status || ' ' || retries from email_outbound where ticket_id = '$bad->{id}'"),
    'failed 1', 'a failed message is not tried again';

$agent->t->get_ok($s->url("/api/tickets/$bad->{id}/timeline"))->status_is(200);
my @email = grep { $_->{type} eq 'email' } @{ $agent->t->tx->res->json->{items} };
is scalar @email, 1, 'the agent sees the email in the timeline';
is $email[0]{status}, 'failed', 'as failed';
is $email[0]{to}, 'requester2@example.com', 'to whom';
like $email[0]{last_error}, qr/550/, 'and why';

$r2->t->get_ok($s->url("/api/tickets/$bad->{id}/timeline"))->status_is(200);
is scalar(grep { $_->{type} eq 'email' } @{ $r2->t->tx->res->json->{items} }), 0,
    'the requester does not see email items';

done_testing;
