# A token whose email matches an existing account links to it only when the provider vouches for
# the email (email_verified true). With email_verified false (or absent) the answer is 409, the
# account is not linked, no user is made, and the account's owner is unaffected.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, oidc => { accounts => {
    mallory  => { email => 'admin@example.com', email_verified => 0, roles => ['admin'] },
    mallory2 => { email => 'Agent@Example.com', email_verified => 0 },
    rita     => { email => 'requester2@example.com', email_verified => 1 },
    rival    => { email => 'requester2@example.com', email_verified => 1 },
} });
$s->oidc_refresh;
my $before = $s->identity_fingerprint;

for my $sub (qw(mallory mallory2)) {
    my $tx = $s->me_with_bearer($s->idp->login($sub)->{access_token});
    is $tx->res->code, 409, "$sub (email_verified false) claiming an existing email: 409"
        or diag $tx->res->body;
    like $tx->res->headers->content_type // '', qr{application/problem\+json}, 'as problem+json';
}
is $s->identity_fingerprint, $before, 'nothing changed: no link, no user, no audit event';
is $s->psql("select count(*) from users where external_id is not null"), 0, 'no account is linked';
is $s->login_tx('admin@example.com', 'demo-password')->res->code, 200, 'the admin still signs in';

my $tx = $s->me_with_bearer($s->idp->login('rita')->{access_token});
is $tx->res->code, 200, 'email_verified true: the existing account is used';
is $tx->res->json->{email}, 'requester2@example.com', 'the existing one';
is_deeply $tx->res->json->{roles}, ['requester'], 'with its own roles';
is $s->psql("select external_id from users where email = 'requester2\@example.com'"), 'rita', 'linked to the subject';
is $s->audit_count('user.linked'), 1, 'the link is audited';

my $rival = $s->me_with_bearer($s->idp->login('rival')->{access_token});
is $rival->res->code, 409, 'another subject with the same verified email cannot take the linked account over';
is $s->psql("select external_id from users where email = 'requester2\@example.com'"), 'rita', 'still linked to the first';

done_testing;
