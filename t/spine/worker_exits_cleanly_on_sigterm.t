# `helpdesk-worker run` stays up, and exits 0 promptly on SIGTERM or SIGINT, also while it is
# waiting for an unreachable database.
use strict;
use warnings;
use Test::More;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use HD::Stack;

my $s = HD::Stack->new;

sub start_worker {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        delete $ENV{HELPDESK_DB};
        $ENV{HELPDESK_CONF} = $s->var . '/helpdesk.conf';
        open STDOUT, '>>', $s->var . '/log/worker-test.log' or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(127);
        $SIG{$_} = 'DEFAULT' for qw(INT TERM);
        exec "$HD::Stack::REPO/build/helpdesk-worker", 'run' or POSIX::_exit(127);
    }
    return $pid;
}

# Send $sig and return (exit status, seconds taken), or (undef, ...) if it did not exit in 5 s.
sub stop_worker {
    my ($pid, $sig) = @_;
    my $t0 = time;
    kill $sig, $pid;
    my $done = HD::Stack::wait_for(5, sub { waitpid($pid, WNOHANG) == $pid }, 0.02);
    my $status = $?;
    unless ($done) { kill 'KILL', $pid; waitpid $pid, 0; return (undef, time - $t0) }
    return ($status, time - $t0);
}

for my $sig (qw(TERM INT)) {
    my $pid = start_worker();
    sleep 1.5;
    is(waitpid($pid, WNOHANG), 0, "worker still running after 1.5 s (before SIG$sig)");
    my ($status, $took) = stop_worker($pid, $sig);
    is($status, 0, "exit status 0 after SIG$sig");
    cmp_ok($took, '<', 3, "exited within 3 s of SIG$sig");
}

$s->pg_stop;
my $pid = start_worker();
sleep 1.5;
is(waitpid($pid, WNOHANG), 0, 'worker keeps running (retrying) while PostgreSQL is down');
my ($status, $took) = stop_worker($pid, 'TERM');
is($status, 0, 'exit status 0 after SIGTERM while PostgreSQL is down');
cmp_ok($took, '<', 3, 'and promptly, not after its reconnect backoff');
$s->pg_start;

my $log = HD::Stack::slurp($s->var . '/log/worker-test.log');
unlike($log, qr/AddressSanitizer|Segmentation|core dumped/i, 'no crash report in the worker log');

done_testing;
