# Before anything was audited the chain is empty, and intact: exit 0, "0 events", the head at
# the genesis value.  The first sign-in makes it one event long.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
is $s->psql('select count(*) from audit_events'), 0, 'nothing audited yet';

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'verify exits 0' or diag $out;
like $out, qr/^audit chain intact: 0 events, head 0{64}$/m, 'with 0 events' or diag $out;

$s->login('admin@example.com');
($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'after a sign-in, still 0' or diag $out;
like $out, qr/^audit chain intact: 1 event, head [0-9a-f]{64}$/m, 'with 1 event' or diag $out;

done_testing;
