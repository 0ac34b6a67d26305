// Every colour is a design token: a CSS variable defined in src/index.css (light and dark),
// so branding and dark mode change in one place.
const token = (name) => `rgb(var(--${name}) / <alpha-value>)`;

/** @type {import('tailwindcss').Config} */
export default {
  content: ['./index.html', './src/**/*.{ts,tsx}'],
  darkMode: 'class',
  theme: {
    extend: {
      colors: {
        bg: token('bg'),
        surface: token('surface'),
        fg: token('fg'),
        muted: token('muted'),
        line: token('line'),
        primary: token('primary'),
        'on-primary': token('on-primary'),
        accent: token('accent'),
        internal: token('internal'),
        'internal-line': token('internal-line'),
        ok: token('ok'),
        warn: token('warn'),
        bad: token('bad'),
        paused: token('paused'),
      },
    },
  },
  plugins: [],
};
