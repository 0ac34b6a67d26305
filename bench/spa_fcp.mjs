// First contentful paint of the agent console's queue next to a static page from the same nginx
// (bench/spa_fcp.sh starts the stack and seeds it; this only measures). Headless Chromium driven
// by playwright-core (spa/node_modules), a fresh browser context per load (cold cache, as a
// first visit), one signed-in session reused for the queue.
//
// usage: node bench/spa_fcp.mjs <base-url> <rounds> <email> <password>
// prints one JSON line: { queue: [ms…], rows: [ms…], baseline: [ms…] }
import { createRequire } from 'node:module';

const require = createRequire(new URL('../spa/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [base, roundsArg, email, password] = process.argv.slice(2);
const rounds = Number(roundsArg);

const browser = await chromium.launch({
  executablePath: process.env.HD_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

// The session cookie once; each round's context starts with it and an empty cache.
const login = await browser.newContext({ baseURL: base });
const r = await login.request.post('/api/auth/login', { data: { email, password } });
if (!r.ok()) throw new Error(`sign-in: ${r.status()} ${await r.text()}`);
const storageState = await login.storageState();
await login.close();

const fcp = (page) =>
  page.evaluate(() => new Promise((resolve) => {
    const seen = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    if (seen() !== undefined) return resolve(seen());
    new PerformanceObserver(() => seen() !== undefined && resolve(seen())).observe({ type: 'paint', buffered: true });
  }));

async function load(path, ready) {
  const context = await browser.newContext({ baseURL: base, storageState, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(path);
  const readyAt = await ready(page);
  const paint = await fcp(page);
  if (process.env.BENCH_SPA_TRACE) {
    // where the time goes: each resource's start and end (ms since navigation), to stderr
    const rows = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => `${e.startTime.toFixed(0).padStart(6)} ${e.responseEnd.toFixed(0).padStart(6)}  ${e.name.replace(location.origin, '')}`));
    console.error(`${path}: FCP ${paint.toFixed(0)} ms, ready ${readyAt ?? '-'}\n${rows.join('\n')}`);
  }
  await context.close();
  return { paint, readyAt };
}

const out = { queue: [], rows: [], baseline: [] };
for (let i = 0; i < rounds; i++) {
  const b = await load('/fcp-baseline.html', async (p) => p.locator('tbody tr').nth(49).waitFor());
  out.baseline.push(b.paint);
  const q = await load('/agent?queue=all', async (p) => {
    await p.locator('tbody tr').nth(49).waitFor();
    return p.evaluate(() => performance.now());
  });
  out.queue.push(q.paint);
  out.rows.push(q.readyAt);
}
await browser.close();
console.log(JSON.stringify(out));
