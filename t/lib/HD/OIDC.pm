package HD::OIDC;

# A real OpenID Connect provider for the tests: t/oidc/provider.mjs (npm `oidc-provider`) on a
# free loopback port, with its own key set and accounts, and a user agent that signs in through
# the provider's pages (Authorization Code + PKCE) to get real tokens.
#
#   my $idp = HD::OIDC->new(accounts => { alice => { email => ..., roles => ['agent'] } });
#   my $s   = HD::Stack->new(seed => 1, env => { HD_OIDC_ISSUER => $idp->issuer });
#   my $tok = $idp->login('alice');          # { access_token, id_token, ... }
#   $idp->rotate;                            # new signing key, same issuer
#
# HD::Stack->new(oidc => {...}) does the first two lines for you ($s->idp).  The provider is
# stopped at exit (also after die or a signal); its log stays beside the stack's when a test fails.

use strict;
use warnings;

use Cwd qw(abs_path);
use Digest::SHA qw(sha256);
use Fcntl qw(:flock);
use File::Basename qw(dirname);
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64url decode_base64url);
use Mojo::DOM;
use Mojo::JSON qw(decode_json encode_json);
use Mojo::URL;
use Mojo::UserAgent;
use POSIX qw(WNOHANG);
use Test2::API qw(test2_add_callback_exit);
use Time::HiRes qw(sleep time);

use HD::Stack ();

our $REPO = abs_path(dirname(__FILE__) . '/../../..');
our $DIR  = "$REPO/t/oidc";
our $NODE = $ENV{HD_NODE} // 'node';
our $CLIENT_ID    = 'helpdesk';
our $REDIRECT_URI = 'http://127.0.0.1/cb';

my %LIVE;    # refaddr => provider still running
my @ALL;

# Options: accounts ({sub => {password?, email, email_verified (default true), name, roles}}),
# keys (a private JWK set; default: one fresh RSA key and one EC P-256 key), port (default: free),
# issuer (default http://127.0.0.1:<port>; another value makes tokens carry that issuer).
sub new {
    my ($class, %opt) = @_;
    install();
    my $self = bless { owner => $$, dir => tempdir('hd-oidc-XXXXXX', TMPDIR => 1, CLEANUP => 0) },
        $class;
    push @ALL, $self;
    $self->{port}   = $opt{port} // (HD::Stack::free_ports(1))[0];
    $self->{issuer} = $opt{issuer} // "http://127.0.0.1:$self->{port}";
    $self->{accounts} = {};
    $self->add_account($_ => $opt{accounts}{$_}) for sort keys %{ $opt{accounts} // {} };
    $self->write_keys($opt{keys} // merge_keysets(keygen('rsa'), keygen('ec')));
    $self->start;
    return $self;
}

sub issuer { $_[0]{issuer} }
sub port   { $_[0]{port} }
sub dir    { $_[0]{dir} }
sub url    { my ($self, $path) = @_; "http://127.0.0.1:$self->{port}" . ($path // '/') }
sub keys_file { "$_[0]{dir}/keys.json" }
sub log_file  { "$_[0]{dir}/provider.log" }

# The private key set the provider signs with now.
sub keyset { decode_json(HD::Stack::slurp($_[0]->keys_file)) }

# Installs t/oidc/node_modules from package-lock.json when missing or stale (npm ci), once per
# machine at a time.
sub install {
    my $stamp = "$DIR/node_modules/.package-lock.json";
    return if -e $stamp && -M $stamp <= -M "$DIR/package-lock.json";
    open my $lock, '>', "$DIR/.install.lock" or die "HD::OIDC: $DIR/.install.lock: $!";
    flock $lock, LOCK_EX or die "flock: $!";
    return if -e $stamp && -M $stamp <= -M "$DIR/package-lock.json";
    my ($rc, $out) = HD::Stack::run_capture_in($DIR, 300, 'npm', 'ci', '--no-audit', '--no-fund',
        '--loglevel=error');
    die "HD::OIDC: npm ci in $DIR failed ($rc):\n$out\n" if $rc;
}

# A fresh private JWK set with one key: 'rsa' (RS256) or 'ec' (P-256, ES256).
sub keygen {
    my ($type, $kid) = @_;
    my ($rc, $out) = HD::Stack::run_capture_in($DIR, 60, $NODE, 'provider.mjs', 'keygen',
        $type // 'rsa', $kid // ());
    die "HD::OIDC: keygen failed ($rc): $out\n" if $rc;
    return decode_json($out =~ /(\{.*\})/s ? $1 : $out);
}

sub merge_keysets { return { keys => [ map { @{ $_->{keys} } } @_ ] } }

# The public half of a private JWK set, as a JWKS endpoint would publish it.
sub public_keyset {
    my ($set) = @_;
    my %private = map { $_ => 1 } qw(d p q dp dq qi);
    return { keys => [ map { my $k = $_; +{ map { $_ => $k->{$_} } grep { !$private{$_} } keys %$k } }
            @{ $set->{keys} } ] };
}

# The PEM encodings of a public JWK (SPKI, and PKCS#1 for RSA), as an attacker would derive them
# from the published JWKS.
sub public_pems {
    my ($jwk) = @_;
    my ($rc, $out) = HD::Stack::run_capture_in($DIR, 60, $NODE, 'provider.mjs', 'pem', encode_json($jwk));
    die "HD::OIDC: pem failed ($rc): $out\n" if $rc;
    return $out =~ /(-----BEGIN [A-Z ]+-----\n.*?-----END [A-Z ]+-----\n)/gs;
}

sub write_keys {
    my ($self, $set) = @_;
    HD::Stack::spew($self->keys_file, encode_json($set));
}

# Adds or replaces an account; the provider re-reads the file on every sign-in.
sub add_account {
    my ($self, $sub, $a) = @_;
    $self->{accounts}{$sub} = {
        password       => $a->{password} // "pw-$sub",
        email          => $a->{email} // "$sub\@idp.example.com",
        email_verified => exists $a->{email_verified} ? $a->{email_verified} : \1,
        name           => $a->{name} // ucfirst $sub,
        ($a->{roles} ? (roles => $a->{roles}) : ()),
    };
    for my $v (values %{ $self->{accounts} }) {
        next if ref $v->{email_verified};
        $v->{email_verified} = $v->{email_verified} ? \1 : \0;
    }
    HD::Stack::spew("$self->{dir}/accounts.json", encode_json($self->{accounts}));
}

# ------------------------------------------------------------------------------ the process

sub start {
    my ($self) = @_;
    my @cmd = ($NODE, "$DIR/provider.mjs", 'serve', '--port', $self->{port}, '--keys',
        $self->keys_file, '--accounts', "$self->{dir}/accounts.json", '--issuer', $self->{issuer});
    open my $log, '>>', $self->log_file or die "HD::OIDC: log: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>&', $log;
        open STDERR, '>&', $log;
        exec @cmd or POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    $LIVE{"$self"} = $self;
    my $ready = HD::Stack::wait_for(20, sub {
        die "HD::OIDC: provider exited at start:\n" . HD::Stack::slurp($self->log_file)
            if waitpid($pid, WNOHANG) == $pid;
        HD::Stack::slurp($self->log_file) =~ /^ready \Q$self->{issuer}\E$/m
            && $self->ua->get($self->url('/.well-known/openid-configuration'))->res->code;
    }, 0.05);
    die "HD::OIDC: provider did not answer in 20 s:\n" . HD::Stack::slurp($self->log_file)
        unless $ready;
    return 1;
}

sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;
    delete $LIVE{"$self"};
    kill 'TERM', $pid;
    my $gone = HD::Stack::wait_for(10, sub { waitpid($pid, WNOHANG) == $pid }, 0.02);
    unless ($gone) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }
    # the log's "ready" line belongs to the process just stopped
    rename $self->log_file, $self->log_file . ".$pid";
}

# Restart with a new key set (default: a fresh RSA key first, then the old keys, so the provider
# signs with the new key and still publishes the old ones, as a real rotation does).  Returns the
# new signing key's kid.
sub rotate {
    my ($self, $set) = @_;
    $set //= merge_keysets(keygen('rsa'), $self->keyset);
    $self->stop;
    $self->write_keys($set);
    $self->start;
    return $set->{keys}[0]{kid};
}

# Shift the provider's clock by $seconds (0 to reset): tokens minted meanwhile are issued then.
sub clock {
    my ($self, $seconds) = @_;
    my $res = $self->ua->post($self->url("/_test/clock?offset=$seconds"))->res;
    die "HD::OIDC: clock: " . $res->code unless ($res->code // 0) == 200;
}

# The JWKS the provider publishes.
sub jwks { decode_json($_[0]->ua->get($_[0]->url('/jwks'))->res->body) }

test2_add_callback_exit(sub {
    my ($ctx, $real, $new) = @_;
    for my $self (values %LIVE) {
        $self->stop if $self->{owner} == $$;
    }
    for my $self (@ALL) {
        next unless $self->{owner} == $$ && $self->{dir};
        if ($ctx->hub->is_passing && !$$new && !$real && !$ENV{HD_KEEP}) {
            remove_tree($self->{dir});
        } else {
            print STDERR "# HD::OIDC: provider files kept in $self->{dir}\n";
        }
        delete $self->{dir};
    }
});

# ------------------------------------------------------------------------------ signing in

sub ua {
    my ($self) = @_;
    $self->{ua} //= Mojo::UserAgent->new(connect_timeout => 5, inactivity_timeout => 20,
        request_timeout => 20, max_redirects => 0);
}

# Signs $sub in through the provider's pages as a browser and the SPA would (Authorization Code
# with PKCE S256 and a nonce), and redeems the code.  Returns the token response
# ({access_token, id_token, expires_in, ...}).  Options: resource ('urn:helpdesk'), password,
# clock (seconds: the provider's clock is shifted by this while it issues the tokens, so that
# e.g. -7200 gives tokens issued two hours ago).
sub login {
    my ($self, $sub, %opt) = @_;
    my $resource = $opt{resource} // 'urn:helpdesk';
    my $password = $opt{password} // $self->{accounts}{$sub}{password} // '';
    my $ua = Mojo::UserAgent->new(connect_timeout => 5, inactivity_timeout => 20,
        request_timeout => 20, max_redirects => 0);

    # Mojo's jar drops cookies whose path is not above the request's (a rule of its own, not
    # RFC 6265's): the provider sets its interaction cookies from /auth for /interaction/<uid>.
    $ua->on(start => sub {
        my ($ua, $tx) = @_;
        $tx->on(finish => sub {
            my ($tx) = @_;
            my $host = $tx->req->url->to_abs->host;
            $ua->cookie_jar->add(map { $_->domain($host)->host_only(1) } @{ $tx->res->cookies });
        });
    });

    my $verifier = encode_base64url(join '', map { chr int rand 256 } 1 .. 32);
    my $state    = encode_base64url(join '', map { chr int rand 256 } 1 .. 16);
    my $nonce    = encode_base64url(join '', map { chr int rand 256 } 1 .. 16);
    my $auth = Mojo::URL->new($self->url('/auth'))->query(
        client_id             => $CLIENT_ID,
        response_type         => 'code',
        redirect_uri          => $REDIRECT_URI,
        scope                 => 'openid email profile api',
        resource              => $resource,
        code_challenge        => encode_base64url(sha256($verifier)),
        code_challenge_method => 'S256',
        state                 => $state,
        nonce                 => $nonce,
    );

    my $tx = $ua->get($auth);
    my $code;
    for my $step (1 .. 12) {
        my $res = $tx->res;
        my $status = $res->code // 0;
        if ($status >= 300 && $status < 400) {
            my $to = Mojo::URL->new($res->headers->location)->to_abs($tx->req->url);
            if ($to->to_string =~ /^\Q$REDIRECT_URI\E\b/) {
                die "HD::OIDC: sign-in refused: " . $to->query->to_string . "\n"
                    if $to->query->param('error');
                die "HD::OIDC: state mismatch\n" unless ($to->query->param('state') // '') eq $state;
                $code = $to->query->param('code');
                last;
            }
            $tx = $ua->get($to);
            next;
        }
        die "HD::OIDC: unexpected $status from " . $tx->req->url . ":\n" . $res->body . "\n"
            unless $status == 200;
        my $form = Mojo::DOM->new($res->body)->at('form')
            or die "HD::OIDC: no form at " . $tx->req->url . "\n";
        my $action = Mojo::URL->new($form->attr('action'))->to_abs($tx->req->url);
        my %fields = $form->at('input[name=login]')
            ? (login => $sub, password => $password) : ();
        $tx = $ua->post($action => form => \%fields);
    }
    die "HD::OIDC: no authorization code after 12 steps\n" unless $code;

    $self->clock($opt{clock}) if $opt{clock};
    my $res = $ua->post($self->url('/token') => form => {
        grant_type    => 'authorization_code',
        code          => $code,
        redirect_uri  => $REDIRECT_URI,
        client_id     => $CLIENT_ID,
        code_verifier => $verifier,
        resource      => $resource,
    })->res;
    $self->clock(0) if $opt{clock};
    die "HD::OIDC: token endpoint answered " . ($res->code // 'nothing') . ": " . $res->body . "\n"
        unless ($res->code // 0) == 200;
    my $tokens = decode_json($res->body);
    $tokens->{nonce} = $nonce;
    return $tokens;
}

# ------------------------------------------------------------------------------ JWT pieces

# (header, payload, signature bytes) of a compact JWT, decoded.
sub jwt_decode {
    my ($jwt) = @_;
    my ($h, $p, $s) = split /\./, $jwt, -1;
    return (decode_json(decode_base64url($h)), decode_json(decode_base64url($p)),
        decode_base64url($s // ''));
}

# A compact JWT from header and payload (hashes or raw JSON text) and signature bytes.
sub jwt_encode {
    my ($header, $payload, $sig) = @_;
    return join '.', map { encode_base64url(ref $_ ? encode_json($_) : $_) } $header, $payload,
        $sig // '';
}

1;
