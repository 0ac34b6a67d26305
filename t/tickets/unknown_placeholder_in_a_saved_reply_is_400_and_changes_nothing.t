# A saved reply's body is checked by core before anything is saved: an unknown placeholder is 400
# naming it (once, however often it appears), together with every other field error and the
# placeholders there are; so is an unclosed "{{", an unknown field or a bad value. None of these,
# nor an agent trying to share a reply, writes a row or an audit event.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $lead = $s->login('lead@example.com');
my $url = $s->url('/api/saved-replies');
my $mine = $s->create_saved_reply($agent, title => 'Mine', body_md => 'Hi {{requester.name}}');

my $before = $s->saved_replies_fingerprint;
$agent->t->post_ok($url => $agent->h => json => { title => 'Typo',
        body_md => "Hi {{requester.nmae}}, {{ticket.number}} {{ requester.nmae }} {{ticket.url}}" })
    ->status_is(400)->header_like('Content-Type', qr{application/problem\+json})
    ->json_like('/detail', qr/unknown placeholder \{\{requester\.nmae\}\}/)
    ->json_is('/errors/0/field', 'body_md')->json_is('/errors/0/placeholder', 'requester.nmae')
    ->json_is('/errors/1/placeholder', 'ticket.url')->json_hasnt('/errors/2', 'each unknown name once')
    ->json_is('/placeholders/0', 'ticket.number', 'the problem lists the placeholders there are');
my $p = $agent->t->tx->res->json->{placeholders};
is_deeply [sort @$p], [sort qw(ticket.number ticket.title ticket.status ticket.priority requester.name
    requester.first_name requester.email agent.name agent.first_name agent.email)], 'all of them';

$agent->t->post_ok($url => $agent->h => json => { title => ' ', body_md => 'Hi {{ ticket.number', shared => 'no' })
    ->status_is(400)->json_is('/errors/0/field', 'title')->json_is('/errors/1/field', 'body_md')
    ->json_like('/errors/1/message', qr/never closed/)->json_is('/errors/2/field', 'shared',
        'every field error at once');
$agent->t->post_ok($url => $agent->h => json => { title => 'x', body_md => 'a {{ two words }} b' })
    ->status_is(400)->json_like('/errors/0/message', qr/holds no placeholder name/);
$agent->t->post_ok($url => $agent->h => json => { title => 'x', body_md => 'x', owner_id => $agent->user->{id} })
    ->status_is(400, 'unknown field')->json_is('/errors/0/field', 'owner_id');
$agent->t->post_ok($url => $agent->h => json => { title => 'x' })->status_is(400, 'body_md is required');
$agent->t->post_ok($url => $agent->h => json => { title => 'x' x 201, body_md => 'x' })->status_is(400);
$agent->t->post_ok($url => $agent->h => json => { title => 'Shared', body_md => 'x', shared => Mojo::JSON::true })
    ->status_is(403, 'an agent may not share a reply')->json_like('/detail', qr/saved_reply\.admin/);
$agent->t->post_ok($url => $agent->h => json => { title => 'Mine', body_md => 'again' })
    ->status_is(409, 'a title the agent already uses');

my $patch = $s->url("/api/saved-replies/$mine->{id}");
$agent->t->patch_ok($patch => $agent->h('If-Match' => '"1"') => json => { body_md => 'Bye {{agent.nam}}' })
    ->status_is(400, 'a PATCH is checked the same way')->json_is('/errors/0/placeholder', 'agent.nam');
$agent->t->patch_ok($patch => $agent->h('If-Match' => '"1"') => json => { shared => Mojo::JSON::true })
    ->status_is(400, 'sharing is not something a PATCH does')->json_is('/errors/0/field', 'shared');
$agent->t->patch_ok($patch => $agent->h('If-Match' => '"1"') => json => {})->status_is(400, 'nothing to change');
$agent->t->patch_ok($patch => $agent->h('If-Match' => '"1"') => json => { title => undef })->status_is(400);
is $s->saved_replies_fingerprint, $before, 'no reply written, nothing audited';

$lead->t->post_ok($url => $lead->h => json => { title => 'Shared', body_md => 'Hi {{requester.first_name}}',
        shared => Mojo::JSON::true })->status_is(201, 'a team lead may share one')->json_is('/shared', Mojo::JSON::true)
    ->json_is('/owner_id', undef);
$agent->t->post_ok($url => $agent->h => json => { title => 'Shared', body_md => 'mine' })
    ->status_is(201, 'a personal reply may have a shared one\'s title');

done_testing;
