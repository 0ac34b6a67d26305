# An unsigned token (alg "none", any spelling) built from a real access token is rejected.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, vic => { roles => ['admin'] } } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: a signed token works';

my $real = $s->idp->login('vic')->{access_token};
my ($h, $p, $sig) = HD::OIDC::jwt_decode($real);
for my $alg (qw(none None NONE nOnE)) {
    my $hdr = { %$h, alg => $alg };
    $s->bearer_is_rejected(HD::OIDC::jwt_encode($hdr, $p, ''), "alg $alg, empty signature");
    $s->bearer_is_rejected(HD::OIDC::jwt_encode($hdr, $p, $sig), "alg $alg, original signature");
}
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ alg => 'none' }, $p, '') , 'alg none without kid');
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ alg => 'none' }, $p, '') =~ s/\.$//r, 'two segments only');
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
