# Soft delete: DELETE /api/tickets/{id} by a team lead (in scope) or a manager marks the ticket
# deleted; from then on it is 404 on every route and absent from every list, for everyone, while
# its audit trail keeps the ticket.deleted event with its actor. Agents and requesters may not
# delete (403 on a ticket they see, 404 on one they do not), and a refusal changes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $lead = $s->login('lead@example.com');
my $agent = $s->login('agent@example.com');
my $mgr = $s->login('manager@example.com');
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');
my $t = $s->create_ticket($agent, title => 'Old monitor', requester_id => $r1->user->{id});
my $keep = $s->create_ticket($agent, title => 'Keep me', requester_id => $r1->user->{id});
my $url = $s->url("/api/tickets/$t->{id}");

my $before = $s->tickets_fingerprint;
$agent->t->delete_ok($url => $agent->h)->status_is(403, 'agents do not delete');
$r1->t->delete_ok($url => $r1->h)->status_is(403, 'nor does the requester');
$r2->t->delete_ok($url => $r2->h)->status_is(404, 'a stranger learns nothing');
$lead->t->delete_ok($url)->status_is(403, 'a session needs its CSRF token');
is $s->tickets_fingerprint, $before, 'refusals change nothing';

$lead->t->delete_ok($s->url("/api/tickets/$t->{number}") => $lead->h)->status_is(204, 'deleted by number');

for my $c ([lead => $lead], [manager => $mgr], [agent => $agent], [requester => $r1]) {
    my ($name, $u) = @$c;
    $u->t->get_ok($url)->status_is(404, "$name: GET is 404");
    $u->t->get_ok("$url/timeline")->status_is(404, "$name: timeline is 404");
    $u->t->get_ok($s->url('/api/tickets'))->status_is(200);
    is join(',', map { $_->{title} } @{ $u->t->tx->res->json->{items} }), 'Keep me', "$name: not listed";
}
$mgr->t->patch_ok($url => $mgr->h('If-Match' => '"1"') => json => { priority => 'P1' })->status_is(404);
$mgr->t->delete_ok($url => $mgr->h)->status_is(404, 'deleting twice');

is $s->psql("select count(*) from tickets where id = '$t->{id}' and deleted_at is not null"), 1,
    'the row stays, marked deleted';
is $s->psql("select string_agg(a.action || ' ' || u.email || ' ' || (a.diff_json->>'title'), '; ')"
    . " from audit_events a join users u on u.id = a.actor_id"
    . " where a.entity_id = '$t->{id}' and a.action = 'ticket.deleted'"),
    'ticket.deleted lead@example.com Old monitor', 'the audit trail shows who deleted what';
is $s->psql("select count(*) from jobs where kind = 'ticket.deleted' and payload->>'ticket_id' = '$t->{id}'"), 1,
    'and the outbox has the job';

done_testing;
