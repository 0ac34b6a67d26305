// The login form, and the single sign-on button when the instance is configured for OIDC.
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { appConfig, startSignIn } from './oidc';
import { homeFor, meKey, safeNext, signIn, useMe, useSessionExpired } from './session';
import { BrandMark, useBranding } from '../branding/branding';
import { ErrorMessage } from '../ui/States';
import { ThemeToggle } from '../ui/theme';

export default function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const brand = useBranding();
  const session = useSessionExpired();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const config = useQuery({ queryKey: ['app-config'], queryFn: appConfig, staleTime: Infinity });
  const oidc = config.data?.oidc;
  const sso = useMutation({ mutationFn: () => startSignIn(oidc!, next) });

  const login = useMutation({
    mutationFn: () => signIn(email.trim(), password),
    onSuccess: (who) => {
      qc.clear();
      qc.setQueryData(meKey, who);
      session.clear();
      navigate(next ?? homeFor(who), { replace: true });
    },
  });

  if (me.data && !login.isPending) return <Navigate to={next ?? homeFor(me.data)} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  const err = login.error;
  const message =
    err instanceof ApiError && err.status === 401
      ? 'That email and password do not match an account.'
      : err?.message;

  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4">
      <div className="mb-6 flex items-center justify-between gap-2">
        <BrandMark className="text-lg" />
        <ThemeToggle />
      </div>
      <h1 className="mb-4 text-2xl font-semibold">Sign in to {brand.data?.org_name ?? 'Helpdesk'}</h1>
      {session.expired && !err && (
        <p role="status" className="mb-4 rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm">
          Your session expired. Sign in again to continue where you were.
        </p>
      )}
      {oidc && (
        <div className="card mb-4 space-y-3 p-5">
          <button type="button" className="btn btn-primary w-full" onClick={() => sso.mutate()} disabled={sso.isPending}>
            {sso.isPending ? 'Opening sign-in…' : `Sign in with ${oidc.label ?? 'single sign-on'}`}
          </button>
          {sso.error && <ErrorMessage>The sign-in service could not be reached. Try again in a minute. ({sso.error.message})</ErrorMessage>}
          <p className="text-center text-xs text-muted">or with a helpdesk password</p>
        </div>
      )}
      <form onSubmit={submit} className="card space-y-4 p-5" noValidate>
        <div>
          <label className="label" htmlFor="email">Email</label>
          <input id="email" className="input" type="email" autoComplete="username" required
            value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </div>
        <div>
          <label className="label" htmlFor="password">Password</label>
          <input id="password" className="input" type="password" autoComplete="current-password" required
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {message && <ErrorMessage>{message}</ErrorMessage>}
        <button className="btn btn-primary w-full" type="submit" disabled={login.isPending || !email || !password}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
