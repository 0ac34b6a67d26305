# A forged event slipped into the chain as the database superuser, with a hash computed the way
# audit_append() computes it, does not link to the event before it (unique prev_hash keeps it
# from reusing that event's hash): verify exits 1 naming the forged event.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');
$s->audit_append_n(3);

# An append that rolled back leaves an unused id: the gap the forger fills.
my $gap = $s->psql(q{begin; select audit_append('system', null, 'test', null, 'test.rolled_back',
    '{}', null, null); rollback;});
like $gap, qr/^\d+$/, "id $gap was never committed";
$s->login_tx('agent@example.com', 'wrong password');
$s->audit_append_n(3);

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the chain with a gap verifies' or diag $out;

my $before = $s->psql("select max(id) from audit_events where id < $gap");
$s->psql(qq{
    insert into audit_events (id, actor_type, actor_id, entity_type, entity_id, action, diff_json,
                              ip, ua, at, pii_digest, prev_hash, hash)
    overriding system value
    select e.id, e.actor_type, e.actor_id, e.entity_type, e.entity_id, e.action, e.diff_json,
           e.ip, e.ua, e.at, e.pii_digest, e.prev_hash, sha256(e.prev_hash || audit_canonical(e))
      from (select (row($gap, 'user', (select id from users where email = 'admin\@example.com'),
                        'user', (select id from users where email = 'agent\@example.com'),
                        'user.roles_changed', '{"roles": ["admin"]}'::jsonb, '127.0.0.1'::inet,
                        'curl', now(), null, sha256('forged'::bytea), now(),
                        sha256(convert_to('{"roles": ["admin"]}|127.0.0.1|curl', 'UTF8'))
                       )::audit_events).*) e});
is $s->psql("select count(*) from audit_events e"
    . " where id = $gap and hash = sha256(prev_hash || audit_canonical(e))"), 1, 'the forged event hashes like a real one';

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out, qr/^audit chain broken at event $gap: prev_hash does not match event $before \(an event was/m,
    "and names the forged event $gap" or diag $out;

done_testing;
