// Browser flows for custom fields and branding (t/spa/requester_fills_custom_fields_and_admin_brands_the_app_in_the_browser.t,
// which adds a required "Site" select field to the demo seed): a requester's form shows the
// custom fields by type, a required one left empty gets the server's error next to it, the
// values are shown on the ticket (portal and console); an admin sets name, colours and logo
// with a live preview, and on the next page load the login page and the app carry them, light
// and dark, axe-clean; an admin creates, renames (through someone else's change) and deletes a
// custom field on its settings page and the requester's form follows; only admins see the
// settings pages.
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

const building = `Building ${tag}`;
const buildingKey = `building_${tag}`;
const activeFields = (p) => p.evaluate(async () => (await (await fetch('/api/custom-fields')).json()).items);
/** Waits (briefly) for focus to land on the element with this id or aria-label. */
const focusOn = (p, what) => p.waitForFunction((w) => [document.activeElement?.id, document.activeElement?.getAttribute('aria-label')].includes(w), what, { timeout: 5000 })
  .catch(() => expect(false, `focus on ${what}`));
let admin;

await check('an admin creates a select field with two options; a bad key and a key in use are refused next to the key', async () => {
  admin = await person('admin@example.com');
  const p = admin.page;
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Custom fields' }).click();
  await p.getByRole('heading', { name: 'Custom fields', level: 1 }).waitFor();
  const table = p.getByRole('table', { name: 'Custom fields' });
  await table.getByRole('rowheader', { name: 'Site', exact: true }).waitFor();
  await h.axe(p, 'the custom fields page');
  await shot(p, 'admin-custom-fields');
  await p.getByRole('button', { name: 'New field' }).click();
  await focusOn(p, 'field-key');
  await p.getByLabel('Label', { exact: true }).fill(building);
  await p.getByLabel('Key', { exact: true }).fill(`Building-${tag}`);
  await p.getByLabel('Type', { exact: true }).selectOption('select');
  const option = p.getByLabel('New option');
  await option.fill('South wing');
  await option.press('Enter');
  await option.fill('North wing');
  await p.getByRole('button', { name: 'Add option' }).click();
  await p.getByRole('button', { name: 'Move North wing up' }).click();
  const order = await p.getByRole('list', { name: 'Options' }).getByRole('listitem').allInnerTexts();
  expect(order[0].includes('North wing') && order[1].includes('South wing'), `North wing moved up, got ${order}`);
  await shot(p, 'admin-custom-field-new');
  await p.getByRole('button', { name: 'Create field' }).click();
  const err = p.locator('#field-key-error');
  await err.waitFor();
  expect((await err.innerText()).includes('lower-case letter'), `the server's words next to the key, got ${await err.innerText()}`);
  expect((await p.getByLabel('Key', { exact: true }).getAttribute('aria-describedby')) === 'field-key-error', 'the key points at its error');
  await h.axe(p, 'the custom field form with a key error');
  await shot(p, 'admin-custom-field-key-error');
  await p.getByLabel('Key', { exact: true }).fill('site');
  await p.getByRole('button', { name: 'Create field' }).click();
  await err.filter({ hasText: 'exists already' }).waitFor();
  await p.getByLabel('Key', { exact: true }).fill(buildingKey);
  await p.getByRole('button', { name: 'Create field' }).click();
  await p.getByRole('status').filter({ hasText: `Created “${building}”` }).waitFor();
  const row = table.getByRole('row').filter({ hasText: buildingKey });
  const text = await row.innerText();
  for (const want of [building, 'Choice from a list', 'North wing, South wing', 'Optional', 'Active']) {
    expect(text.includes(want), `"${want}" in the new row, got ${text}`);
  }
  await shot(p, 'admin-custom-field-created');
});

await check('the admin renames it; saving over someone else\'s change keeps the typing and saves after a reload', async () => {
  const p = admin.page;
  const table = p.getByRole('table', { name: 'Custom fields' });
  await p.getByRole('button', { name: `Edit ${building}`, exact: true }).click();
  await focusOn(p, 'field-label');
  await p.getByLabel('Label', { exact: true }).fill(`${building} (main)`);
  await p.getByRole('button', { name: 'Save changes' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await table.getByRole('rowheader', { name: `${building} (main)` }).waitFor();
  await focusOn(p, `Edit ${building} (main)`);

  await p.getByRole('button', { name: `Edit ${building} (main)`, exact: true }).click();
  await p.getByLabel('Label', { exact: true }).fill(`${building} (north site)`);
  const other = await person('admin@example.com');
  await other.page.goto('/agent/settings/custom-fields');
  await other.page.getByRole('button', { name: `Edit ${building} (main)`, exact: true }).click();
  await other.page.getByLabel('Display order').fill('7');
  await other.page.getByRole('button', { name: 'Save changes' }).click();
  await other.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await other.context.close();

  await p.getByRole('button', { name: 'Save changes' }).click();
  await p.getByRole('alert').filter({ hasText: 'Someone else changed this field' }).waitFor();
  expect((await p.getByLabel('Label', { exact: true }).inputValue()) === `${building} (north site)`, 'what the admin typed is still there');
  await h.axe(p, 'the custom field form after a conflict');
  await shot(p, 'admin-custom-field-conflict');
  await p.getByRole('button', { name: 'Reload their version' }).click();
  await p.getByRole('status').filter({ hasText: 'Someone else changed its order' }).waitFor();
  expect((await p.getByLabel('Label', { exact: true }).inputValue()) === `${building} (north site)`, 'still there after the reload');
  expect((await p.getByLabel('Display order').inputValue()) === '7', 'their order loaded');
  await shot(p, 'admin-custom-field-reloaded');
  await p.getByRole('button', { name: 'Save changes' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const row = table.getByRole('row').filter({ hasText: buildingKey });
  expect((await row.getByRole('rowheader').innerText()) === `${building} (north site)`, 'the admin\'s label saved');
});

await check('the requester\'s new-ticket form asks for the new field with its options', async () => {
  const p = requester.page;
  await p.goto('/portal/new');
  const field = p.getByLabel(`${building} (north site)`);
  await field.waitFor();
  const options = await field.locator('option').allInnerTexts();
  expect(options.join('|') === 'Choose…|North wing|South wing', `its options in order, got ${options}`);
  const f = (await activeFields(p)).find((x) => x.key === buildingKey);
  expect(f && f.type === 'select' && f.sort_order === 7 && !f.required, `GET /api/custom-fields has it, got ${JSON.stringify(f)}`);
  await shot(p, 'portal-form-new-custom-field');
});

await check('the admin deletes it after confirming; Escape cancels; the forms no longer ask for it', async () => {
  const p = admin.page;
  const table = p.getByRole('table', { name: 'Custom fields' });
  const name = `${building} (north site)`;
  const del = p.getByRole('button', { name: `Delete ${name}`, exact: true });
  await del.click();
  const dialog = p.getByRole('dialog', { name: `Delete the field “${name}”?` });
  await dialog.waitFor();
  expect((await dialog.innerText()).includes('keep it'), 'the dialog says tickets keep their values');
  const top = await dialog.evaluate((d) => d.parentElement.getBoundingClientRect().top);
  expect(top === 0, `the backdrop covers the page from its top, got ${top}px`);
  await h.axe(p, 'the delete dialog');
  await shot(p, 'admin-custom-field-delete');
  await p.keyboard.press('Escape');
  expect((await dialog.count()) === 0, 'Escape closes the dialog');
  await focusOn(p, `Delete ${name}`);
  await p.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Delete the field' }).click();
  await p.getByRole('status').filter({ hasText: 'Deleted' }).waitFor();
  await table.getByRole('row').filter({ hasText: buildingKey }).waitFor({ state: 'detached' });
  expect(!(await activeFields(p)).some((x) => x.key === buildingKey), 'gone from GET /api/custom-fields');
  await shot(p, 'admin-custom-field-deleted');
  await admin.context.close();
});

await check('the custom fields page in dark mode and at 360 px is axe-clean', async () => {
  const { context, page: p } = await person('admin@example.com', 'dark', { width: 360, height: 740 });
  await p.goto('/agent/settings/custom-fields');
  await p.getByRole('button', { name: 'Edit Site', exact: true }).click();
  await p.getByRole('list', { name: 'Options' }).waitFor();
  await h.axe(p, 'the custom fields page with a select open, dark, 360 px');
  await shot(p, 'admin-custom-fields-dark-360');
  await context.close();
});

await check('an agent has no Custom fields link and is not let in', async () => {
  const { context, page: p } = await person('agent@example.com');
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).waitFor();
  expect((await p.getByRole('link', { name: 'Custom fields' }).count()) === 0, 'no link');
  await p.goto('/agent/settings/custom-fields');
  await p.getByText('Only admins can manage custom fields.').waitFor();
  await context.close();
});

await check('no CSP violation or script error on any page', async () => {
  expect(problems.length === 0, `none, got:\n${problems.join('\n')}`);
});

await h.finish();
