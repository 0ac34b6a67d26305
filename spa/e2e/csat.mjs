// The survey page's browser flow, for a t/spa test that has a resolved ticket's survey links
// (not run by run.mjs): the good link answers at once and thanks the person, the answer switches
// to bad, a comment is sent, and after a reload — which must not answer "good" again — the page
// shows the bad answer and the comment as the server keeps them. The person is not signed in.
//
// usage: import { csatFlow } from './csat.mjs'; await csatFlow(page, baseUrl, goodUrl)
// with a page of a fresh browser context (no session), the stack's base URL and the email's
// <public_url>/csat/<token>?score=good link. Throws on the first thing that is not as expected.
import { expect } from './lib.mjs';

const THANKS = /^Thank you — you rated (TKT-\d+) “.*” as (good|bad)$/;

async function thanks(page, score) {
  const h1 = page.getByRole('heading', { level: 1, name: new RegExp(`^Thank you — you rated .* as ${score}$`) });
  await h1.waitFor();
  const text = (await h1.innerText()).trim();
  expect(THANKS.test(text), `the thank-you names the ticket by number and title, got "${text}"`);
  const pressed = (name) => page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
  expect((await pressed(score === 'good' ? 'Good' : 'Bad')) === 'true', `the ${score} button is pressed`);
  expect((await pressed(score === 'good' ? 'Bad' : 'Good')) === 'false', 'the other one is not');
  return text;
}

export async function csatFlow(page, baseUrl, goodUrl) {
  const answers = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/csat/')) answers.push(r.postDataJSON());
  });

  await page.goto(goodUrl);
  const first = await thanks(page, 'good');
  const here = new URL(page.url());
  expect(here.origin === new URL(baseUrl).origin && here.pathname.startsWith('/csat/'), `still on the survey page, not sent to sign in: ${page.url()}`);
  expect(!here.searchParams.has('score'), `?score is dropped once saved, got ${page.url()}`);
  expect(answers.length === 1 && answers[0].score === 'good', `one POST of "good" on load, got ${JSON.stringify(answers)}`);

  await page.getByRole('button', { name: 'Bad', exact: true }).click();
  const second = await thanks(page, 'bad');
  expect(first.replace(/good$/, 'bad') === second, `the same ticket, now bad: "${second}"`);

  const comment = `The printer came back, but only after three days (${Date.now() % 100000}).`;
  const box = page.getByLabel(/Anything you would like to add/);
  await box.fill(comment);
  expect((await page.locator('#comment-count').innerText()).startsWith(`${comment.length} / 2000`), 'the counter counts the comment');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Comment saved' }).waitFor();
  expect(answers.at(-1)?.score === 'bad' && answers.at(-1)?.comment === comment, `the comment went with "bad", got ${JSON.stringify(answers.at(-1))}`);

  const posted = answers.length;
  await page.reload();
  await thanks(page, 'bad');
  expect((await box.inputValue()) === comment, `the comment is kept, got "${await box.inputValue()}"`);
  expect(answers.length === posted, 'a reload answers nothing');
}
