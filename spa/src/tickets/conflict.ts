// A stale If-Match (409): what someone else changed between the version the agent edited and
// the current one, so the agent can decide whether to re-apply their change.
import type { Ticket } from '../api/types';

export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

const FIELDS: [keyof Ticket, string][] = [
  ['title', 'Title'],
  ['status', 'Status'],
  ['priority', 'Priority'],
  ['urgency', 'Urgency'],
  ['category', 'Category'],
  ['subcategory', 'Subcategory'],
  ['team_id', 'Team'],
  ['assignee_id', 'Assignee'],
  ['description', 'Description'],
];

function show(t: Ticket, field: keyof Ticket): string {
  if (field === 'assignee_id') return t.assignee?.display_name ?? (t.assignee_id ? 'someone' : 'nobody');
  if (field === 'team_id') return t.team?.name ?? (t.team_id ? 'a team' : 'no team');
  const v = t[field];
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

export function diffTickets(base: Ticket, current: Ticket): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, label] of FIELDS) {
    if ((base[field] ?? null) !== (current[field] ?? null)) {
      out.push({ field, label, before: show(base, field), after: show(current, field) });
    }
  }
  return out;
}

/** The agent's pending fields that someone else has also changed (re-applying overwrites them). */
export function overlapping(patch: Record<string, unknown>, changes: FieldChange[]): string[] {
  return changes.filter((c) => c.field in patch).map((c) => c.label);
}
