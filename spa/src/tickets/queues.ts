// The agent's queues as list-API filters (GET /api/tickets).
import type { Me, Workflow } from '../api/types';

export type QueueName = 'mine' | 'team' | 'unassigned' | 'all';

export const QUEUES: { name: QueueName; label: string }[] = [
  { name: 'mine', label: 'Mine' },
  { name: 'team', label: 'My team' },
  { name: 'unassigned', label: 'Unassigned' },
  { name: 'all', label: 'All' },
];

export const SORTABLE = ['number', 'priority', 'created_at', 'updated_at'] as const;
export type SortKey = (typeof SORTABLE)[number];

export function isQueue(s: string | null): s is QueueName {
  return QUEUES.some((q) => q.name === s);
}

/** Statuses still being worked on (open or paused): what mine/team/unassigned show. */
export function workingStatuses(wf: Workflow): string[] {
  return wf.statuses.filter((s) => s.category === 'open' || s.category === 'paused').map((s) => s.key);
}

/**
 * The list API's query for a queue, or null when the queue cannot apply (no team).
 * `filters` are the person's extra choices (priority, sla_state, status) and `sort`.
 */
export function queueQuery(
  queue: QueueName,
  me: Me,
  wf: Workflow,
  filters: { priority?: string; sla_state?: string; status?: string; sort?: string },
): Record<string, string> | null {
  const q: Record<string, string> = { limit: '50', sort: filters.sort || '-created_at' };
  if (queue !== 'all') q.status = workingStatuses(wf).join(',');
  if (queue === 'mine') q.assignee_id = me.id;
  if (queue === 'unassigned') q.assignee_id = 'none';
  if (queue === 'team') {
    if (me.teams.length === 0) return null;
    q.team_id = me.teams[0].id;
  }
  if (filters.status) q.status = filters.status;
  if (filters.priority) q.priority = filters.priority;
  if (filters.sla_state) q.sla_state = filters.sla_state;
  return q;
}

/** Clicking a column: sort by it descending first, then flip. */
export function nextSort(current: string, key: SortKey): string {
  if (current === `-${key}`) return key;
  return `-${key}`;
}
