import { describe, expect, it } from 'vitest';
import type { Ticket } from '../api/types';
import { diffTickets, overlapping } from './conflict';

const base = {
  id: 'x', number: 'TKT-1', title: 'Printer', status: 'new', priority: 'P3', urgency: 2, category: null, subcategory: null,
  requester_id: 'r', assignee_id: null, team_id: null, version: 1, created_at: '', updated_at: '', sla: null,
  description: 'd', requester: null, assignee: null, team: null, custom_json: {},
} as Ticket;

describe('diffTickets', () => {
  it('lists each field someone else changed, in words', () => {
    const current = { ...base, version: 2, priority: 'P1', assignee_id: 'a', assignee: { id: 'a', email: 'a@x', display_name: 'Alex' } };
    expect(diffTickets(base, current)).toEqual([
      { field: 'priority', label: 'Priority', before: 'P3', after: 'P1' },
      { field: 'assignee_id', label: 'Assignee', before: 'nobody', after: 'Alex' },
    ]);
  });
  it('finds nothing when only the version moved', () => {
    expect(diffTickets(base, { ...base, version: 3 })).toEqual([]);
  });
  it('names the fields that re-applying would overwrite', () => {
    const changes = diffTickets(base, { ...base, priority: 'P1', status: 'in_progress' });
    expect(overlapping({ status: 'resolved' }, changes)).toEqual(['Status']);
  });
});
