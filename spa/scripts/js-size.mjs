// Prints the initial JavaScript of each route, gzipped: the entry chunk, the route's lazy chunk,
// and every chunk they import statically (what the browser loads before the page can render).
// Fails the build when the portal is over its bar (issue 7: 200 KB gzipped).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));
const BAR_KB = 200;

function closure(keys) {
  const seen = new Set();
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of manifest[k].imports ?? []) walk(i);
  };
  keys.forEach(walk);
  return [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
}

const gz = (files) => files.reduce((n, f) => n + gzipSync(readFileSync(new URL(f, dist)), { level: 9 }).length, 0);

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const routes = {
  portal: 'src/portal/PortalRoutes.tsx',
  'agent console': 'src/tickets/AgentRoutes.tsx',
  survey: 'src/csat/CsatPage.tsx',
};
let over = false;
for (const [name, key] of Object.entries(routes)) {
  if (!manifest[key]) throw new Error(`js-size: ${key} is not a chunk of its own`);
  const kb = gz(closure([entry, key])) / 1024;
  const bar = name === 'portal' ? ` (bar ≤ ${BAR_KB} KB)` : '';
  console.log(`spa: ${name} route initial JS: ${kb.toFixed(1)} KB gzipped${bar}`);
  if (name === 'portal' && kb > BAR_KB) over = true;
}
if (over) {
  console.error('spa: the portal route is over its size bar');
  process.exit(1);
}
