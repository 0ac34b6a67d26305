# Signing out ends the session in the database, not just in the browser: the old cookie, replayed
# after logout, is refused. Logout is an unsafe request, so it needs the CSRF header too.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $c = $s->login('requester@example.com');
my $cookie = $c->cookie;

$c->t->get_ok($s->url('/api/me'))->status_is(200)->json_is('/email', 'requester@example.com');

$c->t->post_ok($s->url('/api/auth/logout'))->status_is(403, 'logout without the CSRF header: 403')
    ->header_like('Content-Type', qr{application/problem\+json});
$c->t->get_ok($s->url('/api/me'))->status_is(200, 'and the session still stands');

$c->t->post_ok($s->url('/api/auth/logout') => $c->h)->status_is(204, 'logout with it: 204');
my $set = $c->t->tx->res->headers->set_cookie // '';
like $set, qr/^hd_session=;/, 'the cookie is cleared';
like $set, qr/Max-Age=0/i, 'at once';
like $set, qr/HttpOnly/i, 'with the same attributes';

my $replay = $s->new_ua;
my $r = $replay->get($s->url('/api/me') => { Cookie => "hd_session=$cookie" })->res;
is $r->code, 401, 'the old cookie replayed after logout: 401';
like $r->headers->content_type // '', qr{application/problem\+json}, 'as problem+json';

is $s->psql("select count(*) from sessions s join users u on u.id = s.user_id"
    . " where u.email = 'requester\@example.com' and s.revoked_at is not null"), 1,
    'the session is revoked in the database';
is $s->audit_count('auth.logout'), 1, 'logout is an audit event';

my $again = $replay->post($s->url('/api/auth/logout') => { Cookie => "hd_session=$cookie",
    'X-CSRF-Token' => $c->csrf })->res;
is $again->code, 401, 'logging out again with the dead cookie: 401';
is $s->audit_count('auth.logout'), 1, 'and no second audit event';

done_testing;
