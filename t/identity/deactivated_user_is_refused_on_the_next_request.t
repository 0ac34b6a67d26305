# Deactivating a user takes effect on their very next request, whatever the credential: the
# session cookie, a personal access token and an OIDC access token all stop working, and the
# account can no longer sign in. The deactivation is audited.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { dora => { email => 'dora@idp.example.com',
    roles => ['agent'] } } });
$s->oidc_refresh;
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'laptop' })->status_is(201);
my $pat = $agent->t->tx->res->json->{token};
my $jwt = $s->idp->login('dora')->{access_token};

$agent->t->get_ok($s->url('/api/me'))->status_is(200, 'the session works');
$s->t->get_ok($s->url('/api/me') => $s->bearer($pat))->status_is(200, 'the token works');
$s->me_with_bearer($jwt);
$s->t->get_ok($s->url('/api/me') => $s->bearer($jwt))->status_is(200, 'the OIDC token works');

for my $email ('agent@example.com', 'dora@idp.example.com') {
    my $id = $s->user_id($email);
    $admin->t->patch_ok($s->url("/api/users/$id") => $admin->h => json => { active => \0 })
        ->status_is(200, "admin deactivates $email")->json_is('/active', Mojo::JSON::false);
}

$agent->t->get_ok($s->url('/api/me'))->status_is(401, 'the session: 401 on the next request')
    ->header_like('Content-Type', qr{application/problem\+json});
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'after' })
    ->status_is(401, 'unsafe requests too');
$s->t->get_ok($s->url('/api/me') => $s->bearer($pat))->status_is(401, 'the token: 401');
$s->t->get_ok($s->url('/api/me') => $s->bearer($jwt))->status_is(401, 'the OIDC token: 401');
is $s->login_tx('agent@example.com', 'demo-password')->res->code, 401, 'signing in again: 401';

my $id = $s->user_id('agent@example.com');
is $s->audit_count('user.deactivated', "entity_id = '$id'"), 1, 'the deactivation is audited';
is $s->psql("select count(*) from api_tokens where user_id = '$id' and revoked_at is null"), 0,
    'its tokens are revoked';

$admin->t->patch_ok($s->url("/api/users/$id") => $admin->h => json => { active => \1 })->status_is(200);
$agent->t->get_ok($s->url('/api/me'))->status_is(401, 'reactivating does not revive the old session');
$s->t->get_ok($s->url('/api/me') => $s->bearer($pat))->status_is(401, 'nor the old token');
is $s->login_tx('agent@example.com', 'demo-password')->res->code, 200, 'but the user can sign in again';

done_testing;
