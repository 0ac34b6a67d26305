package HD::Dovecot;

# A real IMAP server for the tests: Debian's Dovecot with a private configuration, a private
# maildir and one passwd-file user, on a free loopback port, started in the foreground (no system
# service is touched).
#
#   my $imap = HD::Dovecot->new;                    # user 'helpdesk', password 'imap-password'
#                                                   # (fsync => 'never' for benchmarks)
#   my $s = HD::Stack->new(imap => $imap);          # the worker polls its INBOX every second
#   $imap->append($raw_message);                    # IMAP APPEND through curl
#   $imap->stop; $imap->start;                      # the server down for a while
#
# It is stopped at exit (also after die or a signal); its log stays in its directory when a test
# fails.

use strict;
use warnings;

use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use POSIX qw(WNOHANG);
use Test2::API qw(test2_add_callback_exit);
use Time::HiRes qw(sleep time);

use HD::Stack ();

our $DOVECOT = '/usr/sbin/dovecot';

my @ALL;

sub new {
    my ($class, %opt) = @_;
    die "HD::Dovecot: $DOVECOT is missing (apt-get install dovecot-imapd)\n" unless -x $DOVECOT;
    my $dir = tempdir('hd-imap-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    chmod 0755, $dir;
    my $self = bless {
        owner    => $$,
        dir      => $dir,
        user     => $opt{user} // 'helpdesk',
        password => $opt{password} // 'imap-password',
        port     => $opt{port} // (HD::Stack::free_ports(1))[0],
        fsync    => $opt{fsync} // 'optimized',
    }, $class;
    push @ALL, $self;
    $self->write_config;
    $self->start;
    return $self;
}

sub port     { $_[0]{port} }
sub user     { $_[0]{user} }
sub password { $_[0]{password} }
sub dir      { $_[0]{dir} }
sub url      { "imap://127.0.0.1:$_[0]{port}" }

sub write_config {
    my ($self) = @_;
    my $d = $self->{dir};
    mkdir "$d/$_" for qw(run state mail log);
    # the mail processes run as nobody (Dovecot refuses root); they own the maildir
    my ($uid, $gid) = (getpwnam('nobody'))[2, 3];
    chown $uid, $gid, "$d/mail" if $> == 0;
    $uid = $> unless $> == 0;
    $gid = $) + 0 unless $> == 0;
    HD::Stack::spew("$d/passwd", "$self->{user}:{PLAIN}$self->{password}::::::\n");
    my $login_user = $> == 0 ? 'dovenull' : scalar getpwuid($>);
    my $internal = $> == 0 ? 'dovecot' : scalar getpwuid($>);
    HD::Stack::spew("$d/dovecot.conf", <<"CONF");
# written by t/lib/HD/Dovecot.pm
base_dir = $d/run
state_dir = $d/state
instance_name = hd-imap-$self->{port}
log_path = $d/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal
first_valid_uid = 0
mail_location = maildir:$d/mail/%u
mail_fsync = $self->{fsync}
mail_uid = $uid
mail_gid = $gid
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$d/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $self->{port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
}

sub running { my $p = $_[0]{pid}; return $p && HD::Stack::alive($p) }

sub start {
    my ($self) = @_;
    return if $self->running;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{dir}/log/stdout.log";
        open STDERR, '>&', \*STDOUT;
        POSIX::setsid();
        exec $DOVECOT, '-F', '-c', "$self->{dir}/dovecot.conf" or POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    my $ok = HD::Stack::wait_for(10, sub {
        return 0 unless HD::Stack::alive($pid);
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
            Timeout => 1) or return 0;
        my $greeting = <$s> // '';
        return $greeting =~ /^\* OK/;
    }, 0.05);
    die "HD::Dovecot: did not start on port $self->{port}:\n"
        . HD::Stack::slurp("$self->{dir}/log/dovecot.log")
        . HD::Stack::slurp("$self->{dir}/log/stdout.log") unless $ok;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;
    # the whole process group: open IMAP sessions end too, as when a server goes away
    kill 'TERM', -$pid;
    my $until = time + 10;
    while (time < $until) {
        last if waitpid($pid, WNOHANG);
        sleep 0.05;
    }
    if (HD::Stack::alive($pid)) {
        kill 'KILL', -$pid;
        waitpid($pid, 0);
    }
    kill 'KILL', -$pid;    # stragglers of the group
}

# IMAP APPEND of a raw message (LF or CRLF line ends) to $folder (INBOX); dies on failure.
sub append {
    my ($self, $raw, $folder) = @_;
    $raw =~ s/\r?\n/\r\n/g;
    my $tmp = File::Temp->new;
    binmode $tmp;
    print $tmp $raw;
    close $tmp;
    my ($rc, $out) = HD::Stack::run_capture('curl', '-sS', '--noproxy', '*', '-u',
        "$self->{user}:$self->{password}", '-T', $tmp->filename,
        $self->url . '/' . ($folder // 'INBOX'));
    die "HD::Dovecot: APPEND failed ($rc): $out\n" if $rc;
    return 1;
}

# The flags of every message in $folder, as {uid => 'flags'}.
sub flags {
    my ($self, $folder) = @_;
    my ($rc, $out) = HD::Stack::run_capture('curl', '-sS', '--noproxy', '*', '-u',
        "$self->{user}:$self->{password}", '-X', 'UID FETCH 1:* (FLAGS)',
        $self->url . '/' . ($folder // 'INBOX'));
    die "HD::Dovecot: FETCH FLAGS failed ($rc): $out\n" if $rc;
    my %f;
    $f{$2} = $1 while $out =~ /FETCH \(FLAGS \(([^)]*)\) UID (\d+)\)/g;
    $f{$1} = $2 while $out =~ /FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)/g;
    return \%f;
}

test2_add_callback_exit(sub {
    my ($ctx, $real, $new) = @_;
    for my $self (@ALL) {
        next unless $self->{owner} == $$;
        $self->stop;
        if ($ctx->hub->is_passing && !$$new && !$real && !$ENV{HD_KEEP}) {
            remove_tree($self->{dir});
        } else {
            print STDERR "# HD::Dovecot: log kept in $self->{dir}/log\n";
        }
    }
});

1;
