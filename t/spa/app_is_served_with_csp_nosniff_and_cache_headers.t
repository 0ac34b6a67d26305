# The web app's shell is never cached and its hashed assets are cached for a year; both carry a
# strict Content-Security-Policy (no inline script, no plugins, no framing) and nosniff; a
# missing asset is a 404, not the app shell; the app's config (/app-config.json) is {} without
# single sign-on; the API keeps its own headers.
use strict;
use warnings;
use Test::More;
use HD::Stack;

BAIL_OUT('spa/dist is missing: run make') unless -f "$HD::Stack::REPO/spa/dist/index.html";

my $s = HD::Stack->new;
my $t = $s->t;

sub security_headers {
    my ($what) = @_;
    my $csp = $t->tx->res->headers->header('Content-Security-Policy') // '';
    like($csp, qr/(?:^|; )script-src 'self'(?:;|$)/, "$what: scripts from this origin only, none inline");
    like($csp, qr/object-src 'none'/, "$what: no plugins");
    like($csp, qr/frame-ancestors 'none'/, "$what: never framed");
    unlike($csp, qr/unsafe-inline|unsafe-eval/, "$what: nothing unsafe");
    $t->header_is('X-Content-Type-Options' => 'nosniff', "$what: nosniff");
}

$t->get_ok($s->url('/'))->status_is(200)->header_is('Cache-Control' => 'no-cache');
security_headers('index.html');
my ($script) = $t->tx->res->body =~ m{<script type="module" crossorigin src="(/assets/[^"]+\.js)"};
ok($script, 'the shell loads one hashed module script') or diag $t->tx->res->body;
unlike($t->tx->res->body, qr{<script(?![^>]*\bsrc=)[^>]*>}, 'no inline script in the shell');

$t->get_ok($s->url('/agent/tickets/TKT-1'))->status_is(200)->header_is('Cache-Control' => 'no-cache');
security_headers('client-side route');

$t->get_ok($s->url($script))->status_is(200)->content_type_like(qr{javascript})
  ->header_is('Cache-Control' => 'public, max-age=31536000, immutable');
security_headers('hashed asset');

# without single sign-on the app's config is empty and its CSP lets it call this origin only
$t->get_ok($s->url('/app-config.json'))->status_is(200)->json_is('' => {})
  ->header_is('Cache-Control' => 'no-cache');
security_headers('app config');
like($t->tx->res->headers->header('Content-Security-Policy'), qr/(?:^|; )connect-src 'self' *;/,
    'API calls to this origin only');

$t->get_ok($s->url('/assets/not-a-build-file.js'))->status_is(404, 'a missing asset is a 404, not the app');

$t->get_ok($s->url('/api/healthz'))->status_is(200);
ok(!defined $t->tx->res->headers->header('Content-Security-Policy'), 'the API answers without the app CSP');
$t->header_is('Cache-Control' => 'no-store', 'the API keeps its own cache header');

done_testing;
