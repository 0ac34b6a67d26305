# Every sign-in, failed sign-in, sign-out, token creation and revocation, role change and
# deactivation leaves one audit event naming who did it, to what, and from which address; the
# events extend the hash chain (each row's prev_hash is the previous row's hash) and hold no
# secrets.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $start = $s->psql('select coalesce(max(id), 0) from audit_events');

my $admin = $s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password 1');
$s->login_tx('ghost@example.com', 'wrong password 2');
my $agent = $s->login('agent@example.com');
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'audit me' })->status_is(201);
my $tok = $agent->t->tx->res->json;
$agent->t->delete_ok($s->url("/api/me/tokens/$tok->{id}") => $agent->h)->status_is(204);
my $agent_id = $agent->user->{id};
$admin->t->patch_ok($s->url("/api/users/$agent_id") => $admin->h => json => { roles => ['agent', 'team_lead'] })
    ->status_is(200);
$agent->t->post_ok($s->url('/api/auth/logout') => $agent->h)->status_is(204);
my $r2 = $s->user_id('requester2@example.com');
$admin->t->patch_ok($s->url("/api/users/$r2") => $admin->h => json => { active => \0 })->status_is(200);

my $admin_id = $admin->user->{id};
my $ghost = 'ghost@example.com';
my @expect = (
    [ 'auth.login',        'user',   $admin_id, 'session'   ],
    [ 'auth.login_failed', 'system', '',        'user', $agent_id ],
    [ 'auth.login_failed', 'system', '',        'user', ''  ],
    [ 'auth.login',        'user',   $agent_id, 'session'   ],
    [ 'token.created',     'user',   $agent_id, 'api_token', $tok->{id} ],
    [ 'token.revoked',     'user',   $agent_id, 'api_token', $tok->{id} ],
    [ 'user.roles_changed', 'user',  $admin_id, 'user', $agent_id ],
    [ 'auth.logout',       'user',   $agent_id, 'session'   ],
    [ 'user.deactivated',  'user',   $admin_id, 'user', $r2 ],
);
my @rows = map { [ split /\|/, $_, -1 ] } split /\n/, $s->psql(
    "select action, actor_type, coalesce(actor_id::text, ''), entity_type, coalesce(entity_id::text, ''),"
    . " coalesce(host(ip), '') from audit_events where id > $start order by id");
is scalar @rows, scalar @expect, 'one event per action' or diag explain \@rows;
for my $i (0 .. $#expect) {
    my ($action, $atype, $actor, $etype, $entity) = @{ $expect[$i] };
    my $row = $rows[$i] // [];
    is $row->[0], $action, "event $i is $action";
    is "$row->[1]/$row->[2]", "$atype/$actor", "$action: actor";
    is $row->[3], $etype, "$action: entity type";
    is $row->[4], $entity, "$action: entity" if defined $entity;
    is $row->[5], '127.0.0.1', "$action: client address";
}
is $s->psql("select diff_json->>'reason' from audit_events where id > $start and action = 'auth.login_failed'"
    . " order by id"), "wrong_password\nunknown_user", 'failures say why (for the admin, not the client)';
is $s->psql("select count(*) from audit_events where id > $start and diff_json->>'email' = '$ghost'"), 1,
    'a failure for an unknown account records the email tried';

is $s->psql("select count(*) from audit_events e join audit_events p on p.id = (select max(id) from"
    . " audit_events where id < e.id) where e.id > $start and e.prev_hash is distinct from p.hash"), 0,
    'every event extends the hash chain';
my $all = $s->psql("select string_agg(diff_json::text, ' ') from audit_events where id > $start");
unlike $all, qr/demo-password|wrong password|hd_pat_[A-Za-z0-9_-]{20}|argon2/, 'no passwords, tokens or hashes';

done_testing;
