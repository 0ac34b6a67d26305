# A ticket filed without a team (portal, email, API) goes to the team an admin names as intake:
# with the default team scope that team's agents see it at once, and its round robin assigns it.
# With no intake team named (the default) a new ticket keeps no team. Naming a team intake takes
# it from the team that had it (admins and managers administer teams), each change an audit event; the intake team cannot be deactivated
# and an inactive team cannot become it; a bad value is a 400 and changes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $mgr = $s->login('manager@example.com');
my $lead = $s->login('lead@example.com');
my $agent = $s->login('agent@example.com');
my $r = $s->login('requester@example.com');
my $desk = $s->psql("select id from teams where name = 'Service Desk'");
my ($net, $net_name) = split /\|/,
    $s->psql("select id || '|' || name from teams where name <> 'Service Desk' and active order by name limit 1");
my $requester_id = $s->user_id('requester@example.com');
my $cal = $s->psql('select id from calendars order by name limit 1');
sub teams_state { $s->psql("select string_agg(id || ' ' || intake || ' ' || active || ' ' || version, ',' order by id)"
    . " from teams") }
sub intake_names { $s->psql("select coalesce(string_agg(name, ',' order by name), '') from teams where intake") }

my $t0 = $s->create_ticket($r, title => 'Before any intake team');
is $t0->{team_id}, undef, 'no intake team named: a new ticket keeps no team';
$agent->t->get_ok($s->url("/api/tickets/$t0->{id}"))->status_is(404, 'and no team-scoped agent sees it');

my $state = teams_state();
my $events = $s->psql('select count(*) from audit_events');
$admin->t->patch_ok($s->url("/api/teams/$desk") => $admin->h => json => { intake => 'yes' })
    ->status_is(400)->json_is('/errors/0/field', 'intake');
$admin->t->patch_ok($s->url("/api/teams/$desk") => $admin->h => json => { intake => 1 })
    ->status_is(400, 'a number is not a boolean')->json_is('/errors/0/field', 'intake');
$lead->t->patch_ok($s->url("/api/teams/$desk") => $lead->h => json => { intake => \1 })
    ->status_is(403, 'a team lead does not name the intake team');
$agent->t->patch_ok($s->url("/api/teams/$desk") => $agent->h => json => { intake => \1 })->status_is(403);
is teams_state(), $state, 'refused requests change no team';
is $s->psql('select count(*) from audit_events'), $events, 'and write no audit event';

$admin->t->patch_ok($s->url("/api/teams/$desk") => $admin->h => json => { intake => \1 })
    ->status_is(200)->json_is('/intake', Mojo::JSON::true)->json_is('/name', 'Service Desk');
is intake_names(), 'Service Desk', 'Service Desk is the intake team';
$admin->t->get_ok($s->url('/api/teams'))->status_is(200);
is_deeply [ map { $_->{name} } grep { $_->{intake} } @{ $admin->t->tx->res->json->{items} } ], ['Service Desk'],
    'the team list says which team is intake';
is $s->psql("select count(*) from audit_events where entity_id = '$desk' and action = 'team.updated'"
    . " and diff_json->'before'->>'intake' = 'false' and diff_json->'after'->>'intake' = 'true'"), 1,
    'naming it is an audit event with the before and after';

my $t1 = $s->create_ticket($r, title => 'Filed from the portal');
is $t1->{team_id}, $desk, 'a new ticket without a team goes to the intake team';
ok $t1->{assignee_id}, "and the team's round robin assigns it";
$agent->t->get_ok($s->url("/api/tickets/$t1->{id}"))->status_is(200, "the team's agents see it");
is $s->psql("select diff_json->>'team_id' from audit_events where entity_id = '$t1->{id}'"
    . " and action = 'ticket.created'"), $desk, 'its ticket.created event names the team';
my $t2 = $s->create_ticket($mgr, title => 'Team given', team_id => $net);
is $t2->{team_id}, $net, 'a team given on create is kept';
is $s->psql("insert into tickets (title, requester_id, source) values ('Straight in', '$requester_id', 'email')"
    . ' returning team_id'), $desk, 'every way a ticket is filed gets the intake team (an insert by SQL)';
is $s->psql("select team_id from tickets where id = '$t0->{id}'"), '', 'a ticket filed before keeps no team';

$admin->t->patch_ok($s->url("/api/teams/$net") => $admin->h => json => { intake => \1 })
    ->status_is(200)->json_is('/intake', Mojo::JSON::true);
is intake_names(), $net_name, 'naming another team takes intake from Service Desk: one at a time';
is $s->psql("select count(*) from audit_events where entity_id = '$desk' and action = 'team.updated'"
    . " and diff_json->'before'->>'intake' = 'true' and diff_json->'after'->>'intake' = 'false'"), 1,
    'the team that gave it up has an audit event too';
is $s->create_ticket($r, title => 'After the move')->{team_id}, $net, 'new tickets go to the new intake team';

$state = teams_state();
$events = $s->psql('select count(*) from audit_events');
$admin->t->patch_ok($s->url("/api/teams/$net") => $admin->h => json => { active => \0 })
    ->status_is(422, 'the intake team cannot be deactivated')
    ->header_like('Content-Type', qr{^application/problem\+json})
    ->json_like('/detail', qr/intake team must be active/);
$admin->t->patch_ok($s->url("/api/teams/$net") => $admin->h => json => { active => \0, name => 'Renamed' })
    ->status_is(422, 'not even with other changes, which are not made either');
is teams_state(), $state, 'the refusal changes no team';
is $s->psql('select count(*) from audit_events'), $events, 'and writes no audit event';
$admin->t->post_ok($s->url('/api/teams') => $admin->h => json => { name => 'Night Shift', calendar_id => $cal })->status_is(201);
my $night = $admin->t->tx->res->json->{id};
$admin->t->patch_ok($s->url("/api/teams/$night") => $admin->h => json => { intake => \1, active => \0 })
    ->status_is(422, 'nor can a team become intake as it is deactivated');
$admin->t->patch_ok($s->url("/api/teams/$night") => $admin->h => json => { active => \0 })->status_is(200);
my $after_off = teams_state();
my $events_off = $s->psql('select count(*) from audit_events');
$admin->t->patch_ok($s->url("/api/teams/$night") => $admin->h => json => { intake => \1 })
    ->status_is(422, 'or an inactive team become intake');
is teams_state(), $after_off, 'the refusals change no team';
is $s->psql('select count(*) from audit_events'), $events_off, 'and write no audit event';
is intake_names(), $net_name, "$net_name is still the intake team";

$admin->t->patch_ok($s->url("/api/teams/$net") => $admin->h => json => { intake => \0, active => \0 })
    ->status_is(200, 'giving up intake and deactivating at once is fine')
    ->json_is('/intake', Mojo::JSON::false)->json_is('/active', Mojo::JSON::false);
is intake_names(), '', 'no intake team now';
is $s->create_ticket($r, title => 'No intake again')->{team_id}, undef, 'and a new ticket keeps no team again';

$admin->t->post_ok($s->url('/api/teams') => $admin->h => json => { name => 'Front Door', calendar_id => $cal, intake => \1 })
    ->status_is(201)->json_is('/intake', Mojo::JSON::true);
is intake_names(), 'Front Door', 'a team can be created as the intake team';

done_testing;
