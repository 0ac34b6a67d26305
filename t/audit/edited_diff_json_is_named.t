# Rewriting what an event says happened (its diff_json) as the database superuser, leaving its
# hashes alone, is found: verify exits 1 naming that event as edited.
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
$s->psql(qq{update audit_events set diff_json = diff_json || '{"reason": "mistyped"}' where id = $id});

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out, qr/^audit chain broken at event $id: diff_json, ip or ua do not match its pii_digest \(edited\)$/m,
    "and names event $id as edited" or diag $out;
unlike $out, qr/intact/, 'without claiming the chain is intact';

# Recomputing the pii_digest to match does not help: the digest is part of the hash.
$s->psql(qq{update audit_events set pii_digest = sha256(convert_to(diff_json::text || '|'
    || coalesce(host(ip), '') || '|' || coalesce(ua, ''), 'UTF8')) where id = $id});
($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'with a matching pii_digest, still exit 1';
like $out, qr/^audit chain broken at event $id: hash does not match its contents \(edited\)$/m,
    "naming event $id" or diag $out;

done_testing;
