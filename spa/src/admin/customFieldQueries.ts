// Server data for the custom fields page (settings.admin): the whole list, a save (create, or
// change under If-Match) and a delete. Every write refreshes the admin's list and the active
// list the ticket forms read, which share the customFields key prefix.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys } from '../api/queries';
import type { AdminCustomField } from '../api/types';
import { createBody, patchBody, type FieldDraft } from './customFields';

const list = () => api<{ items: AdminCustomField[] }>('/admin/custom-fields');

export function useAdminCustomFields() {
  return useQuery({ queryKey: keys.adminCustomFields, queryFn: list, select: (d) => d.items });
}

/** Fetches one field as the server has it now (never from the cache); null when it is gone. */
export function useFetchCustomField() {
  const qc = useQueryClient();
  return async (id: string) => {
    const all = await qc.fetchQuery({ queryKey: keys.adminCustomFields, queryFn: list, staleTime: 0 });
    return all.items.find((f) => f.id === id) ?? null;
  };
}

/** Creates a field (no base) or changes `base` to the draft, against base's version. */
export function useSaveCustomField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ base, draft }: { base: AdminCustomField | null; draft: FieldDraft }) =>
      base
        ? api<AdminCustomField>(`/admin/custom-fields/${encodeURIComponent(base.id)}`, { method: 'PATCH', body: patchBody(base, draft), ifMatch: base.version })
        : api<AdminCustomField>('/admin/custom-fields', { method: 'POST', body: createBody(draft) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.customFields }),
  });
}

export function useDeleteCustomField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (f: AdminCustomField) => api<void>(`/admin/custom-fields/${encodeURIComponent(f.id)}`, { method: 'DELETE' }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.customFields }),
  });
}
