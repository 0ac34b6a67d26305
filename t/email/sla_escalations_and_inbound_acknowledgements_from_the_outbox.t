# Jobs other components enqueue: sla.at_risk / sla.breached (the SLA engine) mail the assignee,
# or the team's agents when nobody is assigned; email.acknowledge (the inbound poller) answers
# the inbound mail (In-Reply-To its Message-ID), once per ticket. A kind this worker does not
# know stays queued for whoever does; a job whose handler fails is retried with its last error.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $lead = $s->login('lead@example.com');
my $rid = $s->user_id('requester@example.com');

sub enqueue {
    my ($kind, %payload) = @_;
    my $json = Mojo::JSON::encode_json(\%payload);
    $s->psql("insert into jobs (kind, payload) values ('$kind', '$json')");
}

my $assigned = $s->create_ticket($lead, title => 'Server down', requester_id => $rid,
    assignee_id => $agent->user->{id});
my $team = $s->psql("select id from teams where name = 'Service Desk'");
my $unassigned = $s->create_ticket($lead, title => 'Nobody on it', requester_id => $rid, team_id => $team);
$s->psql("update tickets set assignee_id = null where id = '$unassigned->{id}'");

enqueue('sla.at_risk', ticket_id => $assigned->{id}, number => 1, clock => 'response');
my @m = $s->wait_mails(1);
is scalar @m, 1, 'one escalation';
is $m[0]{to}, 'agent@example.com', 'to the assignee';
like $m[0]{header}{subject}[0], qr/^\[#TKT-\d+\] SLA response at risk: Server down$/, 'subject';
is $m[0]{header}{'auto-submitted'}[0], 'auto-generated', 'a notification';

enqueue('sla.breached', ticket_id => $unassigned->{id}, number => 2, clock => 'resolution');
@m = $s->wait_mails(3);
is_deeply [sort map { $_->{to} } @m[1, 2]], ['agent@example.com', 'lead@example.com'],
    'unassigned: each agent of the team, one message each';
like $m[1]{header}{subject}[0], qr/SLA resolution breached: Nobody on it$/, 'breach subject';

# the inbound side's acknowledgement: a ticket the poller made (its email_inbound row written in
# the same transaction) is acknowledged only through email.acknowledge, in reply to the mail
my $actor = $agent->user->{id};
my $tid = $s->psql("select (ticket_create('$actor', jsonb_build_object('title', 'From mail',"
    . " 'requester_id', '$rid', 'source', 'email'), null, null)).body->>'id';"
    . " insert into email_inbound (id, message_id, mailbox, raw_store_key, ticket_id)"
    . " select '01900000-0000-7000-8000-000000000001', '<CAF-123\@mail.example.com>', 'INBOX', 'k', id"
    . " from tickets where title = 'From mail'");
$tid = $s->psql("select id from tickets where title = 'From mail'");
$s->jobs_run_once;
is scalar($s->mails), 3, 'ticket.created of a polled mail sends nothing';
enqueue('email.acknowledge', ticket_id => $tid, inbound_id => '01900000-0000-7000-8000-000000000001');
@m = $s->wait_mails(4);
my $ack = $m[3];
like $ack->{header}{subject}[0], qr/Received: From mail$/, 'email.acknowledge acknowledges';
is $ack->{header}{'in-reply-to'}[0], '<CAF-123@mail.example.com>', 'in reply to the inbound mail';
is $ack->{header}{references}[0], "<ticket-$tid\@helpdesk.test> <CAF-123\@mail.example.com>",
    'References: thread root, then the inbound mail';
is $ack->{header}{'auto-submitted'}[0], 'auto-replied', 'an auto-reply';
enqueue('email.acknowledge', ticket_id => $tid, inbound_id => '01900000-0000-7000-8000-000000000001');
$s->jobs_run_once;
sleep 0.5;
is scalar($s->mails), 4, 'a second email.acknowledge adds nothing: one per ticket';

# unknown kinds stay queued; a failing handler is retried with its error
enqueue('email.inbound', raw => 'x');
enqueue('sla.breached', ticket_id => $assigned->{id}, clock => 'bogus');
$s->jobs_run_once;
is $s->psql("select status || ' ' || attempts from jobs where kind = 'email.inbound'"), 'queued 0',
    'an unknown kind is left queued, untouched';
is $s->psql("select status || ' ' || attempts || ' ' || (run_at > now())::text from jobs"
    . " where payload->>'clock' = 'bogus'"), 'queued 1 true', 'a failed job is rescheduled later';
like $s->psql("select last_error from jobs where payload->>'clock' = 'bogus'"), qr/clock/, 'with its last error';
is $s->psql("select count(*) from jobs where status = 'queued' and kind like 'ticket.%'"), 0,
    'every ticket event is done';

done_testing;
