# A well-formed X-Request-Id from the client is echoed (header and problem body); a malformed one is
# replaced by a generated id; without one, each request gets its own.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;
my $id_re = qr/^[A-Za-z0-9._:-]{8,128}$/;

for my $good ('req-12345678', 'a.b:c_d-e', 'X' x 128) {
    $t->get_ok($s->url('/api/healthz') => {'X-Request-Id' => $good})->status_is(200)
      ->header_is('X-Request-Id' => $good, "echoed: " . substr($good, 0, 20));
    $t->get_ok($s->url('/api/nope') => {'X-Request-Id' => $good})->status_is(404)
      ->header_is('X-Request-Id' => $good)->json_is('/request_id' => $good);
}

for my $bad ('has spaces in it', 'a' x 300, 'short', 'id;drop<script>', 'a' x 129) {
    $t->get_ok($s->url('/api/nope') => {'X-Request-Id' => $bad})->status_is(404);
    my $got = $t->tx->res->headers->header('X-Request-Id') // '';
    isnt($got, $bad, 'malformed id replaced: ' . substr($bad, 0, 20));
    like($got, $id_re, 'replacement is well-formed');
    is($t->tx->res->json('/request_id'), $got, 'problem body carries the replacement');
}

my %seen;
for (1 .. 5) {
    $t->get_ok($s->url('/api/healthz'))->status_is(200);
    $seen{$t->tx->res->headers->header('X-Request-Id') // ''}++;
}
is(scalar(grep { $_ ne '' } keys %seen), 5, 'five requests without an id get five distinct ids');

done_testing;
