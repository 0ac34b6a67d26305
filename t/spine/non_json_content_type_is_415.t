# A JSON endpoint refuses a body declared as something other than JSON with 415 problem+json.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;
my $url = $s->url('/api/_test/echo');

for my $type ('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/jsonp')
{
    $t->post_ok($url => {'Content-Type' => $type} => '{"a":1}')->status_is(415, "415 for $type")
      ->content_type_like(qr{^application/problem\+json})
      ->json_is('/status' => 415);
}

$t->post_ok($url => {'Content-Type' => 'application/json; charset=utf-8'} => '{"a":1}')
  ->status_is(200, 'JSON with a charset parameter is accepted')->json_is('/a' => 1);

done_testing;
