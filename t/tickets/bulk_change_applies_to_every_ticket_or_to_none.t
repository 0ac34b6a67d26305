# POST /api/tickets/bulk changes status, assignee, priority or team on up to 500 tickets, all or
# none: one ticket that cannot take the change (an illegal transition, one the caller cannot
# reach, one that does not exist) makes it 422 listing each such ticket, and nothing is written;
# otherwise every ticket is changed and recorded as a PATCH would be (status history, audit event,
# outbox jobs). Bad input is 400 and agents may not bulk edit.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $lead = $s->login('lead@example.com');                 # Service Desk
my $agent = $s->login('agent@example.com');
my $r2 = $s->login('requester2@example.com');
my $req = $s->user_id('requester@example.com');
my $url = $s->url('/api/tickets/bulk');

my @t = map { $s->create_ticket($lead, title => "Bulk $_", requester_id => $req) } 1 .. 4;
my @ids = map { $_->{id} } @t;
my $foreign = $s->create_ticket($r2, title => 'Not in the lead\'s reach');
$s->psql("update tickets set status = 'closed' where id = '$ids[3]'");
my $none = '01a21bde-0000-7000-8000-000000000000';

my $before = $s->tickets_fingerprint;
$lead->t->post_ok($url => $lead->h => json => { ids => [@ids, $foreign->{id}, $none], set => { status => 'accepted' } })
    ->status_is(422)->header_like('Content-Type', qr{application/problem\+json})
    ->json_like('/detail', qr/none was changed/);
my %err = map { ($_->{id} => $_->{detail}) } @{ $lead->t->tx->res->json->{errors} };
is_deeply [sort keys %err], [sort $ids[3], $foreign->{id}, $none], 'each ticket that cannot take it is named';
like $err{$ids[3]}, qr/closed.*cannot move to "accepted"/, 'the illegal transition says why';
is $err{$foreign->{id}}, $err{$none}, 'a ticket out of reach looks like one that does not exist';
is $s->tickets_fingerprint, $before, 'all or nothing: nothing changed, no history, audit or job';

$agent->t->post_ok($url => $agent->h => json => { ids => [$ids[0]], set => { priority => 'P1' } })
    ->status_is(403, 'agents do not bulk edit');
my @many = map { sprintf '01a21bde-0000-7000-8000-%012d', $_ } 1 .. 501;
$lead->t->post_ok($url => $lead->h => json => { ids => \@many, set => { priority => 'P1' } })
    ->status_is(400, '501 tickets')->json_is('/errors/0/field', 'ids');
$lead->t->post_ok($url => $lead->h => json => { ids => [], set => { priority => 'P1' } })->status_is(400, 'none');
$lead->t->post_ok($url => $lead->h => json => { ids => ['x'], set => { priority => 'P1' } })->status_is(400)
    ->json_is('/errors/0/field', 'ids[0]');
$lead->t->post_ok($url => $lead->h => json => { ids => [$ids[0]], set => { title => 'x' } })->status_is(400)
    ->json_is('/errors/0/field', 'title');
$lead->t->post_ok($url => $lead->h => json => { ids => [$ids[0]], set => { priority => 'P9' } })->status_is(400);
$lead->t->post_ok($url => $lead->h => json => { ids => [$ids[0]], set => {} })->status_is(400);
$lead->t->post_ok($url => $lead->h => json => { ids => [$ids[0]] })->status_is(400);
is $s->tickets_fingerprint, $before, 'bad input changes nothing';

my $agent_id = $s->user_id('agent2@example.com');      # not the one round robin chose
$lead->t->post_ok($url => $lead->h => json => { ids => [@ids[0 .. 2]],
    set => { status => 'assigned', priority => 'P1', assignee_id => $agent_id } })->status_is(200)
    ->json_is('/items/0/status', 'assigned')->json_is('/items/2/priority', 'P1')
    ->json_is('/items/1/assignee_id', $agent_id);
is $s->psql("select count(*) from tickets where id in ('$ids[0]', '$ids[1]', '$ids[2]')"
    . " and status = 'assigned' and priority = 'P1' and assignee_id = '$agent_id'"), 3, 'all three changed';
my $in = join ',', map { "'$_'" } @ids[0 .. 2];
is $s->psql("select count(*) from ticket_status_history where ticket_id in ($in) and to_status = 'assigned'"),
    3, 'a status history row each';
is $s->psql("select count(*) from audit_events where entity_id in ($in) and action = 'ticket.updated'"
    . " and actor_id = '$lead->{user}{id}' and diff_json ? 'status' and diff_json ? 'priority'"), 3,
    'an audit event each, by the lead';
is $s->psql("select string_agg(kind || ' ' || n, ', ' order by kind) from (select kind, count(*) n from jobs"
    . " where payload->>'ticket_id' in ($in) and kind <> 'ticket.created'"
    . " and (kind <> 'ticket.assigned' or payload->>'actor_id' is not null) group by kind) x"),
    'ticket.assigned 3, ticket.status_changed 3, ticket.updated 3', 'and its outbox jobs';

done_testing;
