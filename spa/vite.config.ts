import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a stack started by `make run` (PORT=8080 by default).
const api = process.env.HD_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    manifest: true, // scripts/js-size.mjs reads it to size each route's initial JavaScript
    // The CSP has no 'unsafe-inline': never inline assets as data: URLs into scripts.
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/api': api } },
  test: {
    environment: 'node', // files that need a DOM say so: // @vitest-environment jsdom
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
