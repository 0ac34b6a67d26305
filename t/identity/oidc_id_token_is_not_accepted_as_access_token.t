# The ID token the same sign-in produced (same issuer, same key, aud = the client "helpdesk",
# carrying nonce and at_hash) is for the SPA, not a credential for the API.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { vic => { roles => ['agent'] } } });
$s->oidc_refresh;
my $tokens = $s->idp->login('vic');
my (undef, $idp) = HD::OIDC::jwt_decode($tokens->{id_token});
is $idp->{aud}, 'helpdesk', 'the ID token is for audience helpdesk too';
is $idp->{iss}, $s->idp->issuer, 'from the configured issuer';
ok $idp->{nonce} && $idp->{at_hash}, 'it carries nonce and at_hash';

$s->bearer_is_rejected($tokens->{id_token}, 'ID token as a bearer token');
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';
is $s->me_with_bearer($tokens->{access_token})->res->code, 200, 'the access token of the same sign-in works';

done_testing;
