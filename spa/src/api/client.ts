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
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
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
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;

  let res: Response;
  try {
    res = await fetch(`/api${path}${buildQuery(opts.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
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
