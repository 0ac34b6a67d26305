import { describe, expect, it } from 'vitest';
import type { Me, Workflow } from '../api/types';
import { nextSort, queueQuery } from './queues';

const me: Me = { id: 'u1', email: 'a@x', display_name: 'A', roles: ['agent'], teams: [{ id: 't1', name: 'Desk' }], permissions: [], csrf_token: 'c' };
const wf: Workflow = {
  statuses: [
    { key: 'new', label: 'New', category: 'open', sort_order: 1 },
    { key: 'pending_info', label: 'Pending', category: 'paused', sort_order: 2 },
    { key: 'resolved', label: 'Resolved', category: 'resolved', sort_order: 3 },
    { key: 'closed', label: 'Closed', category: 'closed', sort_order: 4 },
  ],
  transitions: [],
};

describe('queueQuery', () => {
  it('mine: my open and paused tickets', () => {
    expect(queueQuery('mine', me, wf, {})).toEqual({ limit: '50', sort: '-created_at', status: 'new,pending_info', assignee_id: 'u1' });
  });
  it('team, unassigned and all', () => {
    expect(queueQuery('team', me, wf, {})?.team_id).toBe('t1');
    expect(queueQuery('unassigned', me, wf, {})?.assignee_id).toBe('none');
    expect(queueQuery('all', me, wf, { sort: 'priority', priority: 'P1', sla_state: 'breached' })).toEqual({
      limit: '50', sort: 'priority', priority: 'P1', sla_state: 'breached',
    });
  });
  it('has no team queue for someone in no team', () => {
    expect(queueQuery('team', { ...me, teams: [] }, wf, {})).toBeNull();
  });
});

describe('nextSort', () => {
  it('sorts descending first, then flips', () => {
    expect(nextSort('-created_at', 'number')).toBe('-number');
    expect(nextSort('-number', 'number')).toBe('number');
    expect(nextSort('number', 'number')).toBe('-number');
  });
});
