# Watchers: an agent adds a colleague or a requester to a ticket, which the watcher can then see;
# a requester may add or remove only themselves, on a ticket they can see, and gets 404 for one
# they cannot; each change is one audit event and one outbox job, bad input changes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');
my $r1_id = $r1->user->{id};
my $r2_id = $r2->user->{id};
my $t = $s->create_ticket($agent, title => 'VPN drops hourly', requester_id => $r1_id);
my $w = $s->url("/api/tickets/$t->{id}/watchers");
my $none = '01a21bde-0000-7000-8000-000000000000';

$r2->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(404, 'not yet visible to requester 2');
$r2->t->get_ok($w)->status_is(404);
$r2->t->post_ok($w => $r2->h => json => { user_id => $r2_id })
    ->status_is(404, 'a requester cannot watch a ticket they cannot see');

my $before = $s->tickets_fingerprint;
$agent->t->post_ok($w => $agent->h => json => { user => $r2_id })->status_is(400, 'unknown field');
$agent->t->post_ok($w => $agent->h => json => { user_id => 'nobody' })->status_is(400)
    ->json_is('/errors/0/field', 'user_id');
$agent->t->post_ok($w => $agent->h => json => { user_id => $none })->status_is(422)
    ->header_like('Content-Type', qr{application/problem\+json});
$agent->t->post_ok($s->url("/api/tickets/TKT-999999/watchers") => $agent->h => json => { user_id => $r2_id })
    ->status_is(404);
$r1->t->post_ok($w => $r1->h => json => { user_id => $r2_id })
    ->status_is(403, 'a requester may not add someone else to their own ticket');
is $s->tickets_fingerprint, $before, 'refused requests change nothing';

$agent->t->post_ok($w => $agent->h => json => { user_id => $r2_id })->status_is(201)
    ->json_is('/items/0/user_id', $r2_id)->json_is('/items/0/email', 'requester2@example.com');
$agent->t->post_ok($w => $agent->h => json => { user_id => $r2_id })->status_is(200, 'adding again is no change');
is $s->audit_count('ticket.watcher_added', "entity_id = '$t->{id}'"), 1, 'one audit event for one change';

$r2->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(200, 'watching makes the ticket visible');
$r2->t->get_ok($s->url('/api/tickets'))->status_is(200)->json_is('/items/0/id', $t->{id});
$r1->t->get_ok($w)->status_is(200)->json_is('/items/0/user_id', $r2_id, 'the requester sees who watches');

$r1->t->post_ok($w => $r1->h => json => { user_id => $r1_id })->status_is(201, 'a requester adds themselves');
$r1->t->delete_ok("$w/$r2_id" => $r1->h)->status_is(403, '… but cannot remove someone else');
$r2->t->delete_ok("$w/$r2_id" => $r2->h)->status_is(204, 'a watcher removes themselves');
$r2->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(404, 'and no longer sees the ticket');
$agent->t->delete_ok("$w/$r2_id" => $agent->h)->status_is(404, 'removing a non-watcher');
$agent->t->delete_ok("$w/not-a-uuid" => $agent->h)->status_is(404);

is $s->psql("select string_agg(action || ' ' || (diff_json->>'user_id' = '$r2_id')::text || ' '"
    . " || (select email from users where id = actor_id), '; ' order by id) from audit_events"
    . " where entity_id = '$t->{id}' and action like 'ticket.watcher%'"),
    'ticket.watcher_added true agent@example.com; ticket.watcher_added false requester@example.com; '
    . 'ticket.watcher_removed true requester2@example.com', 'each change audited with its actor';
is $s->psql("select string_agg(kind, ' ' order by created_at, kind) from jobs"
    . " where payload->>'ticket_id' = '$t->{id}' and kind like 'ticket.watcher%'"),
    'ticket.watcher_added ticket.watcher_added ticket.watcher_removed', 'and one outbox job each';

done_testing;
