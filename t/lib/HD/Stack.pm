package HD::Stack;

# The one test harness: a fresh private stack (PostgreSQL cluster, nginx with the module,
# helpdesk-worker) on free loopback ports in a temporary state directory, driven through
# conf/stack.sh exactly as `make run` drives it.
#
#   use HD::Stack;
#   my $s = HD::Stack->new(db_timeout => '1s');     # starts everything, in test mode
#   $s->t->get_ok($s->url('/api/healthz'))->status_is(200);
#   done_testing;                                   # stops the stack, checks nginx's error log
#
# Teardown is automatic: at done_testing the stack is stopped and the error log is checked as a
# test of its own (no [alert], [crit], [emerg], "exited on signal"); if the file dies or is
# interrupted first, the stack is still stopped at exit and a dirty log makes the exit non-zero.
# The state directory is removed unless the file failed or HD_KEEP=1 (its path is then printed).

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Mojo::UserAgent;
use POSIX qw(WNOHANG);
use Test2::API qw(context test2_add_callback_testing_done test2_add_callback_exit);
use Test::Mojo;
use Test::More ();
use Time::HiRes qw(sleep time);

our $REPO = abs_path(dirname(__FILE__) . '/../../..');
our $PGBIN = '/usr/lib/postgresql/15/bin';
our $LOG_PROBLEMS = qr/\[alert\]|\[crit\]|\[emerg\]|exited on signal/;

my %LIVE;    # refaddr => stack, the stacks still to be torn down
my @ALL;     # every stack created by this process, for removing state directories at exit

# ------------------------------------------------------------------------------ lifecycle

# Options: workers (2), db_pool (4), db_queue (128), db_timeout ('2s'), seed (0).
sub new {
    my ($class, %opt) = @_;
    my $self = bless {
        owner      => $$,
        workers    => $opt{workers}    // 2,
        db_pool    => $opt{db_pool}    // 4,
        db_queue   => $opt{db_queue}   // 128,
        db_timeout => $opt{db_timeout} // '2s',
        seed       => $opt{seed}       // 0,
    }, $class;

    for my $bin ("$REPO/build/ngx_http_helpdesk_module.so", "$REPO/build/helpdesk-worker") {
        die "HD::Stack: $bin is missing: run 'make' first\n" unless -e $bin;
    }

    $self->{var} = tempdir('hd-test-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    my ($port, $pgport) = free_ports(2);
    $self->{port}   = $port;
    $self->{pgport} = $pgport;
    $LIVE{"$self"} = $self;
    push @ALL, $self;

    $self->stack('init');
    $self->stack('start');
    $self->{running} = 1;
    return $self;
}

# Stop everything; returns the problems found in nginx's error log (empty list when clean).
sub stop {
    my ($self) = @_;
    return () unless $LIVE{"$self"};
    delete $LIVE{"$self"};
    eval { $self->stack('stop'); 1 } or warn $@;
    $self->{running} = 0;
    my @problems = grep { /$LOG_PROBLEMS/ } split /\n/, $self->nginx_error_log;
    return @problems;
}

sub _cleanup_var {
    my ($self, $passing) = @_;
    my $var = $self->{var} or return;
    if ($passing && !$ENV{HD_KEEP}) {
        remove_tree($var);
    } else {
        remove_tree("$var/pg");    # the logs are what matter; the cluster is 40 MB
        print STDERR "# HD::Stack: logs kept in $var/log\n";
    }
}

# At done_testing: stop, and report the error log as a test.
test2_add_callback_testing_done(sub {
    for my $self (values %LIVE) {
        next unless $self->{owner} == $$;
        my @problems = $self->stop;
        my $ctx = context();
        $ctx->ok(!@problems, 'nginx error log has no alert/crit/emerg/"exited on signal"');
        $ctx->diag(join "\n", @problems[0 .. ($#problems < 19 ? $#problems : 19)]) if @problems;
        $ctx->release;
    }
});

# At exit (also after die or a signal): stop whatever is still up, fail on a dirty log.
test2_add_callback_exit(sub {
    my ($ctx, $real, $new) = @_;
    for my $self (values %LIVE) {
        next unless $self->{owner} == $$;
        my @problems = $self->stop;
        if (@problems) {
            $ctx->diag("nginx error log problems:\n" . join "\n", @problems);
            $$new ||= 255;
        }
    }
    for my $self (@ALL) {
        next unless $self->{owner} == $$ && $self->{var};
        $self->_cleanup_var($ctx->hub->is_passing && !$$new && !$real);
        delete $self->{var};
    }
});

# Ctrl-C or a kill of prove must still run the exit callback above.
$SIG{INT}  = sub { print STDERR "# HD::Stack: SIGINT, stopping the stack\n"; exit 130 };
$SIG{TERM} = sub { print STDERR "# HD::Stack: SIGTERM, stopping the stack\n"; exit 143 };

# ------------------------------------------------------------------------------ driving

sub env {
    my ($self) = @_;
    return (
        HD_VAR        => $self->{var},
        PORT          => $self->{port},
        PGPORT        => $self->{pgport},
        HD_TEST_MODE  => 1,
        HD_WORKERS    => $self->{workers},
        HD_DB_POOL    => $self->{db_pool},
        HD_DB_QUEUE   => $self->{db_queue},
        HD_DB_TIMEOUT => $self->{db_timeout},
        HD_SEED       => $self->{seed},
    );
}

# Run conf/stack.sh <cmd>; dies with its output on failure.
sub stack {
    my ($self, $cmd) = @_;
    my $out = "$self->{var}/stack.out";
    local %ENV = (%ENV, $self->env);
    my $rc = system('bash', '-c', 'exec bash "$0" "$1" </dev/null >>"$2" 2>&1',
        "$REPO/conf/stack.sh", $cmd, $out);
    if ($rc != 0) {
        my $text = slurp($out);
        die "HD::Stack: 'stack.sh $cmd' failed ($rc):\n$text\n";
    }
    return 1;
}

sub pg_stop { $_[0]->stack('pg-stop') }
sub pg_start { $_[0]->stack('pg-start') }

# Reload nginx (HUP to the master) and return at once.
sub reload { $_[0]->stack('reload') }

sub port   { $_[0]{port} }
sub pgport { $_[0]{pgport} }
sub var    { $_[0]{var} }
sub url    { my ($self, $path) = @_; "http://127.0.0.1:$self->{port}" . ($path // '/') }

# A Test::Mojo whose user agent has bounded timeouts (one per stack).
sub t {
    my ($self) = @_;
    $self->{t} //= do {
        my $t = Test::Mojo->new;
        $t->ua($self->new_ua);
        $t;
    };
}

sub new_ua {
    Mojo::UserAgent->new(connect_timeout => 5, inactivity_timeout => 20,
        request_timeout => 20, max_redirects => 0);
}

# psql as the superuser against database helpdesk (or $db); returns trimmed -tA output, dies on error.
sub psql {
    my ($self, $sql, $db) = @_;
    my ($rc, $out) = $self->psql_as('postgres', $sql, $db);
    die "psql failed ($rc): $out\n" if $rc;
    $out =~ s/\s+\z//;
    return $out;
}

# psql as $user (trust auth); returns (exit code, output) without dying, for permission tests.
sub psql_as {
    my ($self, $user, $sql, $db) = @_;
    return run_capture("$PGBIN/psql", '-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
        '-p', $self->{pgport}, '-U', $user, '-d', $db // 'helpdesk', '-c', $sql);
}

# Run build/helpdesk-worker with this stack's settings file, or with the settings file given as
# {conf => $path} first; returns (exit code, stdout+stderr).
sub worker_cli {
    my ($self, @args) = @_;
    my $opt = ref $args[0] eq 'HASH' ? shift @args : {};
    local %ENV = %ENV;
    delete $ENV{HELPDESK_DB};
    $ENV{HELPDESK_CONF} = $opt->{conf} // "$self->{var}/helpdesk.conf";
    return run_capture("$REPO/build/helpdesk-worker", @args);
}

sub nginx_error_log  { slurp("$_[0]{var}/log/nginx-error.log") }
sub access_log_path  { "$_[0]{var}/log/nginx-access.log" }
sub nginx_master_pid { my $p = slurp("$_[0]{var}/nginx/nginx.pid"); $p =~ s/\s+//g; $p }
sub worker_pid       { my $p = slurp("$_[0]{var}/run/worker.pid"); $p =~ s/\s+//g; $p }

# Pids of the current nginx worker processes (children of the master, excluding any still
# shutting down after a reload unless $all).
sub nginx_worker_pids {
    my ($self, $all) = @_;
    my @pids = children_of($self->nginx_master_pid);
    @pids = grep { cmdline($_) =~ /worker process/ && ($all || cmdline($_) !~ /shutting down/) }
        @pids;
    return sort { $a <=> $b } @pids;
}

# ------------------------------------------------------------------------------ utilities

sub free_ports {
    my ($n) = @_;
    my (@socks, @ports);
    for (1 .. $n) {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
            Listen => 1) or die "bind: $!";
        push @socks, $s;
        push @ports, $s->sockport;
    }
    close $_ for @socks;
    return @ports;
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $s = <$fh>;
    return $s // '';
}

# Run a command, returning (exit code, combined output). Bounded by $timeout seconds (default 60).
sub run_capture {
    my (@cmd) = @_;
    my $timeout = 60;
    pipe my $r, my $w or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $r;
        open STDOUT, '>&', $w or POSIX::_exit(127);
        open STDERR, '>&', $w or POSIX::_exit(127);
        open STDIN, '<', '/dev/null' or POSIX::_exit(127);
        exec @cmd or POSIX::_exit(127);
    }
    close $w;
    my $out = '';
    my $deadline = time + $timeout;
    my $rin = '';
    vec($rin, fileno($r), 1) = 1;
    while (time < $deadline) {
        my $n = select(my $rout = $rin, undef, undef, 0.2);
        next unless $n > 0;
        my $got = sysread($r, $out, 65536, length $out);
        last unless $got;
    }
    close $r;
    my $until = time + 5;
    my $reaped = 0;
    while (!($reaped = waitpid($pid, WNOHANG)) && time < $until) {
        sleep 0.02;
    }
    if (!$reaped) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
        return (-1, $out . "\n[killed: still running after ${timeout}s]");
    }
    return ($? >> 8, $out);
}

sub children_of {
    my ($ppid) = @_;
    my @kids;
    opendir my $dh, '/proc' or return;
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my $stat = slurp("/proc/$pid/stat") or next;
        $stat =~ /\)\s+\S+\s+(\d+)/ or next;
        push @kids, $pid if $1 == $ppid;
    }
    return @kids;
}

sub cmdline { my $c = slurp("/proc/$_[0]/cmdline"); $c =~ tr/\0/ /; $c }

# True while $pid exists and is not a zombie.
sub alive {
    my ($pid) = @_;
    my $status = slurp("/proc/$pid/status") or return 0;
    return $status !~ /^State:\s+Z/m;
}

# Number of open file descriptors of a process.
sub fd_count {
    my ($pid) = @_;
    opendir my $dh, "/proc/$pid/fd" or return undef;
    return scalar grep { !/^\.\.?$/ } readdir $dh;
}

# Resident set size in kB.
sub rss_kb {
    my ($pid) = @_;
    slurp("/proc/$pid/status") =~ /^VmRSS:\s+(\d+)/m or return undef;
    return $1;
}

# Poll $cond every $step seconds until it returns true or $timeout seconds pass; returns its value.
sub wait_for {
    my ($timeout, $cond, $step) = @_;
    my $deadline = time + $timeout;
    while (1) {
        my $v = $cond->();
        return $v if $v;
        return $v if time >= $deadline;
        sleep($step // 0.05);
    }
}

1;
