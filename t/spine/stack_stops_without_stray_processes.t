# Stopping the stack ends PostgreSQL, nginx (master and workers) and helpdesk-worker: nothing
# started for it is left running.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $var = $s->var;

sub ours {
    opendir my $dh, '/proc' or return;
    my @pids;
    for my $pid (grep { /^\d+$/ && HD::Stack::alive($_) } readdir $dh) {
        my $cmd = HD::Stack::cmdline($pid);
        push @pids, "$pid $cmd" if index($cmd, $var) >= 0;
    }
    # PostgreSQL children have short titles: find them through the postmaster.
    my ($pm) = split /\n/, HD::Stack::slurp("$var/pg/postmaster.pid");
    push @pids, map {"$_ (postgres child)"} HD::Stack::children_of($pm) if $pm && HD::Stack::alive($pm);
    return @pids;
}

my $master = $s->nginx_master_pid;
# a worker just forked may not have set its title yet on a loaded machine: give it a moment
my @nginx_workers;
HD::Stack::wait_for(5, sub { @nginx_workers = $s->nginx_worker_pids; @nginx_workers == 2 }, 0.1);
my $worker = $s->worker_pid;
ok(kill(0, $master), 'nginx master running');
is(scalar @nginx_workers, 2, 'two nginx workers');
ok(kill(0, $worker), 'helpdesk-worker running');
ok(ours() >= 4, 'processes found by state directory');

my @problems = $s->stop;
is_deeply(\@problems, [], 'stop left no problems in the error log');
my @left = ours();
is_deeply(\@left, [], 'nothing left running') or diag join "\n", @left;
ok(!HD::Stack::alive($_), "pid $_ gone") for $master, @nginx_workers, $worker;

done_testing;
