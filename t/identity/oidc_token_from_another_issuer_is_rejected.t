# A token signed with a key the helpdesk trusts but issued by another issuer (a second provider
# instance sharing the key set, as a multi-tenant IdP might) is rejected: iss is checked.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {} } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: the configured issuer works';

my $rogue = HD::OIDC->new(keys => $s->idp->keyset, accounts => { vic => { roles => ['admin'] } });
my $tok = $rogue->login('vic')->{access_token};
my ($h, $p) = HD::OIDC::jwt_decode($tok);
isnt $p->{iss}, $s->idp->issuer, "issued by $p->{iss}";
ok scalar(grep { $_ eq $h->{kid} } $s->jwks_kids), 'signed with a key in the helpdesk JWKS file';
$s->bearer_is_rejected($tok, 'token from another issuer');

my $slash = HD::OIDC->new(keys => $s->idp->keyset, accounts => { vic => {} }, issuer => $s->idp->issuer . '/');
$s->bearer_is_rejected($slash->login('vic')->{access_token}, 'issuer differing by a trailing slash');
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
