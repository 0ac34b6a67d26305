# The workflow decides which status may follow which: an illegal move is 422 listing the allowed
# next statuses and changes nothing; legal moves through the lifecycle (Pending sub-states,
# Scheduled with its date, Resolved, Closed, reopen) each leave a status history row with actor
# and note, and an outbox job.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $lead = $s->login('lead@example.com');
my $t = $s->create_ticket($lead, title => 'Server room too warm',
    requester_id => $s->user_id('requester@example.com'));
my $url = $s->url("/api/tickets/$t->{id}");
my $v = 1;

sub move {
    my ($to, %more) = @_;
    $lead->t->patch_ok($url => $lead->h('If-Match' => qq{"$v"}) => json => { status => $to, %more });
    $v = $lead->t->tx->res->json->{version} if $lead->t->tx->res->code == 200;
    return $lead->t;
}

my $before = $s->tickets_fingerprint;
move('resolved_by_magic')->status_is(422, 'a status that does not exist');
move('scheduled')->status_is(422, 'new → scheduled is not a transition')
    ->header_like('Content-Type', qr{application/problem\+json})
    ->json_is('/from', 'new')
    ->json_is('/allowed', [qw(assigned accepted in_progress pending_info resolved closed)],
        'the answer lists the allowed next statuses');
is $s->tickets_fingerprint, $before, 'and nothing changed';

move('assigned', assignee_id => $s->user_id('agent@example.com'), note => 'Alex has the key')->status_is(200);
move('accepted')->status_is(200);
move('in_progress')->status_is(200);
move('scheduled')->status_is(422, 'Scheduled needs a date')->json_like('/detail', qr/scheduled_at/);
move('scheduled', scheduled_at => '2026-12-01T09:00:00Z', note => 'Engineer booked')->status_is(200)
    ->json_is('/scheduled_at', '2026-12-01T09:00:00+00:00');
move('pending_parts', note => 'Fan on order')->status_is(200);
move('pending_approval')->status_is(200, 'Pending sub-states move between each other');
move('closed')->status_is(422)->json_is('/allowed',
    [qw(in_progress scheduled pending_info pending_callback pending_parts resolved)]);
move('resolved', note => 'Fan replaced')->status_is(200);
move('in_progress', note => 'Reopened: still warm')->status_is(200, 'reopen');
move('resolved')->status_is(200);
move('closed')->status_is(200);
move('new')->status_is(422)->json_is('/allowed', ['in_progress']);

is $s->psql("select string_agg(concat_ws(':', coalesce(from_status, '-'), to_status, coalesce(note, '')"
    . ", (select email from users where id = actor_id)), ' | ' order by at) from ticket_status_history"
    . " where ticket_id = '$t->{id}'"),
    join(' | ', '-:new::lead@example.com', 'new:assigned:Alex has the key:lead@example.com',
        'assigned:accepted::lead@example.com', 'accepted:in_progress::lead@example.com',
        'in_progress:scheduled:Engineer booked:lead@example.com',
        'scheduled:pending_parts:Fan on order:lead@example.com',
        'pending_parts:pending_approval::lead@example.com',
        'pending_approval:resolved:Fan replaced:lead@example.com',
        'resolved:in_progress:Reopened: still warm:lead@example.com',
        'in_progress:resolved::lead@example.com', 'resolved:closed::lead@example.com'),
    'one history row per change, with actor and note';
is $s->psql("select count(*) from jobs where kind = 'ticket.status_changed' and payload->>'ticket_id' = '$t->{id}'"),
    10, 'an outbox job per status change';
is $s->psql("select count(*) from jobs where kind = 'ticket.assigned' and payload->>'assignee_id' = '"
    . $s->user_id('agent@example.com') . "'"), 1,
    'and one for the assignment to Alex (by hand, or already by Service Desk\'s round robin)';

done_testing;
