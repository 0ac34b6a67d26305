// The one API client: same-origin fetch with the session cookie, the CSRF header on unsafe
// methods, problem+json turned into ApiError. Server state lives in TanStack Query only.
import { describeProblem, type Problem } from './problem';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  readonly fields: Record<string, string>;

  constructor(status: number, problem: Problem | undefined, message?: string) {
    const d = describeProblem(problem, status);
    super(message ?? d.message);
    this.status = status;
    this.problem = problem;
    this.fields = d.fields;
  }
}

let csrfToken: string | null = null;
let bearerToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** An OIDC access token (src/auth/oidc.ts): sent instead of the session cookie while set. */
export function setBearerToken(token: string | null): void {
  bearerToken = token;
}

export function hasBearerToken(): boolean {
  return bearerToken !== null;
}

/** Called when a request made while signed in answers 401 (the session expired). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  ifMatch?: number;
  /** 401 is an answer here (sign-in, who-am-I), not an expired session. */
  authProbe?: boolean;
}

export function buildQuery(query: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  return send<T>(path, opts, headers, opts.body === undefined ? undefined : JSON.stringify(opts.body));
}

/**
 * A public document (GET /api/branding): no cookie, no token, so it reads the same for
 * everyone and never counts as a signed-in call.
 */
export function publicGet<T>(path: string): Promise<T> {
  return publicSend<T>(path, 'GET');
}

/**
 * A public call whose credential is in the path (the survey token of /api/csat/{token}): like
 * publicGet, no cookie, no bearer token, no CSRF header, and a 401 is not an ended session.
 */
export function publicPost<T>(path: string, body: unknown): Promise<T> {
  return publicSend<T>(path, 'POST', body);
}

async function publicSend<T>(path: string, method: 'GET' | 'POST', body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'omit',
      referrerPolicy: 'no-referrer', // the page's address may hold a survey token
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, undefined, 'Cannot reach the helpdesk. Check your connection and try again.');
  }
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, data as Problem | undefined);
  return data as T;
}

/**
 * Uploads one file as the raw request body (POST /api/tickets/{id}/attachments?filename=…): the
 * server judges the type from the bytes, so the browser's guess is only a hint.
 */
/**
 * Fetches a download (an attachment) with the bearer token and hands it to the browser as a
 * file; with the session cookie a plain link does the same.
 */
export async function downloadFile(url: string, filename: string): Promise<void> {
  const res = await fetch(url, { headers: bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}, credentials: 'omit' });
  if (!res.ok) throw new ApiError(res.status, undefined);
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export async function upload<T>(path: string, file: File): Promise<T> {
  const headers = { 'Content-Type': file.type || 'application/octet-stream' };
  return send<T>(path, { method: 'POST', query: { filename: file.name } }, headers, file);
}

async function send<T>(path: string, opts: RequestOptions, extra: Record<string, string>, body: BodyInit | undefined): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  if (bearerToken) headers.Authorization = `Bearer ${bearerToken}`;
  else if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;

  let res: Response;
  try {
    res = await fetch(`/api${path}${buildQuery(opts.query)}`, {
      method,
      headers,
      credentials: bearerToken ? 'omit' : 'same-origin',
      body,
    });
  } catch {
    throw new ApiError(0, undefined, 'Cannot reach the helpdesk. Check your connection and try again.');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.authProbe) onUnauthorized();
    throw new ApiError(res.status, data as Problem | undefined);
  }
  return data as T;
}
