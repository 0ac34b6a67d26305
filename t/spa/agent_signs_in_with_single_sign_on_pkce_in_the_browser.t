# Single sign-on in a real browser (Debian's Chromium driven by playwright-core, spa/e2e/oidc.mjs):
# the stack trusts the test suite's OpenID Connect provider (t/oidc/provider.mjs) and names it to
# the web app in /app-config.json, whose CSP lets the app call that issuer and nothing else. An
# agent who exists only at the provider signs in with Authorization Code + PKCE, lands back in
# the queue, works with the access token as a bearer token (no session cookie), keeps the
# sign-in across a reload, files a ticket; when the API refuses the token (expired) the browser
# goes through the provider and back to the same page without anyone typing; sign-out ends the
# provider's session too (RP-initiated logout back to /login), so signing in again asks for the
# password. Axe finds nothing on the login page.
use strict;
use warnings;
use Test::More;
use HD::Stack;

plan skip_all => 'browser flows run in the plain pass only' if HD::Stack::asan();

my $chromium = $ENV{HD_CHROMIUM} // '/usr/bin/chromium';
BAIL_OUT("$chromium is missing: run .ci/deps.sh") unless -x $chromium;
BAIL_OUT('spa/dist is missing: run make') unless -f "$HD::Stack::REPO/spa/dist/index.html";

my $s = HD::Stack->new(
    seed => 1,
    oidc => { accounts => { alice => { name => 'Alice Sso', email => 'alice@idp.example.com', roles => ['agent'] } } },
    env  => {
        HD_AGENT_SCOPE       => 'all',
        HD_OIDC_SPA_CLIENT   => 'helpdesk',
        HD_OIDC_SPA_SCOPE    => 'openid email profile api',
        HD_OIDC_SPA_RESOURCE => 'urn:helpdesk',
    },
);
my $issuer = $s->idp->issuer;

$s->t->get_ok($s->url('/app-config.json'))->status_is(200)
    ->header_is('Cache-Control' => 'no-cache')
    ->json_is('/oidc/issuer' => $issuer)->json_is('/oidc/client_id' => 'helpdesk')
    ->json_is('/oidc/resource' => 'urn:helpdesk');
like($s->t->tx->res->headers->header('Content-Security-Policy') // '',
    qr/(?:^|; )connect-src 'self' \Q$issuer\E;/, 'the CSP lets the app call the issuer, and only it');

$s->browser_flows('e2e/oidc.mjs', 6, 'alice', 'pw-alice', 'Alice Sso');

done_testing;
