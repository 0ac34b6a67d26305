// The frame around every signed-in page: brand, navigation, quick open, theme, sign-out.
import { useState, type ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api, hasBearerToken, setCsrfToken } from '../api/client';
import { signOut as signOutOidc } from '../auth/oidc';
import { useMe } from '../auth/session';
import { BrandMark } from '../branding/branding';
import { ThemeToggle } from '../ui/theme';

export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

export function Shell({ nav, tools, children }: { nav: NavItem[]; tools?: ReactNode; children: ReactNode }) {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);

  const signOut = async () => {
    setLeaving(true);
    if (hasBearerToken()) {
      // single sign-on: the issuer's session ends too when it can; the browser then leaves
      if (await signOutOidc().catch(() => false)) return;
    } else {
      try {
        await api('/auth/logout', { method: 'POST', authProbe: true });
      } catch {
        // the session is gone either way once the cookie is refused
      }
    }
    setCsrfToken(null);
    qc.clear();
    qc.setQueryData(['me'], null);
    navigate('/login', { replace: true });
  };

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">Skip to content</a>
      <header className="border-b border-line bg-surface">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-3 py-2 sm:px-4">
          <BrandMark />
          <nav aria-label="Main" className="flex flex-wrap gap-1">
            {nav.map((n) => (
              <NavLink key={n.to} to={n.to} end={n.end}
                className={({ isActive }) =>
                  `whitespace-nowrap rounded-md px-2 py-1 text-sm ${isActive ? 'bg-primary/10 font-medium text-primary' : 'text-muted hover:text-fg'}`
                }>
                {n.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            {tools}
            <ThemeToggle />
            <span className="hidden text-sm text-muted md:inline">{me.data?.display_name}</span>
            <button type="button" className="btn" onClick={signOut} disabled={leaving}>Sign out</button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-3 py-4 sm:px-4">{children}</main>
    </div>
  );
}
