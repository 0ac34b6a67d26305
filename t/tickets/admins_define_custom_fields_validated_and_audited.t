# Custom field definitions through the admin API (GET/POST /api/admin/custom-fields,
# PATCH/DELETE …/{id}): only admins; each bad field is 400 naming it and nothing is stored or
# audited; a key used twice is 409; a change needs If-Match (428 without, 409 stale, nothing
# changed); key and type never change; every write is one audit event. What is defined is what
# GET /api/custom-fields lists and what ticket create enforces; a field made inactive or deleted
# is no longer listed or accepted.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $r = $s->login('requester@example.com');
my $url = $s->url('/api/admin/custom-fields');
my %good = (key => 'site', label => 'Site', type => 'select', required => \1,
            options => ['London', 'Leeds'], sort_order => 5);

sub defs { $s->psql("select count(*) || ':' || coalesce(string_agg(concat_ws(',', key, label, type, required, options::text, active, sort_order, version), ';' order by key), '') from ticket_custom_defs") }
sub listed { [ map { $_->{key} } @{ $r->ua->get($s->url('/api/custom-fields') => $r->h)->res->json->{items} } ] }

for my $who (qw(requester agent lead manager)) {
    my $c = $s->login("$who\@example.com");
    $c->t->get_ok($url)->status_is(403, "$who: list 403");
    $c->t->post_ok($url => $c->h => json => \%good)->status_is(403, "$who: create 403");
}

my $before = defs();
my @bad = (
    [ key => do { my %b = %good; delete $b{key}; \%b } ],
    [ key => { %good, key => 'Site' } ],
    [ key => { %good, key => '1site' } ],
    [ key => { %good, key => 'a' x 64 } ],
    [ label => { %good, label => '  ' } ],
    [ label => { %good, label => "Si\nte" } ],
    [ type => { %good, type => 'colour' } ],
    [ options => { %good, options => 'London' } ],
    [ options => { %good, options => ['London', 'London'] } ],
    [ options => { %good, options => ['London', ''] } ],
    [ options => { %good, options => [] } ],
    [ options => { %good, type => 'text' } ],
    [ required => { %good, required => 'yes' } ],
    [ active => { %good, active => 1 } ],
    [ sort_order => { %good, sort_order => 1.5 } ],
    [ sort_order => { %good, sort_order => 40000 } ],
    [ version => { %good, version => 2 } ],
);
for my $b (@bad) {
    my ($field, $body) = @$b;
    $admin->t->post_ok($url => $admin->h => json => $body)->status_is(400, "bad $field: 400")
        ->header_like('Content-Type', qr{application/problem\+json})
        ->json_is('/errors/0/field', $field, "the error names $field");
}
is defs(), $before, 'no bad body stored anything';
is $s->audit_count('custom_field.created'), 0, 'nor audited anything';

$admin->t->post_ok($url => $admin->h => json => \%good)->status_is(201)
    ->json_is('/key', 'site')->json_is('/required', Mojo::JSON::true)->json_is('/version', 1)
    ->json_is('/options', ['London', 'Leeds'])->json_is('/active', Mojo::JSON::true);
my $site = $admin->t->tx->res->json;
$admin->t->post_ok($url => $admin->h => json => { %good, label => 'Other' })->status_is(409, 'a key once');
is $s->audit_count('custom_field.created', q{diff_json->'after'->>'key' = 'site'}), 1, 'creating it is audited';
is_deeply listed(), ['site', 'asset_tag', 'affected_users'], 'the requester\'s form lists it first';
$r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'x', custom_json => {} })
    ->status_is(400, 'and ticket create enforces it')->json_is('/errors/0/field', 'custom_json.site');

# changes: If-Match, key and type fixed
my $one = $s->url("/api/admin/custom-fields/$site->{id}");
$before = defs();
$admin->t->patch_ok($one => $admin->h => json => { label => 'Office' })->status_is(428, 'no If-Match: 428');
$admin->t->patch_ok($one => $admin->h('If-Match' => '"9"') => json => { label => 'Office' })
    ->status_is(409, 'stale: 409')->json_is('/current_version', 1);
$admin->t->patch_ok($one => $admin->h('If-Match' => '"1"') => json => { type => 'text' })
    ->status_is(400, 'the type never changes')->json_is('/errors/0/field', 'type');
$admin->t->patch_ok($one => $admin->h('If-Match' => '"1"') => json => { key => 'office' })
    ->status_is(400, 'nor the key')->json_is('/errors/0/field', 'key');
$admin->t->patch_ok($one => $admin->h('If-Match' => '"1"') => json => { options => [] })
    ->status_is(400, 'a select keeps options')->json_is('/errors/0/field', 'options');
is defs(), $before, 'nothing changed';

$admin->t->patch_ok($one => $admin->h('If-Match' => '"1"') => json => { label => 'Office', options => ['Leeds', 'York'], required => \0 })
    ->status_is(200)->json_is('/label', 'Office')->json_is('/options', ['Leeds', 'York'])->json_is('/version', 2);
is $s->audit_count('custom_field.updated', q{diff_json->'before'->>'label' = 'Site' and diff_json->'after'->>'label' = 'Office'}),
    1, 'the change is audited with before and after';
$r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'x', custom_json => { site => 'London' } })
    ->status_is(400, 'the old option is gone');
$r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'x', custom_json => { site => 'York' } })
    ->status_is(201, 'the new one goes in');

$admin->t->patch_ok($one => $admin->h('If-Match' => '"2"') => json => { active => \0 })->status_is(200);
is_deeply listed(), ['asset_tag', 'affected_users'], 'inactive: no longer listed';
$admin->t->get_ok($url)->status_is(200)->json_is('/items/0/key', 'site', 'admins still see it')
    ->json_is('/items/0/active', Mojo::JSON::false);

$admin->t->delete_ok($one => $admin->h)->status_is(204);
$admin->t->delete_ok($one => $admin->h)->status_is(404, 'gone');
is $s->audit_count('custom_field.deleted', q{diff_json->'before'->>'key' = 'site'}), 1, 'deleting is audited';
is $s->psql("select count(*) from tickets where custom_json->>'site' = 'York'"), 1, 'tickets keep their values';

done_testing;
