// Dark mode: the person's choice (localStorage) or else the system's, as a class on <html>
// that swaps the design tokens in index.css.
import { useState } from 'react';

type Theme = 'light' | 'dark';
const KEY = 'hd-theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(t: Theme): void {
  document.documentElement.classList.toggle('dark', t === 'dark');
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() =>
    document.documentElement.classList.contains('dark') ? 'dark' : 'light',
  );
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="btn px-2" aria-label={`Switch to ${next} mode`} title={`Switch to ${next} mode`}
      onClick={() => {
        localStorage.setItem(KEY, next);
        applyTheme(next);
        setTheme(next);
      }}>
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
