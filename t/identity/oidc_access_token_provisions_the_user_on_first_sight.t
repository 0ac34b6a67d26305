# An access token from the real OIDC provider (Authorization Code + PKCE, as the SPA will do)
# authenticates GET /api/me; the first time a subject is seen, its user is provisioned with
# external_id = sub, the email and name from the token and the roles its roles claim maps to
# (requester when none is known); later requests find the same user.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => {
    'sub-olga' => { email => 'olga@idp.example.com', name => 'Olga Oidc', roles => ['agent'] },
    'sub-nora' => { email => 'nora@idp.example.com', name => 'Nora Noroles' },
    'sub-ugo'  => { email => 'ugo@idp.example.com', roles => ['superuser', 'root'] },
    'sub-eve'  => { email => 'eve@idp.example.com', roles => ['team_lead'] },
} });
$s->oidc_refresh;
is $s->psql("select count(*) from users where external_id is not null"), 0, 'no one provisioned yet';

my $tok = $s->idp->login('sub-olga');
my $tx = $s->me_with_bearer($tok->{access_token});
is $tx->res->code, 200, 'a real access token authenticates GET /api/me' or diag $tx->res->body;
my $me = $tx->res->json // {};
is $me->{email}, 'olga@idp.example.com', 'email from the token';
is $me->{display_name}, 'Olga Oidc', 'name from the token';
is_deeply $me->{roles}, ['agent'], 'roles from the roles claim';
is $me->{auth}, 'oidc', 'authenticated by OIDC';
is $me->{csrf_token}, undef, 'no CSRF token: a bearer token is no ambient credential';

is $s->psql("select external_id || ' ' || email || ' ' || display_name || ' ' || active from users"
    . " where id = '$me->{id}'"), 'sub-olga olga@idp.example.com Olga Oidc true', 'stored: external_id = sub';
is $s->audit_count('user.provisioned', "entity_id = '$me->{id}'"), 1, 'provisioning is audited';

for (1 .. 3) {
    $s->t->get_ok($s->url('/api/me') => $s->bearer($tok->{access_token}))->status_is(200)
        ->json_is('/id', $me->{id});
}
my $again = $s->idp->login('sub-olga')->{access_token};
$s->t->get_ok($s->url('/api/me') => $s->bearer($again))->status_is(200)->json_is('/id', $me->{id},
    'a new token for the same subject finds the same user');
is $s->psql("select count(*) from users where external_id = 'sub-olga'"), 1, 'provisioned once';
is $s->audit_count('user.provisioned', "entity_id = '$me->{id}'"), 1, 'audited once';

$s->t->post_ok($s->url('/api/me/tokens') => $s->bearer($again) => json => { name => 'from oidc' })
    ->status_is(201, 'an OIDC bearer needs no CSRF header for unsafe requests');

$s->t->get_ok($s->url('/api/me') => $s->bearer($s->idp->login('sub-nora')->{access_token}))
    ->status_is(200)->json_is('/roles', ['requester'], 'no roles claim: requester');
$s->t->get_ok($s->url('/api/me') => $s->bearer($s->idp->login('sub-ugo')->{access_token}))
    ->status_is(200)->json_is('/roles', ['requester'], 'only unknown roles: requester');

my $es = $s->idp->login('sub-eve', resource => 'urn:helpdesk:es256')->{access_token};
is((HD::OIDC::jwt_decode($es))[0]{alg}, 'ES256', 'the provider signed this one with its P-256 key');
$s->t->get_ok($s->url('/api/me') => $s->bearer($es))->status_is(200, 'ES256 access tokens are accepted')
    ->json_is('/roles', ['team_lead']);

done_testing;
