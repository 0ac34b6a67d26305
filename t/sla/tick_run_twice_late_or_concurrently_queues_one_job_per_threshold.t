# The worker's tick marks clocks at 75 % (at risk) and 100 % (breached) of a target and queues one
# job per threshold, to run at the next business instant of the clock's calendar.  Run twice, run
# late (after "an hour of downtime"), or run by two workers at once, it still queues one each.
# London office hours (Mon-Fri 09:00-17:30, the demo's default calendar); P1: 15 min to respond,
# 240 min to resolve.
use strict;
use warnings;
use Test::More;
use JSON::PP qw(decode_json);
use HD::Stack;
use HD::SLA qw(at ticket_at tick);

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');

# Wednesday 2026-06-10 10:00 BST = 09:00Z
my $t = ticket_at($s, $admin, '2026-06-10T09:00:00Z', priority => 'P1',
                  requester_id => $s->user_id('requester@example.com'));
is $t->{sla}{response}{due_at}, '2026-06-10T09:15:00+00:00', 'P1: respond within 15 business minutes';
my $jobs = sub { $s->psql("select count(*) from jobs where kind = '$_[0]' and payload->>'ticket_id' = '$t->{id}'") };

my ($rc, $out) = tick($s, '2026-06-10T09:05:00Z');
is $rc, 0, 'a tick before any threshold';
is_deeply decode_json($out), { at => '2026-06-10T09:05:00+00:00', at_risk => 0, breached => 0 }, 'finds nothing';

($rc, $out) = tick($s, '2026-06-10T09:12:00Z');
is decode_json($out)->{at_risk}, 1, 'at 12 of 15 minutes (80 %): the response clock is at risk';
is $jobs->('sla.at_risk'), 1, 'one at-risk job';
($rc, $out) = tick($s, '2026-06-10T09:13:00Z');
is decode_json($out)->{at_risk}, 0, 'the same tick again a minute later: nothing new';
is $jobs->('sla.at_risk'), 1, 'still one at-risk job';

# an hour of downtime: the next tick is at 10:20Z; response (09:15) breached, resolution at 75 %
# (180 of 240 min, 12:00Z) not yet
($rc, $out) = tick($s, '2026-06-10T10:20:00Z');
is_deeply [@{ decode_json($out) }{qw(at_risk breached)}], [0, 1], 'late: the response breach, once';
($rc, $out) = tick($s, '2026-06-10T10:20:00Z');
is_deeply [@{ decode_json($out) }{qw(at_risk breached)}], [0, 0], 'the same tick run twice: nothing more';
is $jobs->('sla.breached'), 1, 'one breach job';

# the breach job runs at once: 10:20Z is inside business hours
is $s->psql("select run_at = '2026-06-10T10:20:00Z' from jobs where kind = 'sla.breached'"
    . " and payload->>'ticket_id' = '$t->{id}'"), 't', 'a breach inside business hours is delivered at once';

# two workers tick at the same moment, past both resolution thresholds (13:00Z, 75 % at 12:00Z):
# the advisory lock lets one of them do it
my @pids;
for my $i (1, 2) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my ($r, $o) = tick($s, '2026-06-10T16:00:00Z');
        open my $fh, '>', "/tmp/hd-tick-$$-out" or die; print $fh $o; close $fh;
        require POSIX; POSIX::_exit($r);
    }
    push @pids, $pid;
}
my @outs;
for my $pid (@pids) {
    waitpid $pid, 0;
    is $? >> 8, 0, 'each tick exits 0';
    open my $fh, '<', "/tmp/hd-tick-$pid-out" or die; local $/; push @outs, scalar <$fh>; unlink "/tmp/hd-tick-$pid-out";
}
is $jobs->('sla.at_risk'), 2, 'two at-risk jobs in all: response and resolution, one each';
is $jobs->('sla.breached'), 2, 'two breach jobs in all: response and resolution, one each';

# where a threshold is found decides when its job runs: inside business hours at once, after hours
# when the desk opens
my $late = ticket_at($s, $admin, '2026-06-12T16:25:00Z', priority => 'P1',
                     requester_id => $s->user_id('requester@example.com'));
is $late->{sla}{response}{due_at}, '2026-06-15T08:10:00+00:00',
    'filed Friday 17:25 BST: 5 minutes Friday, 10 on Monday from 09:00 BST (08:00Z)';
tick($s, '2026-06-15T08:30:00Z');
is $s->psql("select run_at from jobs where kind = 'sla.breached' and payload->>'ticket_id' = '$late->{id}'"),
    '2026-06-15 08:30:00+00', 'a breach found in business hours runs at once';
my $night = ticket_at($s, $admin, '2026-06-15T16:00:00Z', priority => 'P1',
                      requester_id => $s->user_id('requester@example.com'));
tick($s, '2026-06-15T19:00:00Z');
is $s->psql("select run_at from jobs where kind = 'sla.breached' and payload->>'ticket_id' = '$night->{id}'"),
    '2026-06-16 08:00:00+00', 'one found at 20:00 BST (due 17:15 BST) waits for the desk to open at 09:00 BST';

# --now is for tests only
{
    local $ENV{HELPDESK_TEST_MODE};
    delete $ENV{HELPDESK_TEST_MODE};
    my ($r, $o) = $s->worker_cli('sla', 'tick', '--now', '2026-06-20T00:00:00Z');
    is $r, 2, '--now without HELPDESK_TEST_MODE=1 is refused';
    like $o, qr/refused/, 'and says so';
}
is $s->psql("select count(*) from jobs where kind like 'sla.%'"), 10,
    'and it queued nothing: 10 = 4 for the first ticket, 4 for the Friday one (its resolution clock'
    . ' passed both thresholds by Monday evening), 2 for the Monday one';

done_testing;
