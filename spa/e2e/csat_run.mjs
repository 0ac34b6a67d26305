// The survey page against a running stack (t/spa/requester_answers_the_survey_in_the_browser.t):
// csatFlow (csat.mjs) signed out, from the resolution mail's good link; then the page in dark
// mode at phone width, axe-clean; the agent's ticket page shows the answer among the other
// activity; then no CSP violation or script error anywhere.
//
// usage: node e2e/csat_run.mjs <base-url> <artifacts-dir> <good-link> <TKT-n> <title>
import { csatFlow } from './csat.mjs';
import { expect, harness } from './lib.mjs';

const h = harness(process.argv, 'node e2e/csat_run.mjs <base-url> <artifacts-dir> <good-link> <TKT-n> <title>');
const [goodUrl, number, title] = h.rest;
const { check, shot, problems } = h;
await h.launch();

await check('the good link answers at once, signed out; switch to bad, comment, reload', async () => {
  expect(goodUrl && number && title, 'the good link, the ticket number and title as arguments');
  const context = await h.context('survey');
  const page = await context.newPage();
  await csatFlow(page, h.base, goodUrl);
  const heading = await page.getByRole('heading', { level: 1 }).innerText();
  expect(heading.includes(number) && heading.includes(title), `the page names ${number} “${title}”, got "${heading}"`);
  await h.axe(page, 'the survey page');
  await shot(page, 'csat-light');
  await context.close();
});

await check('the survey page in dark mode on a phone, axe-clean', async () => {
  const context = await h.context('survey-dark', { viewport: { width: 375, height: 740 }, colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(new URL(goodUrl).pathname); // no ?score: reads the answer, changes nothing
  await page.getByRole('heading', { level: 1, name: /as bad$/ }).waitFor();
  await h.axe(page, 'the survey page in dark mode');
  await shot(page, 'csat-dark-phone');
  await context.close();
});

await check('the agent sees the answer, the priority change and the mails in the ticket\'s activity', async () => {
  const context = await h.context('agent');
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill('agent@example.com');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`/agent/tickets/${number}`);
  const activity = page.getByRole('list', { name: 'Timeline' });
  await activity.getByText(/rated the help bad/).waitFor();
  await activity.getByText(/The printer came back, but only after three days/).waitFor();
  await activity.getByText(/changed the priority from P3 to P2/).waitFor();
  await activity.getByText(/mailed the resolution mail .* — sent/).waitFor();
  const text = await activity.innerText();
  expect(!/undefined|opened it as\s*$/m.test(text), `no line without meaning, got:\n${text}`);
  await h.axe(page, 'the agent ticket page with the survey answer');
  await shot(page, 'csat-agent-ticket');
  await context.close();
});

await check('no CSP violation or script error on any page', async () => {
  expect(problems.length === 0, `none, got:\n${problems.join('\n')}`);
});

await h.finish();
