// Single sign-on: OpenID Connect Authorization Code + PKCE with `oidc-client-ts`, when the
// instance is configured for it. nginx serves /app-config.json (conf/nginx.conf.in) naming the
// issuer and this app's client id; with no `oidc` there, the login form is the only way in.
//
// After the redirect back to /auth/callback the access token is kept by oidc-client-ts in
// sessionStorage (this tab only) and every API call carries it as a bearer token; the session
// cookie and CSRF header are not used. When the token expires the API answers 401 and the
// browser goes through the issuer's sign-in again and back to the page it was on (renewSignIn:
// with the issuer's session still open nobody types anything; at most once a minute, else the
// login page). Sign-out also ends the session at the issuer when it advertises an
// end_session_endpoint (RP-initiated logout), which sends the browser back to /login. The
// library is loaded only when it is needed (a click on the button, the callback, or a token to
// restore).
import type { UserManager } from 'oidc-client-ts';
import { setBearerToken } from '../api/client';

export interface OidcConfig {
  issuer: string;
  client_id: string;
  /** Default "openid email profile". */
  scope?: string;
  /** RFC 8707 resource indicator, for issuers that mint API tokens per resource. */
  resource?: string;
  /** The button says "Sign in with <label>" (default "single sign-on"). */
  label?: string;
}

export interface AppConfig {
  oidc?: OidcConfig;
}

/** Keeps only a well-formed `oidc` section: an http(s) issuer and a client id. */
export function parseAppConfig(raw: unknown): AppConfig {
  const o = (raw as { oidc?: Partial<OidcConfig> } | null)?.oidc;
  if (!o || typeof o.issuer !== 'string' || !/^https?:\/\//.test(o.issuer) || typeof o.client_id !== 'string' || !o.client_id) {
    return {};
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { oidc: { issuer: o.issuer, client_id: o.client_id, scope: str(o.scope), resource: str(o.resource), label: str(o.label) } };
}

let configPromise: Promise<AppConfig> | null = null;

export function appConfig(): Promise<AppConfig> {
  configPromise ??= fetch('/app-config.json', { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : {}))
    .then(parseAppConfig, () => ({}));
  return configPromise;
}

export const CALLBACK_PATH = '/auth/callback';

let managerPromise: Promise<UserManager> | null = null;

function manager(c: OidcConfig): Promise<UserManager> {
  managerPromise ??= import('oidc-client-ts').then(({ UserManager, WebStorageStateStore }) => new UserManager({
    authority: c.issuer,
    client_id: c.client_id,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/login`,
    response_type: 'code',
    scope: c.scope ?? 'openid email profile',
    resource: c.resource,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  }));
  return managerPromise;
}

const hasStoredUser = () => Object.keys(window.sessionStorage).some((k) => k.startsWith('oidc.user:'));

/** Before the first API call: puts back the token of an earlier sign-in in this tab, if any. */
let restored: Promise<void> | null = null;
export function restoreSignIn(): Promise<void> {
  restored ??= (async () => {
    if (!hasStoredUser()) return;
    const { oidc } = await appConfig();
    if (!oidc) return;
    const user = await (await manager(oidc)).getUser();
    if (user && !user.expired) setBearerToken(user.access_token);
  })().catch(() => undefined);
  return restored;
}

/** Sends the browser to the issuer; it comes back to /auth/callback, then to `next`. */
export async function startSignIn(c: OidcConfig, next: string | null): Promise<void> {
  await (await manager(c)).signinRedirect({ state: { next } });
}

let callback: Promise<string | null> | null = null;

/** Finishes the sign-in at /auth/callback (once, however often it is called); resolves with `next`. */
export function finishSignIn(): Promise<string | null> {
  callback ??= (async () => {
    const { oidc } = await appConfig();
    if (!oidc) throw new Error('Single sign-on is not set up on this helpdesk.');
    const user = await (await manager(oidc)).signinRedirectCallback();
    setBearerToken(user.access_token);
    return (user.state as { next?: string | null } | undefined)?.next ?? null;
  })();
  return callback;
}

const RENEWED_AT = 'hd-oidc-renewed-at';
let renewing: Promise<boolean> | null = null;

/**
 * The API refused the token (it expired): sends the browser through the issuer's sign-in and
 * back to `next`. Resolves true while the browser is on its way; false when it did not go — no
 * single sign-on here, or it already went within the last minute (a token the API keeps
 * refusing ends at the login page, not in a loop).
 */
export function renewSignIn(next: string): Promise<boolean> {
  renewing ??= (async () => {
    const { oidc } = await appConfig();
    const last = Number(window.sessionStorage.getItem(RENEWED_AT) ?? 0);
    if (!oidc || Date.now() - last < 60_000) return false;
    window.sessionStorage.setItem(RENEWED_AT, String(Date.now()));
    await (await manager(oidc)).removeUser();
    await startSignIn(oidc, next);
    return true;
  })().catch(() => false);
  return renewing;
}

/**
 * Sign-out for a single sign-on: forgets the token and, when the issuer advertises an
 * end_session_endpoint, ends the session there too (the browser leaves for the issuer and comes
 * back to /login). Resolves true when the browser is on its way there, false when only this tab
 * forgot the token.
 */
export async function signOut(): Promise<boolean> {
  setBearerToken(null);
  restored = Promise.resolve();
  const { oidc } = await appConfig();
  if (!oidc) return false;
  const mgr = await manager(oidc);
  const user = await mgr.getUser();
  const endSession = await mgr.metadataService.getEndSessionEndpoint().catch(() => undefined);
  if (!user || !endSession) {
    await mgr.removeUser();
    return false;
  }
  await mgr.signoutRedirect({ id_token_hint: user.id_token });
  return true;
}

/** Forgets the token (sign-out, or the API refused it). */
export async function forgetSignIn(): Promise<void> {
  setBearerToken(null);
  restored = Promise.resolve();
  if (!hasStoredUser()) return;
  const { oidc } = await appConfig();
  if (oidc) await (await manager(oidc)).removeUser();
}
