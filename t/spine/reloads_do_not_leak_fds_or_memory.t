# 100 reloads (SIGHUP) under light load: every reload replaces the workers, old workers exit
# promptly, no request fails, and neither file descriptors nor memory grow.
use strict;
use warnings;
use Test::More;
use POSIX ();
use Time::HiRes qw(sleep time);
use HD::Stack;

my $workers = 2;
my $s = HD::Stack->new(workers => $workers, db_pool => 2);
my $master = $s->nginx_master_pid;

# Warm up: open each worker's DB connections, so before/after compare like with like.
sub warm_up {
    HD::Stack::new_ua()->get($s->url('/api/readyz')) for 1 .. 40;
    sleep 0.3;
}

sub worker_fds { my $n = 0; $n += HD::Stack::fd_count($_) // 0 for $s->nginx_worker_pids; $n }
sub worker_rss { my $m = 0; for ($s->nginx_worker_pids) { my $r = HD::Stack::rss_kb($_) // 0; $m = $r if $r > $m } $m }

warm_up();
my %before = (master_fds => HD::Stack::fd_count($master), master_rss => HD::Stack::rss_kb($master),
    worker_fds => worker_fds(), worker_rss => worker_rss());

# Light load from a child: one request at a time, new connection each, until told to stop.
pipe my $rd, my $wr or die "pipe: $!";
my $loader = fork // die "fork: $!";
if ($loader == 0) {
    close $rd;
    my ($ok, $bad, @why) = (0, 0);
    my $stop = 0;
    local $SIG{TERM} = sub { $stop = 1 };
    my $deadline = time + 180;
    while (!$stop && time < $deadline) {
        for my $path ('/api/readyz', '/api/healthz') {
            my $res = HD::Stack::new_ua()->get($s->url($path) => {Connection => 'close'})->result;
            if ($res->code == 200) { $ok++ }
            else { $bad++; push @why, join ' ', $res->code, $path, $res->json('/type') // '' }
        }
        sleep 0.02;
    }
    print $wr join(' ', $ok, $bad, join('; ', @why[0 .. ($#why < 4 ? $#why : 4)])), "\n";
    close $wr;
    POSIX::_exit(0);
}
close $wr;

my ($reloads, $slowest_exit, $stuck) = (0, 0, 0);
for my $i (1 .. 100) {
    my @old = $s->nginx_worker_pids;
    my $t0 = time;
    kill 'HUP', $master or last;
    my $replaced = HD::Stack::wait_for(10, sub {
        my @now = $s->nginx_worker_pids;
        my %old = map { $_ => 1 } @old;
        @now == $workers && !grep { $old{$_} } @now;
    }, 0.01);
    my $gone = HD::Stack::wait_for(10, sub { !grep { -d "/proc/$_" && HD::Stack::cmdline($_) ne '' } @old }, 0.01);
    my $took = time - $t0;
    $slowest_exit = $took if $took > $slowest_exit;
    $reloads++ if $replaced;
    $stuck++ unless $gone;
    last unless $replaced && $gone;
}
is($reloads, 100, '100 reloads each replaced the workers');
is($stuck, 0, 'old workers always exited');
cmp_ok($slowest_exit, '<', 5, 'old workers exit within 5 s of a reload');

kill 'TERM', $loader;
my $report = HD::Stack::wait_for(30, sub { scalar <$rd> });
waitpid $loader, 0;
my ($ok, $bad, $why) = split / /, ($report // '0 -1'), 3;
cmp_ok($ok, '>', 50, "light load ran during the reloads ($ok requests)");
is($bad, 0, 'no request failed during the reloads') or diag $why;

warm_up();
my %after = (master_fds => HD::Stack::fd_count($master), master_rss => HD::Stack::rss_kb($master),
    worker_fds => worker_fds(), worker_rss => worker_rss());
diag join ', ', map {"$_ $before{$_} -> $after{$_}"} sort keys %before;

cmp_ok($after{master_fds}, '<=', $before{master_fds} + 2, 'master: no fd growth');
cmp_ok($after{worker_fds}, '<=', $before{worker_fds} + 2 * $workers, 'workers: no fd growth');
SKIP: {
    skip 'RSS under AddressSanitizer measures its quarantine; the plain run checks memory', 2
      if HD::Stack::asan();
    cmp_ok($after{master_rss} - $before{master_rss}, '<', 1024, 'master RSS grew < 1 MB');
    cmp_ok($after{worker_rss} - $before{worker_rss}, '<', 1024, 'worker RSS grew < 1 MB');
}

my $log = $s->nginx_error_log;
my $hups = () = $log =~ /signal 1 \(SIGHUP\) received/g;
is($hups, 100, 'nginx logged 100 reloads');
unlike($log, qr/open socket .* left/, 'no "open socket left"');
my @nonzero = $log =~ /(worker process \d+ exited with code [1-9]\d*)/g;
is_deeply(\@nonzero, [], 'every old worker exited with code 0');

$s->t->get_ok($s->url('/api/readyz'))->status_is(200, 'readyz after the reloads');

done_testing;
