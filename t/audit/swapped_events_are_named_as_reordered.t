# Two events that trade places (each row takes the other's contents and hashes, keeping its id)
# as the database superuser are found: the first of them no longer links to the event before it.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password');
$s->login('agent@example.com');
$s->audit_append_n(3);

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the untouched chain verifies' or diag $out;

my ($first, $second) = split /\n/, $s->psql(q{select id from audit_events
    where action in ('auth.login_failed', 'auth.login') and id > (select min(id) from audit_events)
    order by id limit 2});
my $before = $s->psql("select max(id) from audit_events where id < $first");
my $cols = 'actor_type, actor_id, entity_type, entity_id, action, diff_json, ip, ua, at, hash,'
    . ' prev_hash, created_at, pii_digest';
$s->psql("begin;
    create temp table swap as select * from audit_events where id in ($first, $second);
    delete from audit_events where id in ($first, $second);
    insert into audit_events (id, $cols) overriding system value
        select case id when $first then $second else $first end, $cols from swap;
    commit;");
is $s->psql("select action from audit_events where id = $first"), 'auth.login',
    "event $first now holds the sign-in";

($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 1, 'verify exits 1';
like $out, qr/^audit chain broken at event $first: prev_hash does not match event $before \(an event was/m,
    "and names event $first" or diag $out;

done_testing;
