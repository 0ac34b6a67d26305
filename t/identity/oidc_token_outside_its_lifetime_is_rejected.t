# exp and iat are checked with 60 seconds of skew: an expired access token, and one issued in the
# future, both from the real provider, are 401 problem+json and change nothing; a token a few
# seconds past exp is still within the skew.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, late => {}, early => {}, edge => {} } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: a fresh token works';

# the provider's access tokens live 600 s; shifting its clock issues them in the past or future
my $expired = $s->idp->login('late', clock => -7200)->{access_token};
my (undef, $p) = HD::OIDC::jwt_decode($expired);
ok $p->{exp} < time - 3600, 'the provider issued a token that expired an hour ago';
$s->bearer_is_rejected($expired, 'expired token');

my $future = $s->idp->login('early', clock => 300)->{access_token};
$s->bearer_is_rejected($future, 'token issued 5 minutes from now (beyond the 60 s skew)');

my $past_skew = $s->idp->login('late', clock => -(600 + 120))->{access_token};
$s->bearer_is_rejected($past_skew, 'token expired 2 minutes ago (beyond the 60 s skew)');

my $in_skew = $s->idp->login('edge', clock => -(600 + 15))->{access_token};
is $s->me_with_bearer($in_skew)->res->code, 200, 'token expired 15 s ago: within the skew, accepted';

is $s->psql("select count(*) from users where external_id in ('late', 'early')"), 0, 'no user provisioned';

done_testing;
