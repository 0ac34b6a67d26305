# Deleting the newest events leaves every remaining link intact; the chain head still names
# the last event written, so verify exits 1 saying the tail is gone.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password');
my @ids = $s->audit_append_n(5);

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the untouched chain verifies' or diag $out;

my ($last, $new_last) = ($ids[-1], $ids[-3]);
is $s->psql('select last_id from audit_chain_head'), $last, "the head names event $last";

# audit_chain_head.last_id references the row: the superuser turns foreign keys off to do it.
$s->psql("set session_replication_role = replica; delete from audit_events where id > $new_last");

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out,
    qr/^audit chain broken at the head: head points at $last but the last event is $new_last \(events deleted at the tail\)$/m,
    'and says the tail was deleted' or diag $out;

done_testing;
