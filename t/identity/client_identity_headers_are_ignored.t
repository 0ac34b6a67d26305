# Identity comes only from a verified credential: headers a client (or a misconfigured proxy in
# front) sends to claim an identity, X-User, X-Remote-User, X-Forwarded-User and the like, are
# never read.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my %claim = map { $_ => 'admin@example.com' }
    qw(X-User X-Remote-User X-Forwarded-User Remote-User X-Auth-Request-Email X-Forwarded-Email);
my $admin_id = $s->user_id('admin@example.com');

my $t = $s->t;
$t->get_ok($s->url('/api/me') => \%claim)->status_is(401, 'no credential but identity headers: 401')
    ->header_like('Content-Type', qr{application/problem\+json});
$t->get_ok($s->url('/api/users') => \%claim)->status_is(401, 'admin endpoints too');
$t->post_ok($s->url('/api/users') => \%claim => json => { email => 'evil@example.com',
    display_name => 'Evil', roles => ['admin'] })->status_is(401);

my $c = $s->login('requester@example.com');
$c->t->get_ok($s->url('/api/me') => \%claim)->status_is(200)
    ->json_is('/email', 'requester@example.com', 'a signed-in requester stays the requester')
    ->json_is('/roles', ['requester']);
$c->t->patch_ok($s->url("/api/users/$admin_id") => $c->h(%claim) => json => { display_name => 'pwned' })
    ->status_isnt(200, 'and gets no admin powers');
$c->t->post_ok($s->url('/api/users') => $c->h(%claim) => json => { email => 'evil@example.com',
    display_name => 'Evil', roles => ['admin'] });
like $c->t->tx->res->code, qr/^40[34]$/, 'creating an admin as the requester is refused';

is $s->psql("select count(*) from users where email = 'evil\@example.com'"), 0, 'no account was made';
is $s->psql("select display_name from users where id = '$admin_id'"), 'Ada Admin', 'the admin is untouched';

done_testing;
