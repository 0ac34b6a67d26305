// Query keys and hooks shared by the console and the portal. Each server resource has one key
// here; mutations invalidate by these keys.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Attachment, CustomField, Ticket, TimelineItem, Workflow } from './types';

export const keys = {
  tickets: ['tickets'] as const,
  ticketList: (params: Record<string, string>) => ['tickets', 'list', params] as const,
  ticket: (id: string) => ['tickets', 'one', id] as const,
  timeline: (id: string) => ['tickets', 'timeline', id] as const,
  attachments: (id: string) => ['tickets', 'attachments', id] as const,
  workflow: ['workflow'] as const,
  teams: ['teams'] as const,
  users: ['users'] as const,
  savedReplies: ['saved-replies'] as const,
  customFields: ['custom-fields'] as const,
  /** Under customFields, so invalidating the active list refreshes the admin's list too. */
  adminCustomFields: ['custom-fields', 'admin'] as const,
  branding: ['branding'] as const,
};

export function useTicket(id: string) {
  return useQuery({ queryKey: keys.ticket(id), queryFn: () => api<Ticket>(`/tickets/${encodeURIComponent(id)}`) });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: keys.timeline(id),
    queryFn: () => api<{ items: TimelineItem[] }>(`/tickets/${encodeURIComponent(id)}/timeline`),
    select: (d) => d.items,
  });
}

export function useAttachments(id: string) {
  return useQuery({
    queryKey: keys.attachments(id),
    queryFn: () => api<{ items: Attachment[] }>(`/tickets/${encodeURIComponent(id)}/attachments`),
    select: (d) => d.items,
  });
}

/** The active custom fields, in display order. */
export function useCustomFields() {
  return useQuery({
    queryKey: keys.customFields,
    queryFn: () => api<{ items: CustomField[] }>('/custom-fields'),
    select: (d) => d.items,
    staleTime: 300_000,
  });
}

export function useWorkflow() {
  return useQuery({ queryKey: keys.workflow, queryFn: () => api<Workflow>('/workflow'), staleTime: 300_000 });
}

/** The statuses a ticket in `from` may move to, in workflow order. */
export function allowedNext(wf: Workflow | undefined, from: string) {
  if (!wf) return [];
  const to = new Set(wf.transitions.filter((t) => t.from === from).map((t) => t.to));
  return wf.statuses.filter((s) => to.has(s.key)).sort((a, b) => a.sort_order - b.sort_order);
}

export function statusLabel(wf: Workflow | undefined, key: string): string {
  return wf?.statuses.find((s) => s.key === key)?.label ?? key;
}

export function useAddComment(ticketId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (c: { body_md: string; is_internal: boolean }) =>
      api(`/tickets/${encodeURIComponent(ticketId)}/comments`, { method: 'POST', body: c }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.tickets }),
  });
}

export type TicketPatch = Partial<Record<string, unknown>>;

/** PATCH with If-Match; on success the cache holds the new ticket at once. */
export function usePatchTicket(ticketId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ patch, version }: { patch: TicketPatch; version: number }) =>
      api<Ticket>(`/tickets/${encodeURIComponent(ticketId)}`, { method: 'PATCH', body: patch, ifMatch: version }),
    onSuccess: (t) => {
      qc.setQueryData(keys.ticket(ticketId), t);
      qc.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}
