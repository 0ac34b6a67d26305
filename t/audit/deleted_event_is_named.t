# Deleting an event from the middle of the chain as the database superuser is found: the next
# event's prev_hash no longer matches the event before the gap, and verify names both.
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
my $before = $s->psql("select max(id) from audit_events where id < $id");
my $after = $s->psql("select min(id) from audit_events where id > $id");
$s->psql("delete from audit_events where id = $id");

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out, qr/^audit chain broken at event $after: prev_hash does not match event $before \(an event was deleted/m,
    "and names event $after and the event before the gap, $before" or diag $out;

done_testing;
