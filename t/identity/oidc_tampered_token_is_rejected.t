# Changing anything a real token's signature covers (roles, subject, email, audience, expiry, the
# header) invalidates it.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::OIDC;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => { ok => {}, vic => { roles => ['requester'] } } });
$s->oidc_refresh;
is $s->me_with_bearer($s->idp->login('ok')->{access_token})->res->code, 200, 'control: an untouched token works';

my $real = $s->idp->login('vic')->{access_token};
my ($h, $p, $sig) = HD::OIDC::jwt_decode($real);
my %changes = (
    'roles raised to admin'   => { roles => ['admin'] },
    'another subject'         => { sub => 'ok' },
    'a verified admin email'  => { email => 'admin@example.com', email_verified => \1 },
    'a later expiry'          => { exp => $p->{exp} + 86400 },
);
for my $name (sort keys %changes) {
    $s->bearer_is_rejected(HD::OIDC::jwt_encode($h, { %$p, %{ $changes{$name} } }, $sig), "payload: $name");
}
my ($hs, $ps, $ss) = split /\./, $real;
$s->bearer_is_rejected("$hs.$ps." . ($ss =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/er), 'one signature character changed');
$s->bearer_is_rejected("$hs.${ps}A.$ss", 'a byte appended to the payload');
$s->bearer_is_rejected(HD::OIDC::jwt_encode({ %$h, typ => 'JWT' }, $p, $sig), 'header changed (typ)');
$s->bearer_is_rejected("$hs.$ps", 'the signature dropped');
$s->bearer_is_rejected("$hs.$ps.$ss.$ss", 'four segments');
is $s->psql("select count(*) from users where external_id in ('vic', 'ok') and email = 'admin\@example.com'"), 0,
    'no account was taken over';
is $s->psql("select count(*) from users where external_id = 'vic'"), 0, 'no user provisioned';

done_testing;
