# Whoever can rewrite audit rows can also rewrite the database's audit_canonical() so that a
# check done in SQL agrees with the edited rows.  verify computes the canonical bytes in C, so it
# still names the edited event.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password');
$s->login('agent@example.com');
$s->audit_append_n(5);

my $id = $s->psql(q{select id from audit_events where action = 'auth.login_failed'});
my $original = $s->psql(qq{select encode(audit_canonical(e), 'hex') from audit_events e where id = $id});

# audit_canonical() now answers the original bytes for the event about to be edited, and the
# genuine function's for every other event.
$s->psql(q{alter function audit_canonical(audit_events) rename to audit_canonical_genuine});
$s->psql(qq{create function audit_canonical(e audit_events) returns bytea
    language sql immutable as \$fn\$
    select case when e.id = $id then decode('$original', 'hex')
                else audit_canonical_genuine(e) end
    \$fn\$});
$s->psql(qq{update audit_events set action = 'auth.login' where id = $id});

is $s->psql(q{select count(*) from audit_events e
    where hash <> sha256(prev_hash || audit_canonical(e))}), 0, 'a check in SQL is fooled';

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify is not: exit 1';
like $out, qr/^audit chain broken at event $id: hash does not match its contents \(edited\)$/m,
    "naming event $id" or diag $out;

done_testing;
