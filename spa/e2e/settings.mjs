// Browser flows for custom fields and branding (t/spa/requester_fills_custom_fields_and_admin_brands_the_app_in_the_browser.t,
// which adds a required "Site" select field to the demo seed): a requester's form shows the
// custom fields by type, a required one left empty gets the server's error next to it, the
// values are shown on the ticket (portal and console); an admin sets name, colours and logo
// with a live preview, and on the next page load the login page and the app carry them, light
// and dark, axe-clean; only admins see the settings page.
//
// usage: node e2e/settings.mjs <base-url> <artifacts-dir>
import { expect, harness } from './lib.mjs';

const h = harness(process.argv, 'node e2e/settings.mjs <base-url> <artifacts-dir>');
const { check, shot, problems } = h;
await h.launch();
const PASSWORD = 'demo-password';
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32" viewBox="0 0 64 32">'
  + '<rect width="64" height="32" rx="6" fill="#7c3aed"/><circle cx="16" cy="16" r="9" fill="#fbbf24"/></svg>');

async function person(email, colorScheme = 'light', viewport = { width: 1280, height: 800 }) {
  const context = await h.context(email, { viewport, colorScheme });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { context, page };
}

const cssVar = (page, name) => page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
const tag = Date.now() % 100000;
let requester;

await check('the portal form shows the custom fields by type, the required one marked', async () => {
  requester = await person('requester@example.com');
  const p = requester.page;
  await p.getByRole('link', { name: 'New request' }).first().click();
  const site = p.getByLabel(/^Site/);
  await site.waitFor();
  expect((await site.evaluate((e) => e.tagName)) === 'SELECT', 'Site is a select');
  expect((await site.getAttribute('aria-required')) === 'true', 'Site is marked required for assistive technology');
  expect((await p.locator('label[for="cf-site"]').innerText()).includes('required'), 'and in words');
  expect((await p.getByLabel(/^Affected users/).getAttribute('type')) === 'number', 'Affected users is a number');
  expect((await p.getByLabel(/^Asset tag/).getAttribute('type')) === 'text', 'Asset tag is text');
});

await check('a required custom field left empty shows the server\'s error next to it', async () => {
  const p = requester.page;
  await p.getByLabel('Title').fill(`Docking station ${tag}`);
  await p.getByLabel(/^Asset tag/).fill('LT-0042');
  await p.getByRole('button', { name: 'Submit request' }).click();
  const err = p.locator('#cf-site-error');
  await err.waitFor();
  expect((await err.innerText()).includes('Site is required'), `the server's words, got ${await err.innerText()}`);
  expect((await p.getByLabel(/^Site/).getAttribute('aria-describedby')) === 'cf-site-error', 'the field points at its error');
  expect(new URL(p.url()).pathname === '/portal/new', 'still on the form');
  await h.axe(p, 'the portal form with a custom field error');
  await shot(p, 'portal-custom-field-error');
});

await check('with the field filled the ticket is filed and shows its custom values', async () => {
  const p = requester.page;
  await p.getByLabel(/^Site/).selectOption('Leeds');
  await p.getByLabel(/^Affected users/).fill('3');
  await p.getByRole('button', { name: 'Submit request' }).click();
  await p.waitForURL(/\/portal\/tickets\/TKT-\d+/);
  const values = p.getByTestId('custom-values');
  await values.waitFor();
  const text = await values.innerText();
  for (const want of ['Site', 'Leeds', 'Asset tag', 'LT-0042', 'Affected users', '3']) {
    expect(text.includes(want), `"${want}" among the ticket's values, got ${text}`);
  }
  await h.axe(p, 'the portal ticket with custom values');
  await shot(p, 'portal-ticket-custom-values');
});

await check('the console\'s new-ticket form has the same fields and the ticket page shows the values', async () => {
  const { context, page: p } = await person('agent@example.com');
  await p.goto('/agent/new');
  await p.getByLabel(/^Site/).waitFor();
  await p.goto('/agent?queue=all');
  await p.getByRole('link', { name: /TKT-\d+/ }).first().waitFor();
  await p.getByRole('row').filter({ hasText: `Docking station ${tag}` }).getByRole('link').first().click();
  const values = p.getByTestId('custom-values');
  await values.waitFor();
  expect((await values.innerText()).includes('Leeds'), 'the agent sees the site');
  await h.axe(p, 'the agent\'s ticket with custom values');
  await shot(p, 'agent-ticket-custom-values');
  expect((await p.getByRole('link', { name: 'Branding' }).count()) === 0, 'an agent has no branding link');
  await p.goto('/agent/settings/branding');
  await p.getByText('Only admins can change the branding.').waitFor();
  await context.close();
});

await check('an admin sets name, colours and logo with a live preview; a bad colour is refused next to its field', async () => {
  const { context, page: p } = await person('admin@example.com');
  await p.getByRole('link', { name: 'Branding' }).click();
  await p.getByRole('heading', { name: 'Branding' }).waitFor();
  await h.axe(p, 'the branding page');
  await p.getByLabel('Organisation name').fill(`Acme IT ${tag}`);
  await p.getByLabel('Primary colour', { exact: true }).fill('#7c3aed');
  await p.getByLabel('Accent colour', { exact: true }).fill('#b45309');
  await p.getByLabel(/^Logo/).setInputFiles({ name: 'acme.svg', mimeType: 'image/svg+xml', buffer: SVG });
  const preview = p.getByTestId('branding-preview');
  await preview.getByText(`Acme IT ${tag}`).waitFor();
  await preview.locator('img').waitFor();
  const bg = await preview.getByRole('button', { name: 'Primary button' }).evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(bg === 'rgb(124, 58, 237)', `the preview's button in the new colour, got ${bg}`);
  await shot(p, 'admin-branding-preview');
  await p.getByLabel('Accent colour', { exact: true }).fill('#b4530');
  await p.getByRole('button', { name: 'Save branding' }).click();
  const err = p.locator('#accent-color-error');
  await err.waitFor();
  expect((await err.innerText()).includes('#rrggbb'), `the server's words next to the field, got ${await err.innerText()}`);
  await h.axe(p, 'the branding page with a field error');
  await p.getByLabel('Accent colour', { exact: true }).fill('#b45309');
  await p.getByRole('button', { name: 'Save branding' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  expect((await cssVar(p, '--primary')) === '124 58 237', 'applied at once on the admin\'s page');
  await shot(p, 'admin-branding-saved');
  await context.close();
});

await check('on the next page load the login page and the portal carry the branding (light)', async () => {
  const context = await h.context('fresh visitor', { colorScheme: 'light' });
  const p = await context.newPage();
  await p.goto('/login');
  await p.getByRole('heading', { name: `Sign in to Acme IT ${tag}` }).waitFor();
  await p.getByTestId('brand').locator('img').waitFor();
  expect((await cssVar(p, '--primary')) === '124 58 237', `--primary from the branding, got ${await cssVar(p, '--primary')}`);
  expect((await p.title()) === `Acme IT ${tag}`, `the page title, got ${await p.title()}`);
  const btn = await p.getByRole('button', { name: 'Sign in', exact: true }).evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(btn === 'rgb(124, 58, 237)', `the primary button reads the variable, got ${btn}`);
  await h.axe(p, 'the branded login page');
  await shot(p, 'branded-login-light');
  await p.getByLabel('Email').fill('requester@example.com');
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.getByRole('heading', { name: 'My tickets' }).waitFor();
  expect((await p.getByTestId('brand').innerText()).includes(`Acme IT ${tag}`), 'the shell shows the name');
  await h.axe(p, 'the branded portal');
  await shot(p, 'branded-portal-light');
  await context.close();
});

await check('and in dark mode, lightened enough to read (axe-clean)', async () => {
  const { context, page: p } = await person('requester@example.com', 'dark');
  await p.getByRole('heading', { name: 'My tickets' }).waitFor();
  expect(await p.evaluate(() => document.documentElement.classList.contains('dark')), 'dark mode');
  const primary = await cssVar(p, '--primary');
  const branded = await p.evaluate(() => document.documentElement.style.getPropertyValue('--brand-primary-dark').trim());
  expect(branded !== '' && primary === branded, `--primary from the branding's dark variant (${branded}), got ${primary}`);
  const [r, g, b] = primary.split(' ').map(Number);
  expect(r + g + b > 124 + 58 + 237, `lighter than the admin's colour for dark mode, got ${primary}`);
  await h.axe(p, 'the branded portal in dark mode');
  await shot(p, 'branded-portal-dark');
  await p.getByRole('link', { name: 'New request' }).first().click();
  await p.getByLabel(/^Site/).waitFor();
  await h.axe(p, 'the branded portal form in dark mode');
  await shot(p, 'branded-portal-form-dark');
  await context.close();
});

await check('no CSP violation or script error on any page', async () => {
  expect(problems.length === 0, `none, got:\n${problems.join('\n')}`);
});

await h.finish();
