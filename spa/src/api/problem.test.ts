import { describe, expect, it } from 'vitest';
import { describeProblem } from './problem';

const T = 'https://helpdesk.dev/problems/';

describe('describeProblem', () => {
  it('puts field errors next to their fields', () => {
    const d = describeProblem({ type: `${T}bad-request`, status: 400, detail: 'title is 1 to 300 characters, not blank',
      errors: [{ field: 'title', message: 'title is 1 to 300 characters, not blank' }] }, 400);
    expect(d.message).toBe('Some fields need attention.');
    expect(d.fields).toEqual({ title: 'Title is 1 to 300 characters, not blank' });
  });
  it('explains an illegal transition with the server detail', () => {
    const d = describeProblem({ type: `${T}unprocessable`, detail: 'a ticket in status "in_progress" cannot move to "closed"' }, 422);
    expect(d.message).toBe('That change is not possible right now. A ticket in status "in_progress" cannot move to "closed".');
  });
  it('has words for every problem type and for bare statuses', () => {
    for (const slug of ['unauthorized', 'forbidden', 'not-found', 'too-many-requests', 'database-unavailable', 'overloaded', 'database-timeout', 'payload-too-large']) {
      const m = describeProblem({ type: `${T}${slug}` }, 500).message;
      expect(m).toMatch(/^[A-Z].*\.$/);
      expect(m).not.toMatch(/problem|json|http/i);
    }
    expect(describeProblem(undefined, 502).message).toMatch(/went wrong/);
    expect(describeProblem(undefined, 404).message).toMatch(/does not exist/);
  });
  it('gives a reference for internal errors', () => {
    expect(describeProblem({ type: `${T}internal`, request_id: 'abc123' }, 500).message).toContain('abc123');
  });
});
