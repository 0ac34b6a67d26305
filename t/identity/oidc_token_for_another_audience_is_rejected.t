# A token the same provider issued for another API (aud "other-api"), correctly signed, must not
# open the helpdesk.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, vic => { roles => ['admin'] } } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: a helpdesk token works';

my $other = $s->idp->login('vic', resource => 'urn:other')->{access_token};
my (undef, $p) = HD::OIDC::jwt_decode($other);
is $p->{aud}, 'other-api', 'the provider issued it for the other API';
$s->bearer_is_rejected($other, 'token for another audience');
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
