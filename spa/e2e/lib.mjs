// What the browser flows share (run.mjs, oidc.mjs): Debian's Chromium through playwright-core,
// TAP-like "ok - …" / "not ok - …" lines that t/spa/*.t turn into tests, screenshots, CSP and
// script-error capture, and an axe-core accessibility check.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const axeSource = createRequire(import.meta.url)('axe-core').source;

export function harness(argv, usage) {
  const [base, shots, ...rest] = argv.slice(2);
  if (!base || !shots) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  mkdirSync(shots, { recursive: true });

  let failures = 0;
  const problems = []; // CSP violations and uncaught errors, from every page

  const h = {
    base,
    shots,
    rest,
    problems,
    browser: null,

    async launch() {
      h.browser = await chromium.launch({
        executablePath: process.env.HD_CHROMIUM ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      return h.browser;
    },

    async check(name, fn) {
      const t0 = Date.now();
      try {
        await fn();
        console.log(`ok - ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failures++;
        console.log(`not ok - ${name}`);
        console.log(`# ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n# ')}`);
      }
    },

    /** A browser context whose pages report CSP violations and script errors into `problems`. */
    async context(who, options = {}) {
      const context = await h.browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, ...options });
      context.setDefaultTimeout(20_000); // a loaded 2-core CI machine; passing runs never wait it out
      context.on('page', (page) => watch(page, who));
      return context;
    },

    shot: (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),

    /** Runs axe-core on the page as it is; throws listing every violation (WCAG 2.1 A/AA). */
    async axe(page, what) {
      // Through the DevTools protocol: the app's CSP forbids injected script tags, rightly.
      await page.evaluate(`${axeSource}\n;0`);
      const result = await page.evaluate(() =>
        window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
      const found = result.violations.map((v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? n.failureSummary}`).join(' | ')}`);
      expect(found.length === 0, `no accessibility violation on ${what}, got:\n${found.join('\n')}`);
    },

    async finish() {
      await h.browser?.close();
      console.log(`# screenshots: ${shots}`);
      process.exit(failures ? 1 : 0);
    },
  };

  function watch(page, who) {
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${who}: ${e.message}`));
  }

  return h;
}

export function expect(cond, what) {
  if (!cond) throw new Error(`expected ${what}`);
}
