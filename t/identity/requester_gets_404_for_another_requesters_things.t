# A requester must not learn that another person's things exist: asking for another requester's
# token or account gets 404, never 403, and changes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');

$r1->t->post_ok($s->url('/api/me/tokens') => $r1->h => json => { name => 'mine' })->status_is(201);
my $tok = $r1->t->tx->res->json;
my $r1_id = $r1->user->{id};
my $before = $s->identity_fingerprint;

$r2->t->delete_ok($s->url("/api/me/tokens/$tok->{id}") => $r2->h)
    ->status_is(404, "DELETE another requester's token: 404")
    ->header_like('Content-Type', qr{application/problem\+json});
my $unknown = $r2->t->tx->res->json;
$r2->t->delete_ok($s->url('/api/me/tokens/00000000-0000-0000-0000-000000000000') => $r2->h)->status_is(404);
is_deeply { %{ $r2->t->tx->res->json }, instance => undef, request_id => undef },
    { %$unknown, instance => undef, request_id => undef },
    'the same answer as for a token that does not exist';

$r2->t->get_ok($s->url('/api/me/tokens'))->status_is(200)->json_is('/items', [], "r2 lists none of r1's tokens");

$r2->t->patch_ok($s->url("/api/users/$r1_id") => $r2->h => json => { display_name => 'Renamed' })
    ->status_is(404, "PATCH another requester's account: 404, not 403");
$r2->t->patch_ok($s->url("/api/users/$r1_id") => $r2->h => json => { active => \0 })
    ->status_is(404, "deactivating another requester: 404, not 403");
$r2->t->patch_ok($s->url("/api/users/$r1_id") => $r2->h => json => { roles => ['requester'] })
    ->status_is(404, "setting another requester's roles: 404, not 403");

is $s->identity_fingerprint, $before, 'nothing changed';
$s->t->get_ok($s->url('/api/me') => $s->bearer($tok->{token}))->status_is(200, "r1's token still works");

done_testing;
