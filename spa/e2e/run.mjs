// Browser flows against a running stack (started by t/spa/requester_and_agent_work_a_ticket_in_the_browser.t
// with the demo seed): Debian's Chromium driven by playwright-core (helpers in lib.mjs). Prints
// one "ok - …" / "not ok - …" line per check, saves screenshots of the main pages, runs axe-core
// on them, exits 1 on any failure.
//
// usage: node e2e/run.mjs <base-url> <artifacts-dir>
import { expect, harness } from './lib.mjs';

const h = harness(process.argv, 'node e2e/run.mjs <base-url> <artifacts-dir>');
const { check, shot, problems } = h;
const browser = await h.launch();
const PASSWORD = 'demo-password';

async function person(email, viewport = { width: 1280, height: 800 }, colorScheme = 'light') {
  const context = await h.context(email, { viewport, colorScheme });
  const page = await context.newPage();
  await page.goto('/');
  await page.waitForURL(/\/login/);
  await signIn(page, email);
  return { context, page, email };
}

async function signIn(page, email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** A JSON API call with the page's session (cookie + CSRF token from /api/me). */
async function apiCall(page, method, path, body, ifMatch) {
  const me = await (await page.request.get('/api/me')).json();
  const headers = { 'X-CSRF-Token': me.csrf_token };
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  const r = await page.request.fetch(`/api${path}`, { method, headers, data: body });
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

// A small PNG's worth of bytes (the server types a file by its first bytes, not its name).
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);
let requester;
let agent;
let number;
const tag = Date.now() % 100000;
const title = `Printer on floor 3 jams ${tag}`;

await check('login sends a requester to the portal and an agent to the console', async () => {
  requester = await person('requester@example.com');
  agent = await person('agent@example.com');
  expect(new URL(requester.page.url()).pathname === '/portal', `portal, got ${requester.page.url()}`);
  expect(new URL(agent.page.url()).pathname === '/agent', `console, got ${agent.page.url()}`);
});

await check('a wrong password is refused in words', async () => {
  const ctx = await h.context('wrong password');
  const p = await ctx.newPage();
  await p.goto('/login');
  await h.axe(p, 'the login page');
  await p.getByLabel('Email').fill('requester@example.com');
  await p.getByLabel('Password').fill('not-the-password');
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.getByRole('alert').filter({ hasText: 'do not match an account' }).waitFor();
  await h.axe(p, 'the login page with its error');
  await shot(p, 'login-error');
  await ctx.close();
});

await check('requester submits a request from the portal', async () => {
  const p = requester.page;
  await p.getByRole('link', { name: 'New request' }).first().click();
  await p.getByRole('button', { name: 'Submit request' }).click();
  await p.getByText('Give the ticket a short title.').waitFor();
  await h.axe(p, 'the portal\'s new request form with a field error');
  await shot(p, 'portal-new-request-field-error');
  await p.getByLabel('Title').fill(title);
  await p.getByLabel('What happened?').fill('It jams on every second page.');
  await p.getByLabel('Category', { exact: true }).selectOption('Hardware');
  await p.getByLabel(/High/).check();
  await p.getByLabel('Attach files').setInputFiles({ name: 'jam.png', mimeType: 'image/png', buffer: PNG });
  await p.getByRole('list', { name: 'Files to attach' }).getByRole('button', { name: 'Remove jam.png' }).waitFor();
  await p.getByRole('button', { name: 'Submit request' }).click();
  await p.waitForURL(/\/portal\/tickets\/TKT-\d+/);
  number = p.url().match(/TKT-\d+/)[0];
  await p.getByRole('heading', { name: title }).waitFor();
  await p.getByTestId('attachments').getByRole('link', { name: 'jam.png' }).waitFor();
  await h.axe(p, 'the portal\'s ticket page');
  await shot(p, 'portal-ticket-new');
});

await check('the agent sees it in the unassigned queue with its SLA', async () => {
  const p = agent.page;
  await p.getByRole('tab', { name: 'Unassigned' }).click();
  const row = p.getByRole('row').filter({ hasText: title });
  await row.waitFor();
  const sla = await row.locator('[data-sla]:visible').getAttribute('data-sla');
  expect(['ok', 'at_risk', 'breached'].includes(sla), `an SLA state, got ${sla}`);
  expect(/to response|overdue/.test(await row.locator('[data-sla]:visible').innerText()), 'time left on the SLA badge');
  await h.axe(p, 'the agent\'s queue');
  await shot(p, 'agent-queue');
});

await check('the agent replies publicly with a saved reply and adds an internal note', async () => {
  const p = agent.page;
  await p.getByRole('link', { name: number, exact: true }).click();
  await p.getByRole('heading', { name: title }).waitFor();
  await p.getByLabel('Insert a saved reply').selectOption({ label: 'Acknowledge' });
  await p.waitForFunction(() => document.querySelector('#composer')?.value.includes('Hi Riley'));
  await p.getByRole('button', { name: 'Send reply' }).click();
  await p.locator('[data-comment="public"]').filter({ hasText: 'Thanks for reaching out' }).waitFor();
  await p.getByRole('radio', { name: /Internal note/ }).click();
  await p.locator('#composer').fill('Toner cartridge is counterfeit; order a new one.');
  await p.getByRole('button', { name: 'Add internal note' }).click();
  await p.locator('[data-comment="internal"]').filter({ hasText: 'counterfeit' }).waitFor();
  await h.axe(p, 'the agent\'s ticket page');
  await shot(p, 'agent-ticket');
});

await check('the agent downloads the requester\'s file and attaches one to a Markdown reply', async () => {
  const p = agent.page;
  const link = p.getByTestId('attachments').getByRole('link', { name: 'jam.png' });
  const r = await p.request.get(await link.getAttribute('href'));
  expect(r.status() === 200, `download 200, got ${r.status()}`);
  expect(/^attachment;/.test(r.headers()['content-disposition'] ?? ''), 'served as a download');
  expect(Buffer.compare(await r.body(), PNG) === 0, 'the same bytes come back');
  await p.getByRole('radio', { name: 'Public reply' }).click();
  await p.locator('#composer').fill('Here is the **driver guide**; see step 2.\n\n<img src=x onerror="document.title=1">');
  await p.getByLabel('Attach files').setInputFiles({ name: 'driver-guide.txt', mimeType: 'text/plain', buffer: Buffer.from('Step 1\nStep 2\n') });
  await p.getByRole('button', { name: 'Send reply' }).click();
  await p.getByTestId('attachments').getByRole('link', { name: 'driver-guide.txt' }).waitFor();
  const reply = p.locator('[data-comment="public"]').filter({ hasText: 'driver guide' });
  await reply.locator('strong', { hasText: 'driver guide' }).waitFor();
  expect((await reply.locator('img').count()) === 0, 'no image element from the reply\'s HTML');
  expect((await p.title()) !== '1', 'the reply\'s handler never ran');
  await shot(p, 'agent-ticket-attachments');
});

await check('the requester sees the reply and never the internal note', async () => {
  const p = requester.page;
  await p.reload();
  await p.locator('[data-comment="public"]').filter({ hasText: 'Thanks for reaching out' }).waitFor();
  await p.locator('[data-comment="public"] strong', { hasText: 'driver guide' }).waitFor();
  await p.getByTestId('attachments').getByRole('link', { name: 'driver-guide.txt' }).waitFor();
  const text = await p.locator('body').innerText();
  expect(!text.includes('counterfeit'), 'no internal note text on the requester page');
  expect((await p.locator('[data-comment="internal"]').count()) === 0, 'no internal comment element');
  await shot(p, 'portal-ticket-replied');
});

await check('a file over the size limit is refused in words next to the file field', async () => {
  const p = requester.page;
  const form = p.getByRole('form', { name: 'Add a comment' });
  await form.getByLabel('Attach files').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1200 * 1024, 1) });
  await form.getByRole('button', { name: 'Attach files', exact: true }).click();
  await form.getByText('larger than the helpdesk accepts').waitFor();
  await form.getByRole('alert').filter({ hasText: 'huge.bin was not attached' }).waitFor();
  await shot(p, 'portal-attachment-too-large');
  expect((await p.getByTestId('attachments').getByRole('link', { name: 'huge.bin' }).count()) === 0, 'huge.bin is not listed');
  await form.getByRole('button', { name: 'Remove huge.bin' }).click();
  expect((await form.getByRole('alert').count()) === 0, 'removing the file clears the error');
});

await check('the agent resolves it and the requester sees it resolved', async () => {
  await agent.page.getByLabel('Status').selectOption({ label: 'Resolved' });
  await agent.page.getByTestId('status').filter({ hasText: 'Resolved' }).waitFor();
  await requester.page.reload();
  await requester.page.getByTestId('status').filter({ hasText: 'Resolved' }).waitFor();
  await requester.page.getByRole('link', { name: '← My tickets' }).click();
  await requester.page.getByRole('link', { name: new RegExp(title) }).waitFor();
  await shot(requester.page, 'portal-my-tickets');
});

await check('keyboard: j/k move through the queue, Enter opens, ? / n work', async () => {
  const p = agent.page;
  for (const t of ['A', 'B', 'C']) {
    await apiCall(requester.page, 'POST', '/tickets', { title: `Keyboard ${t} ${tag}` });
  }
  await p.goto('/agent?queue=unassigned&sort=-number');
  await p.getByRole('row').filter({ hasText: `Keyboard C ${tag}` }).waitFor();
  const selected = () => p.locator('tr[aria-selected="true"]').innerText();
  expect((await selected()).includes(`Keyboard C ${tag}`), 'first row selected at start');
  await p.keyboard.press('j');
  await p.keyboard.press('j');
  expect((await selected()).includes(`Keyboard A ${tag}`), 'j twice selects the third row');
  await p.keyboard.press('k');
  expect((await selected()).includes(`Keyboard B ${tag}`), 'k goes back one');
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: `Keyboard B ${tag}` }).waitFor();
  await p.keyboard.press('j');
  await p.getByRole('heading', { name: `Keyboard A ${tag}` }).waitFor();
  await p.keyboard.press('k');
  await p.getByRole('heading', { name: `Keyboard B ${tag}` }).waitFor();
  await p.keyboard.press('r');
  expect(await p.evaluate(() => document.activeElement?.id === 'composer'), 'r focuses the reply box');
  await p.locator('#composer').press('Escape');
  await p.locator('body').click({ position: { x: 5, y: 5 } });
  await p.keyboard.press('s');
  expect(await p.evaluate(() => document.activeElement?.id === 'f-status'), 's focuses the status');
  await p.locator('body').click({ position: { x: 5, y: 5 } });
  await p.keyboard.press('?');
  await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await h.axe(p, 'the shortcuts dialog');
  await shot(p, 'agent-shortcuts');
  await p.keyboard.press('Escape');
  await p.keyboard.press('/');
  expect(await p.evaluate(() => document.activeElement?.id === 'quick-open'), '/ focuses quick open');
  await p.keyboard.type(number);
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: title }).waitFor();
  await p.keyboard.press('n');
  await p.getByRole('heading', { name: 'New ticket' }).waitFor();
});

await check('a stale edit (409) shows what changed and re-applies on request', async () => {
  const p = agent.page;
  const t = await apiCall(requester.page, 'POST', '/tickets', { title: 'Conflicting edits', priority: 'P3' });
  await p.goto(`/agent/tickets/${t.number}`);
  await p.getByRole('heading', { name: 'Conflicting edits' }).waitFor();
  // someone else raises the priority while the agent has the page open
  const other = await person('manager@example.com');
  await apiCall(other.page, 'PATCH', `/tickets/${t.number}`, { priority: 'P1' }, t.version);
  await other.context.close();
  await p.getByLabel('Status').selectOption({ label: 'In Progress' });
  const dialog = p.getByRole('dialog', { name: /changed while you were working/ });
  await dialog.waitFor();
  const row = dialog.getByRole('row').filter({ hasText: 'Priority' });
  expect((await row.innerText()).includes('P1'), 'the dialog names the priority change');
  await h.axe(p, 'the conflict dialog');
  await shot(p, 'agent-conflict');
  await dialog.getByRole('button', { name: 'Re-apply my change' }).click();
  await p.getByTestId('status').filter({ hasText: 'In Progress' }).waitFor();
  expect((await p.getByLabel('Priority').inputValue()) === 'P1', 'their priority is kept');
});

await check('an expired session returns to login and then to the same ticket', async () => {
  const p = agent.page;
  const here = new URL(p.url()).pathname;
  await agent.context.clearCookies();
  await p.locator('#composer').fill('Is anyone there?');
  await p.getByRole('button', { name: 'Send reply' }).click();
  await p.waitForURL(/\/login\?next=/);
  await p.getByText('Your session expired').waitFor();
  await shot(p, 'login-expired');
  await signIn(p, 'agent@example.com');
  expect(new URL(p.url()).pathname === here, `back at ${here}, got ${p.url()}`);
});

await check('sign-out ends the session', async () => {
  const p = requester.page;
  await p.getByRole('button', { name: 'Sign out' }).click();
  await p.waitForURL(/\/login/);
  await p.goto('/portal');
  await p.waitForURL(/\/login\?next=%2Fportal/);
});

await check('usable at 360 px and in dark mode', async () => {
  const small = await person('requester@example.com', { width: 360, height: 740 });
  await small.page.getByRole('heading', { name: 'My tickets' }).waitFor();
  const overflow = await small.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
  await shot(small.page, 'portal-360px');
  await small.page.getByRole('link', { name: 'New request' }).first().click();
  await small.page.getByLabel('Title').waitFor();
  expect(await small.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling of the form');
  await shot(small.page, 'portal-new-request-360px');
  await small.page.goto(`/portal/tickets/${number}`);
  await small.page.getByRole('heading', { name: title }).waitFor();
  expect(await small.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling of a ticket');
  await shot(small.page, 'portal-ticket-360px');
  await small.context.close();
  const p = agent.page;
  await p.goto('/agent?queue=all');
  await p.getByRole('button', { name: /Switch to dark mode/ }).click();
  expect(await p.evaluate(() => document.documentElement.classList.contains('dark')), 'dark class on <html>');
  await p.getByRole('row').nth(1).waitFor();
  await h.axe(p, 'the agent\'s queue in dark mode');
  await shot(p, 'agent-queue-dark');
  const narrow = await person('agent@example.com', { width: 360, height: 740 }, 'dark'); // follows the system
  await narrow.page.goto('/agent?queue=all');
  await narrow.page.getByRole('row').nth(1).waitFor();
  expect(await narrow.page.evaluate(() => document.documentElement.classList.contains('dark')), 'dark from the system setting');
  const wide = await narrow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(wide <= 0, `no sideways scrolling of the console at 360 px (overflow ${wide}px)`);
  const badge = await narrow.page.getByRole('row').nth(1).locator('[data-sla]:visible').boundingBox();
  expect(badge && badge.x + badge.width <= 360, `the SLA badge is whole on screen (right edge ${badge && badge.x + badge.width}px)`);
  const clipped = await narrow.page.evaluate(() => [...document.querySelectorAll('tbody td')].some((td) => td.scrollWidth > td.clientWidth + 1));
  expect(!clipped, 'no queue cell is cut off');
  await shot(narrow.page, 'agent-queue-360px-dark');
  await narrow.page.goto(`/agent/tickets/${number}`);
  await narrow.page.getByRole('heading', { name: title }).waitFor();
  const wideTicket = await narrow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(wideTicket <= 0, `no sideways scrolling of a ticket at 360 px (overflow ${wideTicket}px)`);
  await shot(narrow.page, 'agent-ticket-360px-dark');
  await narrow.context.close();
});

await check('no CSP violation or script error on any page', async () => {
  expect(problems.length === 0, `none, got:\n${problems.join('\n')}`);
});

await h.finish();
