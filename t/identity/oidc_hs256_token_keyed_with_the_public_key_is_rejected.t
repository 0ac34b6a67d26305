# The classic key-confusion forgery: HS256 with the provider's RSA *public* key (every encoding an
# attacker could derive from the published JWKS) as the HMAC secret, naming the RSA key's kid.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;
use Digest::SHA qw(hmac_sha256 hmac_sha384 hmac_sha512);
use MIME::Base64 qw(decode_base64url);
use Mojo::JSON qw(encode_json);

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, vic => { roles => ['admin'] } } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: an RS256 token works';

my ($h, $p) = HD::OIDC::jwt_decode($s->idp->login('vic')->{access_token});
my ($jwk) = grep { $_->{kid} eq $h->{kid} } @{ $s->idp->jwks->{keys} };
is $jwk->{kty}, 'RSA', 'the published key the token names is RSA';
my ($spki, $pkcs1) = HD::OIDC::public_pems($jwk);
like $spki, qr/BEGIN PUBLIC KEY/, 'its SPKI PEM';
like $pkcs1, qr/BEGIN RSA PUBLIC KEY/, 'its PKCS#1 PEM';
(my $spki_bare = $spki) =~ s/\n\z//;

my %secrets = (
    'SPKI PEM' => $spki, 'SPKI PEM without final newline' => $spki_bare, 'PKCS#1 PEM' => $pkcs1,
    'modulus bytes' => decode_base64url($jwk->{n}), 'JWK JSON' => encode_json($jwk),
);
for my $name (sort keys %secrets) {
    for my $alg ([HS256 => \&hmac_sha256], [HS384 => \&hmac_sha384], [HS512 => \&hmac_sha512]) {
        my $hdr = { %$h, alg => $alg->[0] };
        my $signing = HD::OIDC::jwt_encode($hdr, $p) =~ s/\.$//r;
        my $forged = "$signing." . MIME::Base64::encode_base64url($alg->[1]->($signing, $secrets{$name}));
        $s->bearer_is_rejected($forged, "$alg->[0] keyed with the $name");
    }
}
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
