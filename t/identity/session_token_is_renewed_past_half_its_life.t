# The session cookie holds a short-lived token that is re-issued while in use: once it has passed
# half its life, the next authenticated answer carries a fresh one; a young token is left alone,
# an expired or forged one is refused. (Tokens are minted here with the instance's own key, as
# the module mints them, so the test need not wait 7.5 minutes.)
use strict;
use warnings;
use Test::More;
use HD::Stack;
use MIME::Base64 qw(decode_base64url);

my $s = HD::Stack->new(seed => 1);
my $c = $s->login('lead@example.com');
my ($sid, $uid) = split /\|/, decode_base64url((split /\./, $c->cookie)[1]);
like $sid, qr/^[0-9a-f-]{36}$/, 'the token names the session';
is $uid, $s->user_id('lead@example.com'), 'and the user';

sub me_with {
    my ($token) = @_;
    return $s->new_ua->get($s->url('/api/me') => { Cookie => "hd_session=$token" })->res;
}

my $now = time;
my $young = me_with($s->mint_session_token($sid, $uid, $now - 10, $now + 890));
is $young->code, 200, 'a young token works';
is $young->headers->set_cookie, undef, 'and is not re-issued';

my $old = me_with($s->mint_session_token($sid, $uid, $now - 600, $now + 300));
is $old->code, 200, 'a token past half its life works';
my $set = $old->headers->set_cookie // '';
like $set, qr/^hd_session=v1\./, 'and the answer re-issues it';
like $set, qr/HttpOnly/i, 'HttpOnly';
like $set, qr/SameSite=Lax/i, 'SameSite=Lax';
my ($fresh) = $set =~ /^hd_session=([^;]+)/;
my (undef, undef, $iat, $exp) = split /\|/, decode_base64url((split /\./, $fresh // '')[1] // '');
ok $iat && $iat >= $now - 5, 'the new token is issued now';
ok $exp && $exp - $iat >= 600, 'for a whole new lifetime';
is me_with($fresh)->code, 200, 'and works';

my $expired = me_with($s->mint_session_token($sid, $uid, $now - 1000, $now - 100));
is $expired->code, 401, 'an expired token: 401';

my $forged = $s->mint_session_token($sid, $uid, $now, $now + 900);
$forged =~ s/.$/$& eq 'A' ? 'B' : 'A'/e;
is me_with($forged)->code, 401, 'a token with a wrong MAC: 401';

my $other_uid = $s->user_id('admin@example.com');
my $swapped = $s->mint_session_token($sid, $other_uid, $now, $now + 900);
is me_with($swapped)->code, 401, "this session's id with another user's id (validly signed): 401";

done_testing;
