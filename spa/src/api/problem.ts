// problem+json (RFC 9457) → words a person can act on. Every problem type the API defines
// (core/hd_problem.c) has a message here; field errors go next to their fields.

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  errors?: { field?: string; message?: string }[];
  allowed?: string[];
  current_version?: number;
}

export interface Described {
  message: string;
  fields: Record<string, string>;
}

const MESSAGES: Record<string, string> = {
  'bad-request': 'Some of what you entered needs another look.',
  'invalid-json': 'The app sent a request the server could not read. Reload the page and try again.',
  unauthorized: 'Your session has ended. Sign in again to continue.',
  forbidden: 'You do not have permission to do that.',
  'not-found': 'This does not exist, or you cannot see it.',
  'method-not-allowed': 'That action is not available here.',
  conflict: 'Someone else changed this in the meantime.',
  'length-required': 'The app sent an incomplete request. Try again.',
  'payload-too-large': 'That is too large to send. Shorten the text or pick a smaller file.',
  'uri-too-long': 'The search is too long. Remove some filters and try again.',
  'unsupported-media-type': 'The server cannot accept that kind of content.',
  unprocessable: 'That change is not possible right now.',
  'too-many-requests': 'Too many attempts. Wait a few minutes, then try again.',
  internal: 'Something went wrong on our side. Try again; if it keeps happening, tell the IT team.',
  'database-unavailable': 'The helpdesk is temporarily unavailable. Try again in a minute.',
  overloaded: 'The helpdesk is very busy right now. Try again in a few seconds.',
  'database-timeout': 'The helpdesk took too long to answer. Try again.',
  'bad-gateway': 'The helpdesk could not be reached. Try again in a minute.',
  'precondition-required': 'The app sent a change without saying which version it changes. Reload and try again.',
  gone: 'This link has expired.',
};

// Problems whose `detail` says something specific the person should read.
const SHOW_DETAIL = new Set(['bad-request', 'unprocessable', 'conflict', 'forbidden']);

export function problemSlug(p: Problem | undefined): string {
  const t = p?.type ?? '';
  return t.slice(t.lastIndexOf('/') + 1);
}

const fallbackByStatus = (status: number): string =>
  status >= 500
    ? MESSAGES.internal
    : status === 401
      ? MESSAGES.unauthorized
      : status === 403
        ? MESSAGES.forbidden
        : status === 404
          ? MESSAGES['not-found']
          : 'The request could not be completed.';

/** Turns an API failure into one sentence and per-field messages. */
export function describeProblem(p: Problem | undefined, status: number): Described {
  const slug = problemSlug(p);
  const fields: Record<string, string> = {};
  for (const e of p?.errors ?? []) {
    if (e.field && e.message && !fields[e.field]) fields[e.field] = capitalise(e.message);
  }
  let message = MESSAGES[slug] ?? fallbackByStatus(status);
  if (slug === 'bad-request' && Object.keys(fields).length > 0) {
    message = 'Some fields need attention.';
  } else if (SHOW_DETAIL.has(slug) && p?.detail) {
    message = `${message} ${capitalise(p.detail)}.`.replace(/\.\.$/, '.');
  }
  if (slug === 'internal' && p?.request_id) {
    message += ` (Reference: ${p.request_id})`;
  }
  return { message, fields };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
