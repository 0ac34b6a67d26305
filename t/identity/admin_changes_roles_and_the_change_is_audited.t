# An admin changes a user's roles; the user's next request carries the new roles, and the change
# is an audit event saying who changed what from what to what.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
my $agent_id = $agent->user->{id};

$admin->t->patch_ok($s->url("/api/users/$agent_id") => $admin->h => json => { roles => ['team_lead', 'agent'] })
    ->status_is(200)->json_is('/id', $agent_id)->json_is('/roles', ['agent', 'team_lead']);
$agent->t->get_ok($s->url('/api/me'))->status_is(200)
    ->json_is('/roles', ['agent', 'team_lead'], 'the next request has the new roles');
ok scalar(grep { $_ eq 'ticket.bulk' } @{ $agent->t->tx->res->json->{permissions} }),
    'and the permissions that come with them';

$admin->t->patch_ok($s->url("/api/users/$agent_id") => $admin->h => json => { roles => ['requester'] })
    ->status_is(200)->json_is('/roles', ['requester']);
$agent->t->get_ok($s->url('/api/me'))->json_is('/roles', ['requester'], 'roles can be taken away too');
$agent->t->get_ok($s->url('/api/users'))->status_isnt(200, 'and with them the access');

my $admin_id = $admin->user->{id};
my $rows = $s->psql("select (diff_json->>'from') || ' -> ' || (diff_json->>'to') from audit_events"
    . " where action = 'user.roles_changed' and actor_id = '$admin_id' and entity_id = '$agent_id'"
    . " and ip = '127.0.0.1' order by id");
is $rows, qq{["agent"] -> ["agent", "team_lead"]\n["agent", "team_lead"] -> ["requester"]},
    'each change is audited with actor, subject, before and after';

$admin->t->patch_ok($s->url("/api/users/$agent_id") => $admin->h => json => { roles => ['requester'] })
    ->status_is(200, 'setting the same roles again');
is $s->audit_count('user.roles_changed'), 2, 'is not a change';

$admin->t->patch_ok($s->url("/api/users/$agent_id") => $admin->h => json => { roles => ['root'] })
    ->status_is(400, 'an unknown role: 400');
$admin->t->patch_ok($s->url('/api/users/00000000-0000-0000-0000-000000000000') => $admin->h
    => json => { roles => ['agent'] })->status_is(404, 'an unknown user: 404');

done_testing;
