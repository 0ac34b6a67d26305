# The provider rotates its signing key during the run. The worker's run loop (refreshing every
# second here, HD_OIDC_REFRESH=1) rewrites the JWKS file and nginx picks it up on its own: a
# token signed by the new key is accepted with the same nginx master and workers, tokens signed by
# a key still published keep working, and once a key is retired its tokens stop working.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, env => { HD_OIDC_REFRESH => 1 },
    oidc => { accounts => { alice => { roles => ['agent'] }, bob => {}, carl => {} } });
my $idp = $s->idp;
my ($first) = map { $_->{kid} } grep { $_->{kty} eq 'RSA' } @{ $idp->keyset->{keys} };

ok HD::Stack::wait_for(15, sub { grep { $_ eq $first } $s->jwks_kids }),
    'the running worker fetched the issuer\'s keys on its own';
my $old = $idp->login('alice')->{access_token};
is $s->me_with_bearer($old)->res->code, 200, 'a token signed by the first key works';

my $master = $s->nginx_master_pid;
my @workers = $s->nginx_worker_pids;

my $second = $idp->rotate;    # new key first (signs), old key still published
isnt $second, $first, 'the provider now signs with a new key';
my $new = $idp->login('bob')->{access_token};
is((HD::OIDC::jwt_decode($new))[0]{kid}, $second, 'the new token names the new key');
ok HD::Stack::wait_for(15, sub { grep { $_ eq $second } $s->jwks_kids }), 'the worker wrote the new key to the file';
my $tx = $s->me_with_bearer($new, 15);
is $tx->res->code, 200, 'a token signed by the new key is accepted' or diag $tx->res->body;
is $s->me_with_bearer($old)->res->code, 200, 'the old key is still published: its token still works';

is $s->nginx_master_pid, $master, 'the nginx master is the same process';
is_deeply [ $s->nginx_worker_pids ], \@workers, 'so are its workers: no restart, no reload';

# retire every old key
my $third_set = HD::OIDC::keygen('rsa');
my $third = $idp->rotate($third_set);
ok HD::Stack::wait_for(15, sub { my @k = $s->jwks_kids; @k == 1 && $k[0] eq $third }),
    'the file now holds only the newest key';
my $newest = $idp->login('carl')->{access_token};
is $s->me_with_bearer($newest, 15)->res->code, 200, 'its tokens are accepted';
ok HD::Stack::wait_for(15, sub {
    ($s->new_ua->get($s->url('/api/me') => $s->bearer($old))->res->code // 0) == 401 }),
    'a token signed by a retired key is refused';
$s->bearer_is_rejected($new, 'token of the retired second key');
is $s->nginx_master_pid, $master, 'still the same nginx';

done_testing;
