# A known path with the wrong method answers 405 problem+json and says what is allowed in Allow.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;

for my $case (['POST', '/api/healthz'], ['DELETE', '/api/readyz'], ['PUT', '/api/version'],
    ['GET', '/api/_test/echo'])
{
    my ($method, $path) = @$case;
    my $tx = $t->ua->build_tx($method => $s->url($path) =>
          {'Content-Type' => 'application/json'} => '{}');
    $t->request_ok($tx)->status_is(405, "$method $path is 405")
      ->content_type_like(qr{^application/problem\+json})
      ->json_is('/status' => 405)
      ->json_like('/type' => qr{^https://helpdesk\.dev/problems/});
    my $allow = $t->tx->res->headers->header('Allow') // '';
    my $want = $path eq '/api/_test/echo' ? 'POST' : 'GET';
    like($allow, qr/\b$want\b/, "$method $path: Allow names $want");
    unlike($allow, qr/\b$method\b/, "$method $path: Allow does not name $method");
}

done_testing;
