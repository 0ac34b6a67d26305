// Single sign-on in a real browser (started by t/spa/agent_signs_in_with_oidc_pkce.t): the
// stack is configured for the test suite's OpenID Connect provider (t/oidc/provider.mjs); an
// agent known only to the provider signs in through its pages with Authorization Code + PKCE
// and works with the access token as a bearer token.
//
// usage: node e2e/oidc.mjs <base-url> <artifacts-dir> <idp-login> <idp-password> <display-name>
import { expect, harness } from './lib.mjs';

const h = harness(process.argv, 'node e2e/oidc.mjs <base-url> <artifacts-dir> <idp-login> <idp-password> <display-name>');
const [login, password, name] = h.rest;
await h.launch();
const context = await h.context('oidc agent');
const page = await context.newPage();
const authorize = [];
const apiAuth = []; // the Authorization header of each API call once back from the provider
const PUBLIC = new Set(['/api/branding']); // read by everyone, deliberately without credentials
let back = false;
page.on('request', (r) => {
  const u = new URL(r.url());
  if (u.pathname === '/auth' && u.origin !== h.base) authorize.push(u);
  if (u.origin === h.base && u.pathname === '/auth/callback') back = true;
  if (back && u.origin === h.base && u.pathname.startsWith('/api/') && !PUBLIC.has(u.pathname)) apiAuth.push(r.headers().authorization ?? '');
});

await h.check('the login page offers single sign-on next to the password form', async () => {
  await page.goto('/agent?queue=all');
  await page.waitForURL(/\/login\?next=/);
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).waitFor();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor(); // the password form too
  await h.axe(page, 'the login page with single sign-on');
  await h.shot(page, 'login-sso');
});

await h.check('the agent signs in at the provider (code + PKCE S256) and comes back to the queue', async () => {
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click(); // the provider's consent page
  await page.waitForURL((u) => u.pathname === '/agent' && u.search === '?queue=all');
  await page.getByText(name, { exact: true }).waitFor();
  const a = authorize[0];
  expect(a, 'an authorization request to the provider');
  expect(a.searchParams.get('response_type') === 'code', `response_type=code, got ${a.searchParams.get('response_type')}`);
  expect(a.searchParams.get('code_challenge_method') === 'S256', 'a PKCE S256 challenge');
  expect((a.searchParams.get('code_challenge') ?? '').length >= 43, 'a code challenge');
  expect(a.searchParams.get('redirect_uri') === `${h.base}/auth/callback`, `redirect to /auth/callback, got ${a.searchParams.get('redirect_uri')}`);
  await h.shot(page, 'agent-queue-sso');
});

await h.check('API calls carry the access token as a bearer token, and no helpdesk session cookie exists', async () => {
  expect(apiAuth.length > 0 && apiAuth.every((v) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(v)), `every API call with a bearer JWT, got ${JSON.stringify(apiAuth.slice(0, 3))}`);
  // (the provider's own cookies share the host: cookies do not tell ports apart)
  const cookies = (await context.cookies(h.base)).map((c) => c.name);
  expect(!cookies.some((c) => c.startsWith('hd_')), `no helpdesk session cookie, got ${cookies.join(', ')}`);
});

await h.check('the sign-in survives a reload and the agent files a ticket with it', async () => {
  await page.reload();
  await page.getByText(name, { exact: true }).waitFor();
  expect(new URL(page.url()).pathname === '/agent', `still in the console, got ${page.url()}`);
  await page.keyboard.press('n');
  await page.getByRole('heading', { name: 'New ticket' }).waitFor();
  await page.getByLabel('Title').fill('Signed in with SSO');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.getByRole('heading', { name: 'Signed in with SSO' }).waitFor();
  await page.getByText(`opened by ${name}`).waitFor();
});

await h.check('an expired token goes through the provider and back to the same page, without typing', async () => {
  const ticket = new URL(page.url()).pathname;
  const before = authorize.length;
  let refused = 0;
  // the API refuses the token once, as it does when the token has expired
  await page.route('**/api/tickets/**', async (route) => {
    if (refused++ > 0) return route.fallback();
    await route.fulfill({ status: 401, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'https://helpdesk.dev/problems/unauthorized', title: 'Unauthorized', status: 401 }) });
  });
  await page.reload();
  await page.waitForURL((u) => u.pathname === ticket && refused > 0 && authorize.length > before);
  await page.getByRole('heading', { name: 'Signed in with SSO' }).waitFor();
  await page.unroute('**/api/tickets/**');
  expect(authorize.length === before + 1, `one more authorization request, got ${authorize.length - before}`);
  expect(authorize.at(-1).searchParams.get('code_challenge_method') === 'S256', 'again with PKCE');
});

await h.check('sign-out also ends the session at the provider, then comes back to the login page', async () => {
  const ends = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/session/end') ends.push(new URL(r.url())); });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click(); // the provider's confirmation
  await page.waitForURL((u) => u.origin === h.base && u.pathname === '/login');
  const end = ends[0];
  expect(end, 'a request to the provider\'s end_session_endpoint');
  expect(end.searchParams.get('post_logout_redirect_uri') === `${h.base}/login`, `back to /login, got ${end.searchParams.get('post_logout_redirect_uri')}`);
  expect(!!end.searchParams.get('id_token_hint'), 'with the ID token as a hint');
  expect(await page.evaluate(() => Object.keys(sessionStorage).every((k) => !k.startsWith('oidc.user:'))), 'no stored token');
  await page.goto('/agent');
  await page.waitForURL(/\/login\?next=%2Fagent/);
  // the provider forgot the person too: single sign-on asks for the password again
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name=password]').waitFor();
  await h.shot(page, 'provider-login-after-sign-out');
});

await h.check('no CSP violation or script error on any page', async () => {
  expect(h.problems.length === 0, `none, got:\n${h.problems.join('\n')}`);
});

await h.finish();
