# `helpdesk-worker oidc-refresh` discovers the issuer and replaces the JWKS file; until it runs, a
# token signed by a freshly rotated key is an unknown kid (401, nothing changed); after it, the
# same token works without touching nginx. When the issuer is unreachable the command fails and
# the keys already in the file stay in use.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { alice => {}, bob => { roles => ['manager'] } } });
my $idp = $s->idp;
$s->oidc_refresh;
my @kids = $s->jwks_kids;
is_deeply [ sort @kids ], [ sort map { $_->{kid} } @{ $idp->keyset->{keys} } ], 'the file holds the issuer\'s keys';
my $set = Mojo::JSON::decode_json(HD::Stack::slurp($s->jwks_file));
ok !grep({ exists $_->{d} } @{ $set->{keys} }), 'public keys only';
my $old = $idp->login('alice')->{access_token};
is $s->me_with_bearer($old)->res->code, 200, 'a token works';
my $master = $s->nginx_master_pid;
my @workers = $s->nginx_worker_pids;

my $kid = $idp->rotate;
my $new = $idp->login('bob')->{access_token};
$s->bearer_is_rejected($new, 'a token signed by the rotated key before the refresh (unknown kid)');

my $out = $s->oidc_refresh;
ok scalar(grep { $_ eq $kid } $s->jwks_kids), 'after oidc-refresh the file holds the new key';
my $tx = $s->me_with_bearer($new, 10);
is $tx->res->code, 200, 'and the same token is accepted' or diag $tx->res->body;
is $tx->res->json->{roles}[0], 'manager', 'as bob';
is $s->nginx_master_pid, $master, 'same nginx master';
is_deeply [ $s->nginx_worker_pids ], \@workers, 'same workers';

my $before = HD::Stack::slurp($s->jwks_file);
$idp->stop;
my ($rc, $fail) = $s->worker_cli('oidc-refresh');
isnt $rc, 0, 'with the issuer down, oidc-refresh fails';
like $fail, qr/\S/, 'saying why';
is HD::Stack::slurp($s->jwks_file), $before, 'and leaves the file as it was';
is $s->new_ua->get($s->url('/api/me') => $s->bearer($new))->res->code, 200, 'tokens keep working';
$idp->start;

done_testing;
