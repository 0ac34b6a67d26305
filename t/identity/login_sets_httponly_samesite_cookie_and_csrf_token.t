# Signing in with a local account sets the session cookie the way a browser must keep it
# (HttpOnly, SameSite=Lax, not Secure over plain HTTP, site-wide) and answers with the CSRF
# token the SPA sends back; the cookie alone then identifies the user, and the sign-in is audited.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);

my $tx = $s->login_tx('Agent@Example.com', 'demo-password');
is $tx->res->code, 200, 'login with the right password (email in any case) is 200';
my @set = @{ $tx->res->headers->every_header('Set-Cookie') };
is scalar @set, 1, 'exactly one Set-Cookie';
my $c = $set[0] // '';
like $c, qr/^hd_session=v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;/, 'the cookie is hd_session with a signed token';
like $c, qr/;\s*HttpOnly(;|$)/i, 'HttpOnly';
like $c, qr/;\s*SameSite=Lax(;|$)/i, 'SameSite=Lax';
like $c, qr/;\s*Path=\/(;|$)/i, 'Path=/';
like $c, qr/;\s*Max-Age=(\d+)/i, 'short-lived: Max-Age given';
my ($age) = $c =~ /Max-Age=(\d+)/i;
ok $age && $age <= 3600, "Max-Age $age is at most an hour";
unlike $c, qr/;\s*Secure/i, 'not Secure over plain HTTP (it would never come back)';

my $body = $tx->res->json // {};
like $body->{csrf_token} // '', qr/^[A-Za-z0-9_-]{43}$/, 'the answer carries a CSRF token';
is $body->{user}{email}, 'agent@example.com', 'and the user';
is_deeply $body->{user}{roles}, ['agent'], 'with their roles';
unlike $tx->res->body, qr/password|argon2/i, 'no password material in the answer';

my $me = $tx->res->json;
my $ua = $s->new_ua;
$ua->cookie_jar->add(map { $_->domain('127.0.0.1')->path('/') } @{ $tx->res->cookies });
my $r = $ua->get($s->url('/api/me'))->res;
is $r->code, 200, 'the cookie alone authenticates GET /api/me';
is $r->json->{email}, 'agent@example.com', 'as the user who signed in';
is $r->json->{auth}, 'session', 'by session';
is $r->json->{csrf_token}, $body->{csrf_token}, '/api/me repeats the CSRF token for a reloaded SPA';
ok scalar(grep { $_ eq 'ticket.read' } @{ $r->json->{permissions} // [] }),
    'and lists the permissions the UI needs';

is $s->new_ua->get($s->url('/api/me'))->res->code, 401, 'without the cookie: 401';

is $s->audit_count('auth.login', "actor_id = (select id from users where email = 'agent\@example.com')"
    . " and ip = '127.0.0.1'"), 1, 'the sign-in is an audit event with the client address';
is $s->psql("select count(*) from sessions s join users u on u.id = s.user_id"
    . " where u.email = 'agent\@example.com' and s.revoked_at is null"), 1, 'one live session';

done_testing;
