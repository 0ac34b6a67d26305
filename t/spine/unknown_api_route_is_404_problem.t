# An /api path no route matches answers 404 application/problem+json with the documented fields.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;

for my $path ('/api/no-such-thing', '/api/healthz/extra', '/api/') {
    $t->get_ok($s->url($path))->status_is(404, "$path is 404")
      ->content_type_like(qr{^application/problem\+json}, "$path: problem+json")
      ->json_like('/type' => qr{^https://helpdesk\.dev/problems/[a-z0-9-]+$})
      ->json_like('/title' => qr/\S/)
      ->json_is('/status' => 404);
    my $res = $t->tx->res;
    ok(defined $res->json('/detail'), "$path: detail present");
    is($res->json('/request_id'), $res->headers->header('X-Request-Id'),
        "$path: body request_id is the X-Request-Id header");
}

done_testing;
