# A token naming a key the helpdesk does not hold (or no key at all) is rejected; asking for an
# unknown kid does not make nginx fetch anything (the JWKS file is the only source).
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, vic => { roles => ['admin'] } } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: a known kid works';

my ($h, $p, $sig) = HD::OIDC::jwt_decode($s->idp->login('vic')->{access_token});
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ %$h, kid => 'no-such-kid' }, $p, $sig), 'unknown kid');
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ %$h, kid => '' }, $p, $sig), 'empty kid');
my %nokid = %$h;
delete $nokid{kid};
$s->bearer_is_rejected(HD::OIDC::jwt_encode(\%nokid, $p, $sig), 'no kid');
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ %$h, kid => "$h->{kid}\x00" }, $p, $sig), 'kid with a NUL');
my ($ec) = grep { $_->{kty} eq 'EC' } @{ $s->idp->jwks->{keys} };
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ %$h, kid => $ec->{kid} }, $p, $sig),
    'the RS256 signature presented under the EC key\'s kid');

# a genuinely new key: a token from a provider whose key the helpdesk has never fetched
my $stranger = HD::OIDC->new(accounts => { vic => {} }, issuer => $s->idp->issuer);
$s->bearer_is_rejected($stranger->login('vic')->{access_token}, 'a real token signed by an unknown key');
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
