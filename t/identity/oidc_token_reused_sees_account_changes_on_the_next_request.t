# A worker keeps the principal behind an OIDC access token it has seen, and re-checks only the
# user's authz_version on each request. Every change to what the principal is made of must still
# show on the very next request made with the same token: roles changed through the API, a
# profile change, team membership and a team's name changed directly in the database (the
# triggers, not the API, move the version), and deactivation.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { dora => { email => 'dora@idp.example.com',
    name => 'Dora', roles => ['agent'] } } });
$s->oidc_refresh;
my $admin = $s->login('admin@example.com');
my $jwt = $s->idp->login('dora')->{access_token};

is $s->me_with_bearer($jwt)->res->code, 200, 'the token works';
my $me = sub { $s->new_ua->get($s->url('/api/me') => $s->bearer($jwt))->res };
for (1 .. 3) {
    my $res = $me->();
    is $res->code, 200, 'and keeps working';
    is_deeply $res->json->{roles}, ['agent'], 'with the provisioned roles';
}
my $id = $s->user_id('dora@idp.example.com');
my $v0 = $s->psql("select authz_version from users where id = '$id'");

$admin->t->patch_ok($s->url("/api/users/$id") => $admin->h => json => { roles => ['agent', 'team_lead'] })
    ->status_is(200);
is_deeply $me->()->json->{roles}, ['agent', 'team_lead'], 'a role change shows on the next request';
cmp_ok $s->psql("select authz_version from users where id = '$id'"), '>', $v0, 'it moved the version';

$admin->t->patch_ok($s->url("/api/users/$id") => $admin->h => json => { display_name => 'Dora Explorer' })
    ->status_is(200);
is $me->()->json->{display_name}, 'Dora Explorer', 'so does a new display name';

my $team = $s->psql("select id from teams order by name limit 1");
my $team_name = $s->psql("select name from teams where id = '$team'");
$s->psql("insert into team_members (team_id, user_id) values ('$team', '$id')");
is_deeply [ map { $_->{name} } @{ $me->()->json->{teams} } ], [$team_name],
    'a team membership written straight into the database shows';
$s->psql("update teams set name = 'Renamed Desk' where id = '$team'");
is_deeply [ map { $_->{name} } @{ $me->()->json->{teams} } ], ['Renamed Desk'], 'so does the team\'s new name';
$s->psql("delete from team_members where team_id = '$team' and user_id = '$id'");
is_deeply $me->()->json->{teams}, [], 'and leaving it';

my $before = $s->psql("select authz_version from users where id = '$id'");
$s->psql("update users set password_hash = null, updated_at = now() where id = '$id'");
is $s->psql("select authz_version from users where id = '$id'"), $before,
    'columns a principal does not show leave the version alone';

$s->psql("update users set active = false where id = '$id'");
my $res = $me->();
is $res->code, 401, 'deactivated in the database: 401 on the next request';
like $res->headers->content_type // '', qr{^application/problem\+json}, 'as problem+json';
$s->psql("update users set active = true where id = '$id'");
is $me->()->code, 200, 'reactivated: the token works again';

done_testing;
