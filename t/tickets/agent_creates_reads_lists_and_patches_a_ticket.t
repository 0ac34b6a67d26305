# The ticket's whole first life through the API: an agent files a ticket for a requester, reads it
# by id and by its TKT number, finds it in the list, changes it with If-Match; each write records
# its status history, its audit event (actor, ip, user agent, diff) and its outbox jobs.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $requester_id = $s->user_id('requester@example.com');
my $team_id = $s->psql("select id from teams where name = 'Service Desk'");

$agent->t->post_ok($s->url('/api/tickets') => $agent->h => json => {
    title => 'Laptop will not boot', description => "Black screen\n\nsince Monday",
    priority => 'P2', urgency => 2, category => 'Hardware', subcategory => 'Laptop',
    requester_id => $requester_id, custom_json => { asset_tag => 'LT-0042', affected_users => 1 },
})->status_is(201)->header_like('Content-Type', qr{^application/json})
  ->json_like('/number', qr/^TKT-\d+$/)->json_is('/status', 'new')->json_is('/version', 1)
  ->json_is('/source', 'web', 'a browser session files web tickets')
  ->json_is('/requester_id', $requester_id)->json_is('/requester/email', 'requester@example.com')
  ->json_is('/custom_json/asset_tag', 'LT-0042')->json_is('/priority', 'P2')
  ->json_is('/team_id', $team_id, "filed for someone else: the filer's team")
  ->json_is('/team/name', 'Service Desk');
my $t = $agent->t->tx->res->json;
my $id = $t->{id};

$agent->t->get_ok($s->url("/api/tickets/$id"))->status_is(200)->json_is('/title', 'Laptop will not boot')
    ->json_is('/description', "Black screen\n\nsince Monday");
$agent->t->get_ok($s->url("/api/tickets/$t->{number}"))->status_is(200)->json_is('/id', $id, 'by TKT number');
$agent->t->get_ok($s->url('/api/tickets/' . lc $t->{number}))->status_is(200, 'the prefix in any case');
$agent->t->get_ok($s->url('/api/tickets/TKT-999999'))->status_is(404)
    ->header_like('Content-Type', qr{application/problem\+json});
$agent->t->get_ok($s->url('/api/tickets/not-a-ticket'))->status_is(404);

$agent->t->get_ok($s->url('/api/tickets'))->status_is(200)->json_is('/items/0/id', $id)
    ->json_is('/items/0/number', $t->{number})->json_is('/next_cursor', undef);
ok !exists $agent->t->tx->res->json->{items}[0]{description}, 'list items leave the description out';
my $v = $agent->t->tx->res->json->{items}[0]{version};

$agent->t->patch_ok($s->url("/api/tickets/$id") => $agent->h('If-Match' => qq{"$v"}) => json => {
    status => 'in_progress', note => 'Looking at it', priority => 'P1', title => 'Laptop dead',
})->status_is(200)->json_is('/status', 'in_progress')->json_is('/priority', 'P1')
  ->json_is('/title', 'Laptop dead')->json_is('/version', $v + 1);

$agent->t->patch_ok($s->url("/api/tickets/$id") => $agent->h('If-Match' => $v + 1) => json => {
    custom_json => { affected_users => 3, asset_tag => undef },
})->status_is(200, 'If-Match without quotes')->json_is('/custom_json', { affected_users => 3 },
    'custom_json merges; null removes a value');

$agent->t->patch_ok($s->url("/api/tickets/$id") => $agent->h('If-Match' => 'W/"' . ($v + 2) . '"') => json => {
    priority => 'P1',
})->status_is(200, 'a change to the same value')->json_is('/version', $v + 2, 'is no change');

is $s->psql("select string_agg(concat_ws(' ', coalesce(from_status, '-'), to_status, coalesce(note, '-'),"
    . " (select email from users where id = actor_id)), '; ' order by at) from ticket_status_history"
    . " where ticket_id = '$id'"),
    '- new - agent@example.com; new in_progress Looking at it agent@example.com',
    'a status history row per change, with actor and note';

my $agent_id = $agent->user->{id};
is $s->psql("select string_agg(action || ' ' || host(ip) || ' ' || (ua is not null)::text, '; ' order by id)"
    . " from audit_events where entity_type = 'ticket' and entity_id = '$id' and actor_id = '$agent_id'"),
    'ticket.created 127.0.0.1 true; ticket.updated 127.0.0.1 true; ticket.updated 127.0.0.1 true',
    'each write is one audit event by the signed-in actor, with ip and user agent';
is $s->psql("select diff_json->>'priority' from audit_events where entity_id = '$id'"
    . " and action = 'ticket.updated' order by id limit 1"), '["P2", "P1"]', 'the event carries the diff';

is $s->psql("select string_agg(kind, ' ' order by created_at, kind) from jobs where payload->>'ticket_id' = '$id'"),
    'ticket.assigned ticket.created ticket.status_changed ticket.updated ticket.updated',
    'outbox jobs for the create, its round-robin assignment (Service Desk), the status change and each update';
is $s->psql("select payload->>'to' from jobs where kind = 'ticket.status_changed'"), 'in_progress';

$agent->t->get_ok($s->url("/api/tickets/$id/audit"))->status_is(200)
    ->json_is('/items/0/action', 'ticket.created')
    ->json_is('/items/1/action', 'ticket.assigned', 'then Service Desk\'s round robin assigns it')
    ->json_is('/items/1/actor_type', 'system')->json_is('/items/2/diff/status', ['new', 'in_progress']);

# a token-authenticated client files api tickets
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'script' })->status_is(201);
my $pat = $agent->t->tx->res->json->{token};
$s->t->post_ok($s->url('/api/tickets') => $s->bearer($pat) => json => { title => 'From a script' })
    ->status_is(201)->json_is('/source', 'api')->json_is('/requester_id', $agent_id);

done_testing;
