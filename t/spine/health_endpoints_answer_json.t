# The liveness, readiness and version endpoints answer 200 with JSON, each with an X-Request-Id.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;
my $id_re = qr/^[A-Za-z0-9._:-]{8,128}$/;

$t->get_ok($s->url('/api/healthz'))->status_is(200)
  ->content_type_like(qr{^application/json})
  ->json_is('/status' => 'ok')
  ->header_like('X-Request-Id' => $id_re);

$t->get_ok($s->url('/api/readyz'))->status_is(200)
  ->content_type_like(qr{^application/json})
  ->json_is('/status' => 'ready')
  ->header_like('X-Request-Id' => $id_re);

$t->get_ok($s->url('/api/version'))->status_is(200)
  ->content_type_like(qr{^application/json})
  ->json_is('/name' => 'helpdesk')
  ->json_like('/version' => qr/\S/)
  ->header_like('X-Request-Id' => $id_re);

# HEAD is what load balancers often probe with.
$t->head_ok($s->url('/api/healthz'))->status_is(200);

done_testing;
