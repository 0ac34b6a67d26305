# A malformed JSON body answers 400 problem+json whose errors[] say where parsing broke;
# well-formed JSON is accepted (echoed back in test mode).
use strict;
use warnings;
use utf8;
use Test::More;
use Mojo::JSON qw(decode_json encode_json);
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;
my $url = $s->url('/api/_test/echo');
my $json = {'Content-Type' => 'application/json'};

# Breaks on line 2, in the value of "b".
$t->post_ok($url => $json => qq({"a": 1,\n "b": tru}))->status_is(400)
  ->content_type_like(qr{^application/problem\+json})
  ->json_is('/status' => 400)
  ->json_like('/type' => qr{^https://helpdesk\.dev/problems/})
  ->json_has('/errors/0/pointer')
  ->json_is('/errors/0/line' => 2);
my $col = $t->tx->res->json('/errors/0/column');
ok(defined $col && $col =~ /^\d+$/ && $col >= 1 && $col <= 11, 'column points into line 2')
  or diag "column: " . ($col // 'undef');

for my $bad ('{"a": [1, 2', '{"a":1} trailing', '', '{"a":}', "{'a':1}", '[1,]') {
    $t->post_ok($url => $json => $bad)->status_is(400, "400 for '$bad'")
      ->content_type_like(qr{^application/problem\+json})
      ->json_has('/errors/0/line');
}

my $doc = {text => 'naïve café ✓', n => 42, list => [1, 'two', undef, \1], nested => {a => {b => []}}};
$t->post_ok($url => $json => encode_json($doc))->status_is(200)
  ->content_type_like(qr{^application/json})
  ->json_is('' => decode_json(encode_json($doc)), 'valid JSON echoed back');

done_testing;
