// Who is signed in: GET /api/me through TanStack Query, sign-in and sign-out, and what happens
// when a session expires mid-work (back to the login form, then back to where the person was).
// The credential is the session cookie, or an OIDC access token (./oidc.ts).
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router-dom';
import { api, ApiError, hasBearerToken, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import type { Me } from '../api/types';
import { Loading } from '../ui/States';
import { forgetSignIn, renewSignIn, restoreSignIn } from './oidc';

export const meKey = ['me'] as const;

async function fetchMe(): Promise<Me | null> {
  await restoreSignIn();
  try {
    const me = await api<Me>('/me', { authProbe: true });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: Infinity, retry: false });
}

export function can(me: Me | null | undefined, permission: string): boolean {
  return !!me?.permissions.includes(permission);
}

/** Agents and up read internal notes; that is what makes the console theirs. */
export function isAgent(me: Me | null | undefined): boolean {
  return can(me, 'ticket.read_internal');
}

export function homeFor(me: Me): string {
  return isAgent(me) ? '/agent' : '/portal';
}

/** Where the login form may send someone back to: a path of this app, never another site. */
export function safeNext(next: string | null): string | null {
  if (!next || next === '/' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return next;
}

export async function signIn(email: string, password: string): Promise<Me> {
  const r = await api<{ user: Omit<Me, 'csrf_token'>; csrf_token: string }>('/auth/login', {
    method: 'POST',
    body: { email, password },
    authProbe: true,
  });
  setCsrfToken(r.csrf_token);
  return { ...r.user, csrf_token: r.csrf_token };
}

const ExpiredContext = createContext<{ expired: boolean; clear: () => void }>({
  expired: false,
  clear: () => {},
});

export function useSessionExpired() {
  return useContext(ExpiredContext);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    const expire = () => {
      void forgetSignIn();
      setExpired(true);
      qc.setQueryData(meKey, null);
    };
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      if (!hasBearerToken()) return expire();
      // single sign-on: through the issuer and back here, or else the login page
      const here = safeNext(window.location.pathname + window.location.search) ?? '/';
      void renewSignIn(here).then((away) => away || expire());
    });
  }, [qc]);
  return (
    <ExpiredContext.Provider value={{ expired, clear: () => setExpired(false) }}>
      {children}
    </ExpiredContext.Provider>
  );
}

/** Renders its children for a signed-in person; anyone else goes to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const loc = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) throw me.error;
  if (!me.data) {
    const next = encodeURIComponent(loc.pathname + loc.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}
