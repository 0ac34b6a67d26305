# GET /api/custom-fields lists the active custom field definitions in display order with what a
# form needs to render them (key, label, type, required, options), to anyone signed in — a
# requester included — and not to anyone else; an inactive definition is not listed and not
# accepted. What the list says is what ticket create enforces: a required field left out is 400
# naming custom_json.<key>, a select value not among its options too; the listed values go in.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r = $s->login('requester@example.com');
my $url = $s->url('/api/custom-fields');

$s->psql(q{insert into ticket_custom_defs (key, label, type, required, options, sort_order, active) values
    ('site', 'Site', 'select', true, '["London", "Leeds"]', 5, true),
    ('retired', 'Retired field', 'text', false, '[]', 1, false)});

$s->t->get_ok($url)->status_is(401, 'signed out: 401')
    ->header_like('Content-Type', qr{application/problem\+json});

$r->t->get_ok($url)->status_is(200)->json_is('/items', [
    { key => 'site', label => 'Site', type => 'select', required => Mojo::JSON::true,
      options => ['London', 'Leeds'], sort_order => 5 },
    { key => 'asset_tag', label => 'Asset tag', type => 'text', required => Mojo::JSON::false,
      options => [], sort_order => 10 },
    { key => 'affected_users', label => 'Affected users', type => 'number',
      required => Mojo::JSON::false, options => [], sort_order => 20 },
], 'the active definitions, in display order, inactive ones left out');

for my $who (qw(agent admin)) {
    my $c = $s->login("$who\@example.com");
    $c->t->get_ok($url)->status_is(200, "$who: 200")->json_is('/items/0/key', 'site');
}

# what the list says is enforced
my $before = $s->tickets_fingerprint;
my $post = sub { $r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'Dock', custom_json => $_[0] }) };
$post->({ asset_tag => 'A1' })->status_is(400, 'the required field left out')
    ->json_is('/errors', [{ field => 'custom_json.site', message => 'Site is required' }]);
$post->({ site => '' })->status_is(400, 'left empty')->json_is('/errors/0/field', 'custom_json.site');
$post->({ site => 'Paris' })->status_is(400, 'not an option')->json_is('/errors/0/field', 'custom_json.site');
$post->({ site => 'Leeds', retired => 'x' })->status_is(400, 'an inactive field is not accepted')
    ->json_is('/errors/0/field', 'custom_json.retired');
is $s->tickets_fingerprint, $before, 'nothing written';

$post->({ site => 'Leeds', asset_tag => 'A1', affected_users => 3 })->status_is(201)
    ->json_is('/custom_json', { site => 'Leeds', asset_tag => 'A1', affected_users => 3 });
my $id = $r->t->tx->res->json->{id};
$r->t->get_ok($s->url("/api/tickets/$id"))->status_is(200)->json_is('/custom_json/site', 'Leeds',
    'the ticket shows the values');

done_testing;
