# custom_json must match ticket_custom_defs: known keys only, each value of its field's type
# (text, number, boolean, date, select from its options), required fields present; otherwise 400
# naming each bad field, and nothing is written.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r = $s->login('requester@example.com');
$s->psql(q{insert into ticket_custom_defs (key, label, type, required, options) values
    ('site', 'Site', 'select', true, '["London", "Leeds"]'),
    ('needed_by', 'Needed by', 'date', false, '[]'),
    ('vip', 'VIP', 'boolean', false, '[]')});
my $before = $s->tickets_fingerprint;

sub create { $r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'x', custom_json => $_[0] }) }

create({})->status_is(400, 'a required field missing')
    ->json_is('/errors', [{ field => 'custom_json.site', message => 'Site is required' }]);
create({ site => 'Paris' })->status_is(400, 'not one of the options')->json_is('/errors/0/field', 'custom_json.site');
create({ site => 'Leeds', affected_users => 'many', vip => 'yes', needed_by => '2026-02-30', colour => 'red' })
    ->status_is(400)->json_is('/errors', [
        { field => 'custom_json.affected_users', message => 'must be a number' },
        { field => 'custom_json.colour', message => 'no such custom field' },
        { field => 'custom_json.needed_by', message => 'must be a date (YYYY-MM-DD)' },
        { field => 'custom_json.vip', message => 'must be a boolean' },
    ], 'every bad value, named');
is $s->tickets_fingerprint, $before, 'nothing written';

create({ site => 'Leeds', affected_users => 12, vip => \1, needed_by => '2026-02-28', asset_tag => 'A7' })
    ->status_is(201)->json_is('/custom_json/site', 'Leeds')->json_is('/custom_json/vip', Mojo::JSON::true);
my $t = $r->t->tx->res->json;

my $agent = $s->login('agent@example.com');
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk') where id = '$t->{id}'");
my $url = $s->url("/api/tickets/$t->{id}");
$before = $s->tickets_fingerprint;
$agent->t->patch_ok($url => $agent->h('If-Match' => '"2"') => json => { custom_json => { site => undef } })
    ->status_is(400, 'removing a required value')->json_is('/errors/0/field', 'custom_json.site');
$agent->t->patch_ok($url => $agent->h('If-Match' => '"2"') => json => { custom_json => { site => 'Rome' } })
    ->status_is(400);
is $s->tickets_fingerprint, $before, 'nothing written';
$agent->t->patch_ok($url => $agent->h('If-Match' => '"2"') => json => { custom_json => { site => 'London', vip => undef } })
    ->status_is(200)->json_is('/custom_json', { site => 'London', affected_users => 12,
        needed_by => '2026-02-28', asset_tag => 'A7' });

done_testing;
