# A personal access token is shown once when created (hd_pat_…), never listed again, works as a
# bearer token, records its last use, and stops working the moment it is revoked. Creation and
# revocation are audit events.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $c = $s->login('agent@example.com');

$c->t->post_ok($s->url('/api/me/tokens') => $c->h => json => { name => 'ci script', expires_in_days => 30 })
    ->status_is(201)->json_is('/name', 'ci script');
my $created = $c->t->tx->res->json;
my $token = $created->{token} // '';
like $token, qr/^hd_pat_[A-Za-z0-9_-]{40,}$/, 'the token is shown, hd_pat_ and enough randomness';
is $created->{prefix}, substr($token, 0, 11), 'with its prefix, for recognising it later';
my $id = $created->{id};
ok $created->{expires_at}, 'and its expiry';

is $s->psql("select count(*) from api_tokens where id = '$id' and position(convert_to('$token', 'UTF8')"
    . " in token_hash) = 0 and token_hash = sha256(convert_to('$token', 'UTF8'))"), 1,
    'stored as its sha256, not as text';
is $s->psql("select count(*) from api_tokens where encode(token_hash, 'escape') like '%"
    . substr($token, 7, 20) . "%'"), 0, 'the secret part appears nowhere in the table';

$c->t->get_ok($s->url('/api/me/tokens'))->status_is(200)->json_is('/items/0/id', $id)
    ->json_is('/items/0/name', 'ci script')->json_hasnt('/items/0/token');
unlike $c->t->tx->res->body, qr/\Q$token\E/, 'the list never shows the token';
unlike $c->t->tx->res->body, qr/token_hash/, 'nor its hash';
is $c->t->tx->res->json->{items}[0]{last_used_at}, undef, 'not used yet';

my $t = $s->t;
$t->get_ok($s->url('/api/me') => $s->bearer($token))->status_is(200)
    ->json_is('/email', 'agent@example.com')->json_is('/auth', 'token');
$t->post_ok($s->url('/api/me/tokens') => $s->bearer($token) => json => { name => 'made by a token' })
    ->status_is(201, 'a token needs no CSRF header (no cookie, no ambient authority)');
my $second = $t->tx->res->json->{id};

ok $s->psql("select last_used_at is not null and last_used_at > now() - interval '1 minute'"
    . " from api_tokens where id = '$id'") eq 't', 'last use is recorded';
$c->t->get_ok($s->url('/api/me/tokens'))->status_is(200);
my ($row) = grep { $_->{id} eq $id } @{ $c->t->tx->res->json->{items} };
ok $row->{last_used_at}, 'and listed';

$t->get_ok($s->url('/api/me') => $s->bearer($token . 'x'))->status_is(401, 'a token with one more byte: 401');
$t->get_ok($s->url('/api/me') => $s->bearer('hd_pat_' . ('A' x 43)))->status_is(401, 'an unknown token: 401');

$c->t->delete_ok($s->url("/api/me/tokens/$id") => $c->h)->status_is(204, 'revoke: 204');
$t->get_ok($s->url('/api/me') => $s->bearer($token))->status_is(401, 'the revoked token: 401')
    ->header_like('Content-Type', qr{application/problem\+json})
    ->header_like('WWW-Authenticate', qr/^Bearer/);
$c->t->delete_ok($s->url("/api/me/tokens/$id") => $c->h)->status_is(404, 'revoking it again: 404');

my $uid = $s->user_id('agent@example.com');
is $s->audit_count('token.created', "actor_id = '$uid' and entity_id = '$id'"), 1, 'creation audited';
is $s->audit_count('token.created', "entity_id = '$second'"), 1, 'also when made with a token';
is $s->audit_count('token.revoked', "actor_id = '$uid' and entity_id = '$id'"), 1, 'revocation audited';
unlike $s->psql("select string_agg(diff_json::text, ' ') from audit_events"), qr/\Q$token\E/,
    'the audit trail never holds the token';

$c->t->post_ok($s->url('/api/me/tokens') => $c->h => json => { name => '' })->status_is(400, 'a name is required');
$c->t->post_ok($s->url('/api/me/tokens') => $c->h => json => { name => 'x', expires_in_days => 9999 })
    ->status_is(400, 'an expiry beyond a year is refused');

done_testing;
