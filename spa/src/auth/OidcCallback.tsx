// /auth/callback: where the issuer sends the browser back after single sign-on.
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { ErrorMessage, Loading } from '../ui/States';
import { finishSignIn } from './oidc';
import { meKey, safeNext, useSessionExpired } from './session';

export default function OidcCallback() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const session = useSessionExpired();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    finishSignIn().then(
      (next) => {
        qc.removeQueries({ queryKey: meKey });
        session.clear();
        navigate(safeNext(next) ?? '/', { replace: true });
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  if (!error) return <Loading label="Signing you in…" />;
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-4 px-4">
      <h1 className="text-2xl font-semibold">Sign-in did not complete</h1>
      <ErrorMessage>The identity provider's answer could not be used: {error}</ErrorMessage>
      <Link to="/login" className="btn btn-primary">Back to sign-in</Link>
    </main>
  );
}
