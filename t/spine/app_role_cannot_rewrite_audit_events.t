# The role nginx connects as (helpdesk_app) can read audit_events but never change or remove
# what is there.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;

sub as_app { $s->psql_as('helpdesk_app', @_) }

my ($rc, $out) = as_app('SELECT current_user');
is($rc, 0, 'helpdesk_app can log in') or diag $out;
like($out, qr/helpdesk_app/, 'as itself');

for my $sql ('UPDATE audit_events SET action = action', 'DELETE FROM audit_events', 'TRUNCATE audit_events') {
    ($rc, $out) = as_app($sql);
    isnt($rc, 0, "refused: $sql");
    like($out, qr/permission denied/, 'with permission denied') or diag $out;
}

($rc, $out) = as_app('SELECT count(*) FROM audit_events');
is($rc, 0, 'helpdesk_app can read audit_events') or diag $out;

done_testing;
