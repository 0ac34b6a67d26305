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
# Identity: HD::Stack->new(seed => 1) has the demo accounts (worker/seed_demo.sql, password
# 'demo-password'); my $c = $s->login($email, $password) signs in and gives a client with the
# session cookie and its CSRF token; $s->bearer($token) is an Authorization header;
# HD::Stack->new(oidc => {accounts => {...}}) also starts a real OIDC provider (HD::OIDC, $s->idp)
# and points the stack at it; env => {NAME => value} passes more settings to conf/stack.sh.
#
# Inbound email: HD::Stack->new(imap => HD::Dovecot->new) points the worker at that IMAP server
# (its INBOX, polled every second; more settings as env HD_MAIL_IN_*); $s->wait_inbound($n)
# waits until $n inbound mails are finished (processed, quarantined or ignored).
#
# Tickets: $s->create_ticket($client, %fields) files one (dies unless 201); $s->tickets_fingerprint
# is a digest of everything ticket writes touch, for "nothing changed" checks. Saved replies:
# $s->create_saved_reply($client, %fields) and $s->saved_replies_fingerprint likewise.
#
# Teardown is automatic: at done_testing the stack is stopped and the error log is checked as a
# test of its own (no [alert], [crit], [emerg], "exited on signal"); if the file dies or is
# interrupted first, the stack is still stopped at exit and a dirty log makes the exit non-zero.
# The state directory is removed unless the file failed or HD_KEEP=1 (its path is then printed).

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
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
# Sanitizer reports (the module built for `make prove-asan`) count as problems too.
our $LOG_PROBLEMS = qr/\[alert\]|\[crit\]|\[emerg\]|exited on signal|runtime error:|AddressSanitizer|LeakSanitizer/;

# True when the stack runs the module built with ASan+UBSan: memory figures then measure the
# sanitizer's quarantine, not the module.
sub asan { return ($ENV{HD_ASAN} // '') eq '1' }

my %LIVE;    # refaddr => stack, the stacks still to be torn down
my @ALL;     # every stack created by this process, for removing state directories at exit

# ------------------------------------------------------------------------------ lifecycle

# Options: workers (2), db_pool (4), db_queue (128), db_timeout ('2s'), seed (0: 1 runs
# `helpdesk-worker seed-demo` at init), env ({} more variables for conf/stack.sh, e.g.
# HD_LOGIN_LIMIT), oidc (a hash of HD::OIDC->new options, or an HD::OIDC: the stack accepts that
# provider's tokens, HD_OIDC_ISSUER is set to its issuer unless env names one), smtp (1: start
# the SMTP sink t/lib/smtp_sink.py and send mail from helpdesk@helpdesk.test to it; see
# "email" below).
sub new {
    my ($class, %opt) = @_;
    my $self = bless {
        owner      => $$,
        workers    => $opt{workers}    // 2,
        db_pool    => $opt{db_pool}    // 4,
        db_queue   => $opt{db_queue}   // 128,
        db_timeout => $opt{db_timeout} // '2s',
        seed       => $opt{seed}       // 0,
        extra_env  => { %{ $opt{env} // {} } },
    }, $class;

    if (my $imap = $opt{imap}) {
        $self->{extra_env}{HD_MAIL_IN_URL}      //= $imap->url;
        $self->{extra_env}{HD_MAIL_IN_USER}     //= $imap->user;
        $self->{extra_env}{HD_MAIL_IN_PASSWORD} //= $imap->password;
        $self->{extra_env}{HD_MAIL_IN_INTERVAL} //= 1;
    }

    if (my $o = $opt{oidc}) {
        require HD::OIDC;
        $self->{idp} = ref $o eq 'HASH' ? HD::OIDC->new(%$o) : $o;
        $self->{extra_env}{HD_OIDC_ISSUER} //= $self->{idp}->issuer;
    }

    for my $bin ("$REPO/build/ngx_http_helpdesk_module.so", "$REPO/build/helpdesk-worker") {
        die "HD::Stack: $bin is missing: run 'make' first\n" unless -e $bin;
    }

    $self->{var} = tempdir('hd-test-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    my ($port, $pgport) = free_ports(2);
    $self->{port}   = $port;
    $self->{pgport} = $pgport;
    $LIVE{"$self"} = $self;
    push @ALL, $self;

    $self->_smtp_setup if $opt{smtp};
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
    $self->smtp_stop;
    $self->{running} = 0;
    my @problems = grep { /$LOG_PROBLEMS/ } split /\n/, $self->nginx_error_log;
    push @problems, map { "sanitizer report $_" } glob("$self->{var}/log/asan.*");
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
        HD_SLA_TICK   => 0,     # tests tick by hand (`sla tick --now`), or say so in env
        %{ $self->{extra_env} },
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
sub idp    { $_[0]{idp} }
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
# {conf => $path} first, and {stdin => $text} as its standard input (else /dev/null); returns
# (exit code, stdout+stderr).
sub worker_cli {
    my ($self, @args) = @_;
    my $opt = ref $args[0] eq 'HASH' ? shift @args : {};
    local %ENV = %ENV;
    delete $ENV{HELPDESK_DB};
    $ENV{HELPDESK_CONF} = $opt->{conf} // "$self->{var}/helpdesk.conf";
    return run_capture_opt({ stdin => $opt->{stdin} }, "$REPO/build/helpdesk-worker", @args);
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

# ------------------------------------------------------------------------------ identity

our $DEMO_PASSWORD = 'demo-password';

# One sign-in attempt: POST /api/auth/login from a fresh user agent (or $opt{ua}); returns the
# transaction. Options: ua, local_address ('127.0.0.2' to come from another client address).
sub login_tx {
    my ($self, $email, $password, %opt) = @_;
    my $ua = $opt{ua} // $self->new_ua;
    $ua->socket_options({ LocalAddr => $opt{local_address} }) if $opt{local_address};
    return $ua->post($self->url('/api/auth/login') => json => { email => $email, password => $password });
}

# Signs in; dies unless it worked. Returns an HD::Stack::Client: ->ua (holding the cookie),
# ->csrf, ->user (the login answer's user), ->cookie (the hd_session value), ->t (Test::Mojo).
sub login {
    my ($self, $email, $password, %opt) = @_;
    my $ua = $opt{ua} // $self->new_ua;
    my $tx = $self->login_tx($email, $password // $DEMO_PASSWORD, %opt, ua => $ua);
    my $res = $tx->res;
    die "HD::Stack: login $email answered " . ($res->code // 'nothing') . ': ' . $res->body . "\n"
        unless ($res->code // 0) == 200;
    my ($cookie) = grep { $_->name eq 'hd_session' } @{ $res->cookies };
    return HD::Stack::Client->new(stack => $self, ua => $ua, tx => $tx,
        csrf => $res->json->{csrf_token}, user => $res->json->{user}, cookie => $cookie && $cookie->value);
}

# The Authorization header for a bearer token (PAT or JWT), as a hash for Mojo's header argument.
sub bearer { my ($self, $token) = @_; return { Authorization => "Bearer $token" } }

# The demo account's user id.
sub user_id {
    my ($self, $email) = @_;
    return $self->psql("select id from users where email = '$email'");
}

# How many audit events match $action (and, optionally, a SQL condition on audit_events).
sub audit_count {
    my ($self, $action, $where) = @_;
    return $self->psql("select count(*) from audit_events where action = '$action'"
        . ($where ? " and ($where)" : ''));
}

# Append $n audit events through audit_append() as the superuser, each committed on its own as
# the application appends them (actor 'system', entity 'test', action 'test.event', diff
# {"n": i}, from 127.0.0.1); returns their ids in order.
sub audit_append_n {
    my ($self, $n) = @_;
    my $before = $self->psql('select coalesce(max(id), 0) from audit_events');
    $self->psql("do \$\$ begin for i in 1 .. $n loop"
        . " perform audit_append('system', null, 'test', null, 'test.event',"
        . " jsonb_build_object('n', i), '127.0.0.1', 'HD::Stack'); commit; end loop; end \$\$");
    return split /\n/, $self->psql("select id from audit_events where id > $before order by id");
}

# A digest of everything identity keeps (users, roles, team membership, sessions, tokens, the
# audit trail): equal before and after a request that must change nothing.
sub identity_fingerprint {
    my ($self) = @_;
    return $self->psql(q{select md5(concat_ws('#',
        (select string_agg(concat_ws(',', id, email, external_id, active, display_name,
                           password_hash, version), ';' order by id) from users),
        (select string_agg(concat_ws(',', user_id, role_id), ';' order by user_id, role_id)
           from user_roles),
        (select string_agg(concat_ws(',', team_id, user_id), ';' order by team_id, user_id)
           from team_members),
        (select string_agg(concat_ws(',', id, revoked_at, expires_at), ';' order by id)
           from sessions),
        (select string_agg(concat_ws(',', id, revoked_at, last_used_at), ';' order by id)
           from api_tokens),
        (select concat_ws(',', count(*), max(id)) from audit_events)))});
}

# The instance's session key (created by nginx on first start), for minting session tokens the
# way the module does (core/hd_session.h: "v1.<b64url(sid|uid|iat|exp)>.<b64url(hmac)>").
sub session_key { slurp("$_[0]{var}/secrets/session.key") }

sub mint_session_token {
    my ($self, $sid, $uid, $iat, $exp) = @_;
    require Digest::SHA;
    require MIME::Base64;
    my $signed = 'v1.' . MIME::Base64::encode_base64url("$sid|$uid|$iat|$exp");
    return $signed . '.' . MIME::Base64::encode_base64url(
        Digest::SHA::hmac_sha256($signed, $self->session_key));
}

# The JWKS file the worker keeps for nginx, decoded (undef when absent or not JSON).
sub jwks_file { "$_[0]{var}/oidc/jwks.json" }

sub jwks_kids {
    my ($self) = @_;
    my $text = slurp($self->jwks_file);
    my $set = eval { Mojo::JSON::decode_json($text) } or return ();
    return map { $_->{kid} // () } @{ $set->{keys} // [] };
}

# `helpdesk-worker oidc-refresh`; dies with its output unless it exits 0.
sub oidc_refresh {
    my ($self) = @_;
    my ($rc, $out) = $self->worker_cli('oidc-refresh');
    die "HD::Stack: helpdesk-worker oidc-refresh failed ($rc):\n$out\n" if $rc;
    return $out;
}

# GET /api/me with a bearer token, up to $timeout seconds (default 8: nginx workers re-stat the
# JWKS file every few seconds) until it stops answering 401; returns the last transaction.
sub me_with_bearer {
    my ($self, $token, $timeout) = @_;
    my $tx;
    wait_for($timeout // 8, sub {
        $tx = $self->new_ua->get($self->url('/api/me') => $self->bearer($token));
        ($tx->res->code // 0) != 401;
    }, 0.25);
    return $tx;
}

# Test: GET /api/me with this bearer token is 401 problem+json with a Bearer challenge, and
# nothing identity keeps changed (no user provisioned, linked or touched, nothing audited).
sub bearer_is_rejected {
    my ($self, $token, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $before = $self->identity_fingerprint;
    my $res = $self->new_ua->get($self->url('/api/me') => $self->bearer($token))->res;
    my $ok = Test::More::is($res->code, 401, "$name: 401");
    $ok &&= Test::More::like($res->headers->content_type // '', qr{^application/problem\+json},
        "$name: problem+json");
    $ok &&= Test::More::like($res->headers->www_authenticate // '', qr/^Bearer\b.*invalid_token/,
        "$name: WWW-Authenticate: Bearer error=invalid_token");
    $ok &&= Test::More::is($self->identity_fingerprint, $before, "$name: nothing changed");
    Test::More::diag($res->body) unless $ok;
    return $ok;
}

# ------------------------------------------------------------------------------ tickets

# Runs a browser flow of spa/e2e/ (node <script> <base-url> <artifacts-dir> @args) against this
# stack: each "ok - …" / "not ok - …" line it prints is a test, "#" lines are diagnostics; then
# at least $min_checks checks must have run and the script must exit 0. Screenshots go to a
# directory that is kept and printed.
sub browser_flows {
    my ($self, $script, $min_checks, @args) = @_;
    my $shots = tempdir('hd-spa-shots-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    my ($rc, $out) = run_capture_in("$REPO/spa", 300, 'node', $script, $self->url(''), $shots, @args);
    my $checks = 0;
    for my $line (split /\n/, $out) {
        if ($line =~ /^(not )?ok - (.*)$/) {
            $checks++;
            Test::More::ok(!$1, $2);
        } elsif ($line =~ /^#/) {
            Test::More::diag($line =~ s/^# ?//r);
        }
    }
    Test::More::cmp_ok($checks, '>=', $min_checks, "every browser check of $script ran")
        or Test::More::diag($out);
    Test::More::is($rc, 0, "$script exits 0");
}

# Creates a ticket as $c (an HD::Stack::Client) with the given fields (a title by default); dies
# unless the answer is 201. Returns the ticket as the API shows it.
sub create_ticket {
    my ($self, $c, %fields) = @_;
    $fields{title} //= 'Printer on fire';
    my $res = $c->ua->post($self->url('/api/tickets') => $c->h => json => \%fields)->res;
    die "HD::Stack: POST /api/tickets answered " . ($res->code // 'nothing') . ': ' . $res->body . "\n"
        unless ($res->code // 0) == 201;
    return $res->json;
}

# A digest of everything ticket writes touch (tickets, comments, status history, watchers, the
# workflow, the audit trail, the outbox): equal before and after a request that must change nothing.
sub tickets_fingerprint {
    my ($self) = @_;
    return $self->psql(q{select md5(concat_ws('#',
        (select string_agg(concat_ws(',', id, number, title, description, status, priority, urgency,
                           category, subcategory, assignee_id, team_id, requester_id, source,
                           custom_json::text, scheduled_at, version, updated_at), ';' order by id)
           from tickets),
        (select string_agg(concat_ws(',', id, body_md, is_internal), ';' order by id)
           from ticket_comments),
        (select string_agg(concat_ws(',', id, from_status, to_status, note), ';' order by id)
           from ticket_status_history),
        (select string_agg(concat_ws(',', ticket_id, user_id), ';' order by ticket_id, user_id)
           from ticket_watchers),
        (select string_agg(concat_ws(',', key, label, category, sort_order), ';' order by key)
           from ticket_statuses),
        (select string_agg(concat_ws(',', from_status, to_status), ';' order by 1)
           from ticket_transitions),
        (select concat_ws(',', count(*), max(id)) from audit_events),
        (select count(*) from jobs)))});
}

# ------------------------------------------------------------------------------ inbound email

# Wait (up to $timeout s, default 20) until at least $n inbound mails are finished; returns how
# many are.
sub wait_inbound {
    my ($self, $n, $timeout) = @_;
    my $done = 0;
    wait_for($timeout // 20, sub {
        $done = $self->psql("select count(*) from email_inbound where status <> 'received'");
        $done >= $n;
    }, 0.1);
    return $done;
}

# ------------------------------------------------------------------------------ saved replies

# Creates a saved reply as $c with the given fields (title, body_md, shared); dies unless the
# answer is 201. Returns the reply as the API shows it.
sub create_saved_reply {
    my ($self, $c, %fields) = @_;
    my $res = $c->ua->post($self->url('/api/saved-replies') => $c->h => json => \%fields)->res;
    die "HD::Stack: POST /api/saved-replies answered " . ($res->code // 'nothing') . ': ' . $res->body . "\n"
        unless ($res->code // 0) == 201;
    return $res->json;
}

# A digest of every saved reply and of the audit trail: equal before and after a request that
# must change nothing.
sub saved_replies_fingerprint {
    my ($self) = @_;
    return $self->psql(q{select md5(concat_ws('#',
        (select string_agg(concat_ws(',', id, owner_id, title, body_md, version, updated_at), ';'
                           order by id) from saved_replies),
        (select concat_ws(',', count(*), max(id)) from audit_events)))});
}

# ------------------------------------------------------------------------------ email

our $MAIL_FROM = 'helpdesk@helpdesk.test';

# The sink on a free port, storing messages in <var>/mail; the stack's worker sends there.
sub _smtp_setup {
    my ($self) = @_;
    ($self->{smtp_port}) = free_ports(1);
    $self->{extra_env}{HD_SMTP_URL}      //= "smtp://127.0.0.1:$self->{smtp_port}";
    $self->{extra_env}{HD_SMTP_STARTTLS} //= 'off';
    $self->{extra_env}{HD_MAIL_FROM}     //= $MAIL_FROM;
    $self->{extra_env}{HD_ORG_NAME}      //= 'Acme IT';
    $self->{extra_env}{HD_MAIL_RETRY}    //= 1;
    $self->smtp_start;
}

sub mail_dir { "$_[0]{var}/mail" }

# Start the sink (again, on the same port); returns once it accepts connections.
sub smtp_start {
    my ($self) = @_;
    return if $self->{smtp_pid};
    make_path($self->mail_dir);
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>>', "$self->{var}/smtp-sink.log" or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(127);
        exec '/usr/bin/python3', "$REPO/t/lib/smtp_sink.py", '--port', $self->{smtp_port},
            '--dir', $self->mail_dir or POSIX::_exit(127);
    }
    $self->{smtp_pid} = $pid;
    wait_for(10, sub {
        IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{smtp_port},
            Proto => 'tcp', Timeout => 1);
    }, 0.1) or die "HD::Stack: the SMTP sink did not start: " . slurp("$self->{var}/smtp-sink.log");
}

# Stop the sink: the SMTP server is then down (connections refused).
sub smtp_stop {
    my ($self) = @_;
    my $pid = delete $self->{smtp_pid} or return;
    kill 'TERM', $pid;
    my $until = time + 10;
    sleep 0.05 while !waitpid($pid, WNOHANG) && time < $until;
    if (alive($pid)) { kill 'KILL', $pid; waitpid($pid, 0) }
}

# From now on the sink answers RCPT TO:<$addr> with 550.
sub smtp_reject {
    my ($self, $addr) = @_;
    open my $fh, '>>', "$self->{var}/reject" or die "reject: $!";
    print $fh "$addr\n";
    close $fh;
}

# The messages the sink stored, oldest first: hashes with file, raw, from and to (the envelope),
# header (lower-case name => [values, unfolded and MIME-decoded]) and text and html (the decoded
# parts, or text for a single-part message).
sub mails {
    my ($self) = @_;
    opendir my $dh, $self->mail_dir or return ();
    return map { parse_mail(slurp($self->mail_dir . "/$_"), $_) } sort grep { /\.eml\z/ } readdir $dh;
}

# Waits up to $timeout seconds (default 15) until the sink holds at least $n messages.
sub wait_mails {
    my ($self, $n, $timeout) = @_;
    my @m;
    wait_for($timeout // 15, sub { @m = $self->mails; @m >= $n }, 0.1);
    return @m;
}

sub parse_mail {
    my ($raw, $file) = @_;
    require Encode;
    require MIME::QuotedPrint;
    my ($head, $body) = split /\r?\n\r?\n/, $raw, 2;
    my %m = (file => $file, raw => $raw, header => {}, raw_header => $head);
    $head =~ s/\r?\n([ \t])/$1/g;
    for my $line (split /\r?\n/, $head) {
        my ($name, $value) = $line =~ /^([^:\s]+):\s?(.*)\z/ or next;
        push @{ $m{header}{ lc $name } }, Encode::decode('MIME-Header', $value);
    }
    $m{from} = $m{header}{'x-sink-mail-from'}[0];
    $m{to}   = $m{header}{'x-sink-rcpt-to'}[0];
    my ($type) = @{ $m{header}{'content-type'} // [''] };
    my @parts;
    if ($type =~ /boundary="([^"]+)"/) {
        my $b = quotemeta $1;
        @parts = grep { /\S/ && !/^--\s*\z/ } split /\r?\n?--$b(?:--)?\r?\n?/, $body;
    } else {
        @parts = ("Content-Type: $type\r\n\r\n$body");
    }
    for my $p (@parts) {
        my ($ph, $pb) = split /\r?\n\r?\n/, $p, 2;
        next unless defined $pb;
        my $text = Encode::decode('UTF-8', MIME::QuotedPrint::decode_qp($pb));
        $m{text} = $text if $ph =~ m{text/plain};
        $m{html} = $text if $ph =~ m{text/html};
    }
    return \%m;
}

# `helpdesk-worker jobs run-once`; dies with its output unless it exits 0. Returns the output.
sub jobs_run_once {
    my ($self) = @_;
    my ($rc, $out) = $self->worker_cli('jobs', 'run-once');
    die "HD::Stack: helpdesk-worker jobs run-once failed ($rc):\n$out\n" if $rc;
    return $out;
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

sub spew {
    my ($path, $text) = @_;
    open my $fh, '>', "$path.tmp" or die "$path.tmp: $!";
    print $fh $text;
    close $fh or die "$path.tmp: $!";
    rename "$path.tmp", $path or die "rename $path: $!";
}

# Run a command, returning (exit code, combined output). Bounded by $timeout seconds (default 60).
sub run_capture { run_capture_opt({}, @_) }

# run_capture in directory $dir with a timeout of $timeout seconds.
sub run_capture_in {
    my ($dir, $timeout, @cmd) = @_;
    return run_capture_opt({ dir => $dir, timeout => $timeout }, @cmd);
}

# run_capture with options: dir (working directory), timeout (60 s), stdin (text; else /dev/null).
sub run_capture_opt {
    my ($opt, @cmd) = @_;
    my $timeout = $opt->{timeout} // 60;
    my $in;
    if (defined $opt->{stdin}) {
        $in = File::Temp->new;
        print $in $opt->{stdin};
        close $in;
    }
    pipe my $r, my $w or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $r;
        open STDOUT, '>&', $w or POSIX::_exit(127);
        open STDERR, '>&', $w or POSIX::_exit(127);
        open STDIN, '<', defined $in ? $in->filename : '/dev/null' or POSIX::_exit(127);
        chdir $opt->{dir} or POSIX::_exit(127) if defined $opt->{dir};
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


# A signed-in browser: the user agent holds the session cookie; unsafe requests send the CSRF
# header unless told not to (csrf => 0).
package HD::Stack::Client;

sub new { my ($class, %a) = @_; bless {%a}, $class }
sub ua     { $_[0]{ua} }
sub csrf   { $_[0]{csrf} }
sub user   { $_[0]{user} }
sub cookie { $_[0]{cookie} }
sub tx     { $_[0]{tx} }

sub t {
    my ($self) = @_;
    $self->{t} //= do { my $t = Test::Mojo->new; $t->ua($self->{ua}); $t };
}

# Headers for an unsafe request: the CSRF token, plus any given.
sub h { my ($self, %more) = @_; return { 'X-CSRF-Token' => $self->{csrf}, %more } }

1;
