# A New York desk (Mon-Fri 09:00-17:00, Tuesday 2026-03-10 a holiday) and a P2 policy of 3 h to
# respond and 16 h to resolve.  A ticket filed Friday 2026-03-06 15:00 EST waits for the requester
# from 16:00, over the weekend in which New York springs forward (Sunday 03-08), until Monday
# 10:00 EDT; an agent answers at 11:00; the holiday passes; it is resolved Wednesday 16:00 EDT.
# Every figure is compared with the one worked out by hand, in UTC:
#
#   running  Fri 20:00Z-21:00Z            1 h   (both clocks)
#   paused   Fri 21:00Z-Mon 14:00Z        pending_info: nothing counts
#   running  Mon 14:00Z-21:00Z            7 h   (response met at 15:00Z: 1 h of it)
#            Tue                          holiday
#            Wed 13:00Z-20:00Z            7 h   (09:00 EDT is 13:00Z after the change)
#   response   = 1 h + 1 h = 2 h of 3 h: met
#   resolution = 1 h + 7 h + 7 h = 15 h of 16 h: met
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::SLA qw(setup_desk at ticket_at patch_at);

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
my $desk = setup_desk($s, $admin, priority => 'P2', response => 180, resolution => 960,
    calendar => { name => 'NY desk', tz => 'America/New_York',
                  windows => [map { { dow => $_, start => '09:00', end => '17:00' } } 1 .. 5],
                  holidays => [{ date => '2026-03-10', label => 'Test holiday' }] });
$s->psql("insert into team_members (team_id, user_id) select '$desk->{team}{id}', id from users"
    . " where email = 'agent\@example.com'");

my $H = 3_600_000;
my $t = ticket_at($s, $admin, '2026-03-06T15:00:00-05:00', requester_id => $s->user_id('requester@example.com'),
                  team_id => $desk->{team}{id}, priority => 'P2');
my $id = $t->{id};
is $t->{created_at}, '2026-03-06T20:00:00+00:00', 'the ticket is stamped with the request clock';
is $t->{sla}{policy}{id}, $desk->{policy}{id}, "the team's own P2 policy applies, not the general one";
is $t->{sla}{calendar_id}, $desk->{calendar}{id}, "on the team's calendar";
is $t->{sla}{response}{due_at}, '2026-03-09T14:00:00+00:00',
    'respond by Monday 10:00 EDT: 2 h on Friday, 1 h from Monday 09:00 EDT (13:00Z, after the change)';
is $t->{sla}{resolution}{due_at}, '2026-03-11T19:00:00+00:00',
    'resolve by Wednesday 15:00 EDT: 2 h Friday, 8 h Monday, no Tuesday, 6 h Wednesday';
is $t->{sla}{response}{target_ms}, 3 * $H, 'response target 3 h';
is $t->{sla}{resolution}{target_ms}, 16 * $H, 'resolution target 16 h';

patch_at($s, $agent, '2026-03-06T16:00:00-05:00', $id, status => 'pending_info');

my $get = sub { $agent->ua->get($s->url("/api/tickets/$id") => at($agent, $_[0]))->res->json->{sla} };
my $sla = $get->('2026-03-07T12:00:00-05:00');
is $sla->{state}, 'paused', 'Saturday: paused while awaiting info';
is $sla->{reason}, 'pending_info', 'and says why';
is $sla->{resolution}{elapsed_ms}, 1 * $H, 'one business hour so far';
is $sla->{resolution}{due_at}, undef, 'no due date while paused';

$sla = $get->('2026-03-09T09:59:00-04:00');
is $sla->{resolution}{elapsed_ms}, 1 * $H, 'Monday morning, still paused: the business hour 09:00-10:00 EDT does not count';

patch_at($s, $agent, '2026-03-09T10:00:00-04:00', $id, status => 'in_progress');
$sla = $get->('2026-03-09T10:00:00-04:00');
is $sla->{state}, 'ok', 'resumed';
is $sla->{response}{due_at}, '2026-03-09T16:00:00+00:00', 'response due 2 h after resuming: 12:00 EDT';
is $sla->{resolution}{due_at}, '2026-03-11T21:00:00+00:00',
    'resolution due: 15 h left = Monday 7 h + Wednesday 8 h, 17:00 EDT';

$agent->t->post_ok($s->url("/api/tickets/$id/comments") => at($agent, '2026-03-09T11:00:00-04:00')
    => json => { body_md => 'Looking at it now.' })->status_is(201);
$sla = $get->('2026-03-09T12:30:00-04:00');
is $sla->{response}{state}, 'met', 'the first public agent reply meets the response clock';
is $sla->{response}{met_at}, '2026-03-09T15:00:00+00:00', 'at 11:00 EDT';
is $sla->{response}{elapsed_ms}, 2 * $H, 'after 2 business hours';
is $sla->{resolution}{elapsed_ms}, 1 * $H + 2.5 * $H, 'the resolution clock runs on: 3.5 h at 12:30';

$sla = $get->('2026-03-10T12:00:00-04:00');
is $sla->{resolution}{elapsed_ms}, 8 * $H, 'the holiday adds nothing: 1 h + 7 h by Tuesday noon';

$sla = $get->('2026-03-11T10:00:00-04:00');
is $sla->{resolution}{elapsed_ms}, 9 * $H, 'Wednesday 10:00 EDT: 9 h';
is $sla->{state}, 'ok', 'under 75 %';

$sla = $get->('2026-03-11T14:00:00-04:00');
is $sla->{resolution}{elapsed_ms}, 13 * $H, 'Wednesday 14:00 EDT: 13 h';
is $sla->{state}, 'at_risk', 'past 75 % of the target: at risk';

patch_at($s, $agent, '2026-03-11T16:00:00-04:00', $id, status => 'resolved');
$sla = $get->('2026-03-12T12:00:00-04:00');
is $sla->{resolution}{state}, 'met', 'resolved within the target';
is $sla->{resolution}{elapsed_ms}, 15 * $H, 'after 15 business hours';
is $sla->{resolution}{met_at}, '2026-03-11T20:00:00+00:00', 'at 16:00 EDT';
is $sla->{state}, 'met', 'both clocks met';

# the clock explains itself
my $x = $agent->t->get_ok($s->url("/api/tickets/$id/sla") => at($agent, '2026-03-12T12:00:00-04:00'))
    ->status_is(200)->tx->res->json;
is $x->{calendar}{tz}, 'America/New_York', 'the explanation names the calendar';
is_deeply [map { [$_->{status}, $_->{running} ? 1 : 0] } @{ $x->{segments} }],
    [['new', 1], ['pending_info', 0], ['in_progress', 1], ['resolved', 0]], 'its status segments';
is $x->{segments}[0]{resolution_ms}, 1 * $H, 'new: 1 h';
is $x->{segments}[1]{resolution_ms}, 0, 'pending: nothing';
is $x->{segments}[2]{resolution_ms}, 14 * $H, 'in progress: 14 h';
is $x->{segments}[2]{response_ms}, 1 * $H, 'of which the response clock took 1 h';
is_deeply $x->{segments}[2]{intervals},
    [{ from => '2026-03-09T14:00:00+00:00', to => '2026-03-09T21:00:00+00:00' },
     { from => '2026-03-11T13:00:00+00:00', to => '2026-03-11T20:00:00+00:00' }],
    'and the business intervals that make up those 14 h (no Tuesday)';
my $sum = 0;
$sum += $_->{resolution_ms} for @{ $x->{segments} };
is $sum, $x->{resolution}{elapsed_ms}, 'the segments add up to the elapsed figure';

# a requester may not read the explanation
my $req = $s->login('requester@example.com');
$req->t->get_ok($s->url("/api/tickets/$id/sla"))->status_is(403);

done_testing;
