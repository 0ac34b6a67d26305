# A round-the-clock New York desk across the night the clocks fall back (Sunday 2026-11-01, when
# 01:00-02:00 happens twice).  Raising a ticket's priority recomputes its clock from the status
# history under the new policy; the ticket list filters by SLA state.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::SLA qw(setup_desk at ticket_at patch_at);

my $H = 3_600_000;
my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $desk = setup_desk($s, $admin, priority => 'P3', response => 600, resolution => 2000,
    calendar => { name => 'NY 24x7', tz => 'America/New_York',
                  windows => [map { { dow => $_, start => '00:00', end => '24:00' } } 0 .. 6] });
$admin->t->post_ok($s->url('/api/slas') => $admin->h => json => { name => 'NY 24x7 P1', priority => 'P1',
    team_id => $desk->{team}{id}, response_target_mins => 60, resolution_target_mins => 1440 })->status_is(201);
my $rq = $s->user_id('requester@example.com');
my $sla_at = sub { $admin->ua->get($s->url("/api/tickets/$_[0]") => at($admin, $_[1]))->res->json->{sla} };

# Saturday 12:00 EDT (16:00Z) to Sunday 12:00 EST (17:00Z) is 25 hours
my $a = ticket_at($s, $admin, '2026-10-31T12:00:00-04:00', priority => 'P3', team_id => $desk->{team}{id},
                  requester_id => $rq);
is $sla_at->($a->{id}, '2026-11-01T12:00:00-05:00')->{resolution}{elapsed_ms}, 25 * $H,
    'noon to noon across the fall-back night is 25 business hours on a 24-hour calendar';

# a second ticket waits for parts from Saturday 18:00 EDT to Sunday 06:00 EST
my $b = ticket_at($s, $admin, '2026-10-31T12:00:00-04:00', priority => 'P3', team_id => $desk->{team}{id},
                  requester_id => $rq);
patch_at($s, $admin, '2026-10-31T13:00:00-04:00', $b->{id}, status => 'in_progress');
patch_at($s, $admin, '2026-10-31T18:00:00-04:00', $b->{id}, status => 'pending_parts');
patch_at($s, $admin, '2026-11-01T06:00:00-05:00', $b->{id}, status => 'in_progress');
my $sla = $sla_at->($b->{id}, '2026-11-01T12:00:00-05:00');
is $sla->{resolution}{elapsed_ms}, 12 * $H, '6 h before the pause and 6 h after it';
is $sla->{resolution}{due_at}, '2026-11-02T14:20:00+00:00',
    'P3: 33 h 20 min in all, 27 h 20 min left at the resume (06:00 EST, 11:00Z)';
is $sla->{response}{state}, 'breached', 'the 10 h response clock has run out';

# raise it to P1 at Sunday noon
my $t = patch_at($s, $admin, '2026-11-01T12:00:00-05:00', $b->{id}, priority => 'P1');
is $t->{sla}{policy}{name}, 'NY 24x7 P1', 'the P1 policy now applies';
is $t->{sla}{resolution}{target_ms}, 24 * $H, 'with its target';
is $t->{sla}{resolution}{elapsed_ms}, 12 * $H, 'the elapsed time recomputed from the history is the same';
is $t->{sla}{resolution}{due_at}, '2026-11-02T05:00:00+00:00', 'due 12 h after noon: midnight EST';
is $t->{sla}{response}{target_ms}, 1 * $H, 'the response target is 1 h now';
my $x = $admin->ua->get($s->url("/api/tickets/$b->{id}/sla") => at($admin, '2026-11-01T12:00:00-05:00'))->res->json;
is $x->{policy}{resolution_target_mins}, 1440, 'the explanation shows the policy in force';
is_deeply [map { $_->{status} } @{ $x->{segments} }], [qw(new in_progress pending_parts in_progress)], 'and the history it was rebuilt from';

# the list filter, at Sunday noon: a breached (b), at risk, paused and fine
my $c = ticket_at($s, $admin, '2026-11-01T11:00:00-05:00', priority => 'P3', team_id => $desk->{team}{id},
                  requester_id => $rq, title => 'fresh');
my $d = ticket_at($s, $admin, '2026-11-01T11:00:00-05:00', priority => 'P3', team_id => $desk->{team}{id},
                  requester_id => $rq, title => 'waiting');
patch_at($s, $admin, '2026-11-01T11:30:00-05:00', $d->{id}, status => 'pending_info');
my $list = sub {
    my $res = $admin->ua->get($s->url("/api/tickets?team_id=$desk->{team}{id}&sla_state=$_[0]")
        => at($admin, '2026-11-01T12:00:00-05:00'))->res;
    is $res->code, 200, "sla_state=$_[0]: 200";
    return [sort map { $_->{id} } @{ $res->json->{items} }];
};
is_deeply $list->('breached'), [sort $a->{id}, $b->{id}], 'breached: the two overnight tickets (a: response 10 h passed)';
is_deeply $list->('paused'), [$d->{id}], 'paused: the one awaiting info';
is_deeply $list->('ok'), [$c->{id}], 'ok: the fresh one';
is_deeply $list->('at_risk'), [], 'at risk: none at noon';
is_deeply [map { $_->{sla}{state} } grep { $_->{id} eq $c->{id} }
           @{ $admin->ua->get($s->url("/api/tickets?team_id=$desk->{team}{id}") => at($admin, '2026-11-01T12:00:00-05:00'))->res->json->{items} }],
    ['ok'], 'list items carry their SLA';
$admin->t->get_ok($s->url('/api/tickets?sla_state=late'))->status_is(400)->json_is('/errors/0/field', 'sla_state');

done_testing;
