# `helpdesk-worker user add --email E --role R [--name N]` makes an account that can sign in, with
# the password read from standard input (not a terminal); weak passwords, unknown roles and
# duplicate emails are refused without creating anything.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;    # an empty instance: this is how its first admin is made

my ($rc, $out) = $s->worker_cli({ stdin => "correct horse battery\n" }, 'user', 'add',
    '--email', 'root@example.org', '--role', 'admin', '--name', 'First Admin');
is $rc, 0, 'user add exits 0' or diag $out;
unlike $out, qr/correct horse/, 'and never echoes the password';

my $c = eval { $s->login('root@example.org', 'correct horse battery') };
ok $c, 'the new account signs in' or diag $@;
SKIP: {
    skip 'no login', 4 unless $c;
    is $c->user->{display_name}, 'First Admin', 'with its name';
    is_deeply $c->user->{roles}, ['admin'], 'and role';
    $c->t->get_ok($s->url('/api/users'))->status_is(200, 'and can administer users');
}
is $s->login_tx('root@example.org', 'correct horse batter')->res->code, 401, 'a wrong password is refused';
like $s->psql("select password_hash from users where email = 'root\@example.org'"), qr/^\$argon2id\$/,
    'the password is stored as an argon2id hash';

($rc, $out) = $s->worker_cli({ stdin => "another long password\n" }, 'user', 'add',
    '--email', 'helper@example.org', '--role', 'agent', '--role', 'team_lead');
is $rc, 0, 'several roles, no name' or diag $out;
my $h = eval { $s->login('helper@example.org', 'another long password') };
is_deeply $h && $h->user->{roles}, ['agent', 'team_lead'], 'both roles';
is $h && $h->user->{display_name}, 'helper@example.org', 'the name defaults to the email';

my $count = $s->psql('select count(*) from users');
($rc) = $s->worker_cli({ stdin => "short\n" }, 'user', 'add', '--email', 'weak@example.org', '--role', 'agent');
isnt $rc, 0, 'a password under 12 characters is refused';
($rc) = $s->worker_cli({ stdin => "long enough password\n" }, 'user', 'add', '--email', 'x@example.org', '--role', 'root');
isnt $rc, 0, 'an unknown role is refused';
($rc) = $s->worker_cli({ stdin => "long enough password\n" }, 'user', 'add', '--email', 'ROOT@example.org', '--role', 'agent');
isnt $rc, 0, 'an email already in use (in any case) is refused';
($rc) = $s->worker_cli({ stdin => "" }, 'user', 'add', '--email', 'nopw@example.org', '--role', 'agent');
isnt $rc, 0, 'no password on standard input is refused';
is $s->psql('select count(*) from users'), $count, 'none of them created anything';
is $s->login_tx('root@example.org', 'correct horse battery')->res->code, 200, 'the first admin is unaffected';

done_testing;
