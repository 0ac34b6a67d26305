# Calendars and SLA policies: who may read and change them, what a bad one gets (400 naming the
# field, nothing changed), optimistic concurrency, the audit trail, and an overnight desk whose
# windows run past midnight.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::SLA qw(at ticket_at);

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $manager = $s->login('manager@example.com');
my $agent = $s->login('agent@example.com');
my $req = $s->login('requester@example.com');

my $fp = sub {
    $s->psql(q{select md5(concat_ws('#',
        (select string_agg(concat_ws(',', id, name, tz, is_default, version), ';' order by id) from calendars),
        (select string_agg(concat_ws(',', calendar_id, dow, start_sec, end_sec), ';' order by 1, 2, 3) from business_hours),
        (select string_agg(concat_ws(',', calendar_id, date, label), ';' order by 1, 2) from holidays),
        (select string_agg(concat_ws(',', id, name, priority, team_id, response_target_mins,
                           resolution_target_mins, active, version), ';' order by id) from sla_policies),
        (select count(*) from calendar_intervals),
        (select count(*) from audit_events)))});
};

# reading
my $slas = $agent->t->get_ok($s->url('/api/slas'))->status_is(200)->tx->res->json;
is scalar(grep { $_->{priority} eq 'P1' } @{ $slas->{policies} }), 1, 'agents read the policies';
my %team_cal = map { $_->{name} => $_->{calendar_id} } @{ $slas->{teams} };
my %cal_id = map { $_->{name} => $_->{id} } @{ $slas->{calendars} };
is $team_cal{'Service Desk'}, $cal_id{'London office hours'}, "a team without its own calendar uses its region's";
is $team_cal{'Infrastructure'}, $cal_id{'24x7'}, 'a team with its own calendar uses it';
$req->t->get_ok($s->url('/api/slas'))->status_is(403, 'requesters do not');
$req->t->get_ok($s->url('/api/calendars'))->status_is(403);

my $good = { name => 'Night desk', tz => 'Europe/London',
             windows => [map { { dow => $_, start => '22:00', end => '06:00' } } 1 .. 5],
             holidays => [{ date => '2026-12-25', label => 'Christmas Day' }] };

# writing: admins and managers only
my $lead = $s->login('lead@example.com');
my $before = $fp->();
$agent->t->post_ok($s->url('/api/calendars') => $agent->h => json => $good)->status_is(403);
$lead->t->post_ok($s->url('/api/calendars') => $lead->h => json => $good)->status_is(403);
is $fp->(), $before, 'refused writes change nothing';

# bad calendars: 400 naming the field, nothing changed
my @bad = (
    [tz => { %$good, tz => 'Mars/Olympus_Mons' }],
    [tz => { %$good, tz => '' }],
    [windows => { %$good, windows => [{ dow => 1, start => '25:00', end => '26:00' }] }],
    [windows => { %$good, windows => [{ dow => 7, start => '09:00', end => '17:00' }] }],
    [windows => { %$good, windows => [{ dow => 1, start => '09:00', end => '09:00' }] }],
    [windows => { %$good, windows => [{ dow => 1, start => '9:00', end => '17:00' }] }],
    [windows => { %$good, windows => [{ dow => 1, start => '09:00', end => '17:00', note => 'x' }] }],
    [windows => { %$good, windows => [] }],
    [windows => { %$good, windows => 'weekdays' }],
    [holidays => { %$good, holidays => [{ date => '2026-02-30', label => 'no such day' }] }],
    [holidays => { %$good, holidays => [{ date => '2026-12-25', label => '' }] }],
    [holidays => { %$good, holidays => ['2026-12-25'] }],
    [name => { %$good, name => '' }],
    [colour => { %$good, colour => 'red' }],
);
for my $b (@bad) {
    my ($field, $body) = @$b;
    $admin->t->post_ok($s->url('/api/calendars') => $admin->h => json => $body)
        ->status_is(400, "bad $field: 400")->header_like('Content-Type', qr{problem\+json});
    my $errs = $admin->t->tx->res->json->{errors} // [];
    is $errs->[0]{field}, $field, "naming $field" if $field ne 'colour';
}
is $fp->(), $before, 'no bad calendar changed anything';

# a good one: the overnight windows are kept as given
my $cal = $manager->t->post_ok($s->url('/api/calendars') => $manager->h => json => $good)
    ->status_is(201, 'a manager may create a calendar')->tx->res->json;
is_deeply $cal->{windows}[0], { dow => 1, start => '22:00', end => '06:00' }, 'an overnight window';
is $cal->{version}, 1, 'at version 1';
is $s->audit_count('calendar.created', "entity_id = '$cal->{id}'"), 1, 'audited';
$admin->t->post_ok($s->url('/api/calendars') => $admin->h => json => $good)->status_is(409, 'names are unique');

# PUT replaces it, under If-Match
my $url = $s->url("/api/calendars/$cal->{id}");
my $new = { %$good, windows => [map { { dow => $_, start => '22:00', end => '24:00' } } 0 .. 6] };
$before = $fp->();
$admin->t->put_ok($url => $admin->h => json => $new)->status_is(428, 'no If-Match: 428');
$admin->t->put_ok($url => $admin->h('If-Match' => '"7"') => json => $new)->status_is(409)
    ->json_is('/current_version', 1);
is $fp->(), $before, 'neither changed anything';
$admin->t->put_ok($url => $admin->h('If-Match' => '"1"') => json => $new)->status_is(200)
    ->json_is('/version', 2)->json_is('/windows/0/end', '24:00');
is $s->audit_count('calendar.updated', "entity_id = '$cal->{id}'"), 1, 'the change is audited';
$admin->t->put_ok($url => $admin->h('If-Match' => '"2"') => json => $good)->status_is(200, 'and back');

# policies
my $team = $admin->ua->post($s->url('/api/teams') => $admin->h
    => json => { name => 'Night team', calendar_id => $cal->{id} })->res->json;
my $pol = { name => 'Night P3', priority => 'P3', team_id => $team->{id},
            response_target_mins => 60, resolution_target_mins => 600 };
$before = $fp->();
for my $b ([priority => { %$pol, priority => 'P5' }],
           [response_target_mins => { %$pol, response_target_mins => 0 }],
           [response_target_mins => { %$pol, response_target_mins => 1.5 }],
           [resolution_target_mins => { %$pol, resolution_target_mins => 30 }],
           [resolution_target_mins => { %{ { %$pol } }, resolution_target_mins => undef }],
           [team_id => { %$pol, team_id => 'night' }])
{
    my ($field, $body) = @$b;
    delete $body->{resolution_target_mins} unless defined $body->{resolution_target_mins};
    $admin->t->post_ok($s->url('/api/slas') => $admin->h => json => $body)->status_is(400, "bad $field");
    is $admin->t->tx->res->json->{errors}[0]{field}, $field, "naming $field";
}
$agent->t->post_ok($s->url('/api/slas') => $agent->h => json => $pol)->status_is(403);
is $fp->(), $before, 'no bad policy changed anything';
my $p = $admin->t->post_ok($s->url('/api/slas') => $admin->h => json => $pol)->status_is(201)->tx->res->json;
$admin->t->post_ok($s->url('/api/slas') => $admin->h => json => { %$pol, name => 'Twin' })
    ->status_is(409, 'one active policy per priority and team');
is $s->audit_count('sla_policy.created', "entity_id = '$p->{id}'"), 1, 'policy creation is audited';

# a ticket on the night desk: Friday 2026-06-12 23:00 BST (22:00Z)
my $t = ticket_at($s, $admin, '2026-06-12T22:00:00Z', priority => 'P3', team_id => $team->{id},
                  requester_id => $s->user_id('requester@example.com'));
is $t->{sla}{policy}{id}, $p->{id}, 'the night P3 policy applies';
is $t->{sla}{resolution}{due_at}, '2026-06-16T00:00:00+00:00',
    '10 h: Friday 23:00-06:00 BST (7 h), then Monday 22:00 BST + 3 h = Tuesday 01:00 BST';
my $sla = $admin->ua->get($s->url("/api/tickets/$t->{id}") => at($admin, '2026-06-13T09:00:00Z'))->res->json->{sla};
is $sla->{resolution}{elapsed_ms}, 7 * 3_600_000, 'Saturday 10:00 BST: the overnight shift counted 7 h';

$admin->t->patch_ok($s->url("/api/slas/$p->{id}") => $admin->h('If-Match' => '"1"')
    => json => { resolution_target_mins => 480 })->status_is(200)->json_is('/version', 2);
$sla = $admin->ua->get($s->url("/api/tickets/$t->{id}") => at($admin, '2026-06-13T09:00:00Z'))->res->json->{sla};
is $sla->{resolution}{target_ms}, 8 * 3_600_000, 'a policy change reaches its open tickets';
is $sla->{resolution}{due_at}, '2026-06-15T22:00:00+00:00', 'and moves their due date: 1 h into Monday night';
is $sla->{resolution}{elapsed_ms}, 7 * 3_600_000, 'recomputed from the history, the elapsed time is unchanged';

# the team moves to London office hours (09:00-17:30 weekdays): its open tickets' clocks follow
$admin->t->patch_ok($s->url("/api/teams/$team->{id}") => $admin->h
    => json => { calendar_id => $cal_id{'London office hours'} })->status_is(200);
$sla = $admin->ua->get($s->url("/api/tickets/$t->{id}") => at($admin, '2026-06-13T09:00:00Z'))->res->json->{sla};
is $sla->{calendar_id}, $cal_id{'London office hours'}, "a team's new calendar reaches its open tickets";
is $sla->{resolution}{elapsed_ms}, 0, 'filed Friday 23:00 BST, nothing of it was office hours by Saturday';
is $sla->{resolution}{due_at}, '2026-06-15T16:00:00+00:00', '8 h from Monday 09:00 BST: 17:00 BST';

done_testing;
