# Changing which action an event records (a failed sign-in made to look like a sign-in) as the
# database superuser is found: verify exits 1 naming that event as edited.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password');
$s->login('agent@example.com');
$s->audit_append_n(5);

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the untouched chain verifies' or diag $out;

my $id = $s->psql(q{select id from audit_events where action = 'auth.login_failed'});
$s->psql(qq{update audit_events set action = 'auth.login' where id = $id});

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out, qr/^audit chain broken at event $id: hash does not match its contents \(edited\)$/m,
    "and names event $id as edited" or diag $out;
unlike $out, qr/intact/, 'without claiming the chain is intact';

done_testing;
