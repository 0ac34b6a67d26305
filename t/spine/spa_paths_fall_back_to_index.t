# Outside /api/ and /metrics nginx serves the web app, and unknown paths fall back to its
# index.html so client-side routes work on reload.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;

$t->get_ok($s->url('/'))->status_is(200)->content_type_like(qr{^text/html});
my $index = $t->tx->res->body;
$t->get_ok($s->url('/tickets/42'))->status_is(200)->content_type_like(qr{^text/html});
is($t->tx->res->body, $index, 'client-side route gets index.html');
$t->get_ok($s->url('/api/tickets-that-do-not-exist'))->status_is(404)
  ->content_type_like(qr{^application/problem\+json}, '/api/ paths never fall back to the app');

done_testing;
