# A requester never receives an internal comment: not in the timeline, not in the ticket, not in
# the list; they cannot write one either (403 on their own ticket), nor read the audit trail.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $r = $s->login('requester@example.com');
my $t = $s->create_ticket($r, title => 'New starter laptop');
my $url = $s->url("/api/tickets/$t->{id}");
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk') where id = '$t->{id}'");

my $secret = 'INTERNAL-ONLY budget code 4711';
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => $secret, is_internal => \1 })->status_is(201);
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => 'Ordered, arrives Friday.' })->status_is(201);

$agent->t->get_ok("$url/timeline")->status_is(200)->content_like(qr/\Q$secret/, 'the agent sees the note');

for my $path ("/api/tickets/$t->{id}/timeline", "/api/tickets/$t->{number}/timeline",
    "/api/tickets/$t->{id}", '/api/tickets', '/api/tickets?sort=updated_at')
{
    $r->t->get_ok($s->url($path))->status_is(200, "requester GET $path")
        ->content_unlike(qr/\Q$secret/, "$path: no internal comment")
        ->content_unlike(qr/INTERNAL-ONLY|4711/, "$path: not a fragment of it");
}
$r->t->get_ok("$url/timeline")->json_is('/items/1/body_md', 'Ordered, arrives Friday.', 'public ones are there')
    ->json_hasnt('/items/2');

my $before = $s->tickets_fingerprint;
$r->t->post_ok("$url/comments" => $r->h => json => { body_md => 'sneaky', is_internal => \1 })
    ->status_is(403, 'a requester cannot write an internal comment on their own ticket');
$r->t->get_ok("$url/audit")->status_is(403, 'nor read its audit trail');
$r->t->patch_ok($url => $r->h('If-Match' => '"1"') => json => { priority => 'P1' })
    ->status_is(403, 'nor change its fields');
is $s->tickets_fingerprint, $before, 'nothing changed';

$r->t->post_ok("$url/comments" => $r->h => json => { body_md => 'Thanks!' })->status_is(201);
$r->t->patch_ok($url => $r->h('If-Match' => '"2"') => json => { status => 'closed' })
    ->status_is(200, 'but may close it')->json_is('/status', 'closed');

is $s->psql("select count(*) from jobs where kind = 'ticket.commented' and (payload->>'is_internal')::boolean"),
    1, 'the internal comment\'s job is marked internal, for the notifier to keep from requesters';
ok $s->psql("select count(*) from jobs where payload::text like '%4711%'") == 0, 'and carries no text of it';

done_testing;
