// Filing a ticket: the requester portal's form, and the console's (which adds priority and a
// requester to file on behalf of). Field errors from the API appear under their fields. Chosen
// files are uploaded once the ticket exists; those refused are handed to onCreated, whose page
// says so next to its own file field. The instance's custom fields (GET /api/custom-fields) are
// rendered by type and sent as custom_json; the server decides what is missing or wrong.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { keys, useCustomFields } from '../api/queries';
import type { CustomField, Ticket } from '../api/types';
import { FilePicker } from '../attachments/Attachments';
import { uploadAll, uploadOne, type UploadFailure } from '../attachments/upload';
import { CustomFieldInputs } from './CustomFields';
import { customToBody, type CustomDraft } from './customValues';
import { ErrorMessage, FieldError } from './States';

export const CATEGORIES = ['Hardware', 'Software', 'Access', 'Network', 'Email', 'Other'];

export const URGENCIES: [number, string][] = [
  [1, 'Critical — I cannot work at all'],
  [2, 'High — my work is badly affected'],
  [3, 'Medium — I can work around it'],
  [4, 'Low — whenever you can'],
];

export interface TicketDraft {
  title: string;
  description: string;
  category: string;
  subcategory: string;
  urgency: string;
  priority: string;
  requester_id: string;
}

/**
 * The POST /api/tickets body for a draft: empty optional fields are left out; with custom
 * fields defined, custom_json carries their values.
 */
export function draftToBody(d: TicketDraft, agent: boolean, fields: CustomField[] = [], custom: CustomDraft = {}): Record<string, unknown> {
  const b: Record<string, unknown> = { title: d.title.trim() };
  if (d.description.trim()) b.description = d.description;
  if (d.category) b.category = d.category;
  if (d.category && d.subcategory.trim()) b.subcategory = d.subcategory.trim();
  if (d.urgency) b.urgency = Number(d.urgency);
  if (agent && d.priority) b.priority = d.priority;
  if (agent && d.requester_id) b.requester_id = d.requester_id;
  if (fields.length > 0) b.custom_json = customToBody(fields, custom);
  return b;
}

const EMPTY: TicketDraft = { title: '', description: '', category: '', subcategory: '', urgency: '3', priority: '', requester_id: '' };

export function TicketForm({ agentFields, onCreated, submitLabel }: {
  agentFields?: (d: TicketDraft, set: (k: keyof TicketDraft, v: string) => void, errors: Record<string, string>) => ReactNode;
  onCreated: (t: Ticket, refused: UploadFailure[]) => void;
  submitLabel: string;
}) {
  const qc = useQueryClient();
  const [d, setD] = useState<TicketDraft>(EMPTY);
  const [custom, setCustom] = useState<CustomDraft>({});
  const fields = useCustomFields();
  const [files, setFiles] = useState<File[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const set = (k: keyof TicketDraft, v: string) => setD((x) => ({ ...x, [k]: v }));
  const create = useMutation({
    mutationFn: async () => {
      const t = await api<Ticket>('/tickets', { method: 'POST', body: draftToBody(d, !!agentFields, fields.data, custom) });
      return { t, refused: await uploadAll(files, uploadOne(t.id)) };
    },
    onSuccess: ({ t, refused }) => {
      qc.invalidateQueries({ queryKey: keys.tickets });
      onCreated(t, refused);
    },
  });
  const errors = { ...(create.error instanceof ApiError ? create.error.fields : {}), ...localErrors };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!d.title.trim()) local.title = 'Give the ticket a short title.';
    setLocalErrors(local);
    if (Object.keys(local).length === 0) create.mutate();
  };
  const described = (f: string) => (errors[f] ? { 'aria-invalid': true, 'aria-describedby': `${f}-error` } : {});

  return (
    <form onSubmit={submit} noValidate className="card space-y-4 p-4 sm:p-5">
      {create.error && <ErrorMessage>{create.error.message}</ErrorMessage>}
      <div>
        <label className="label" htmlFor="title">Title</label>
        <input id="title" className="input" maxLength={300} value={d.title} onChange={(e) => set('title', e.target.value)}
          placeholder="e.g. Laptop will not start" {...described('title')} />
        <FieldError id="title-error" message={errors.title} />
      </div>
      <div>
        <label className="label" htmlFor="description">What happened?</label>
        <textarea id="description" className="input" rows={5} value={d.description}
          onChange={(e) => set('description', e.target.value)} {...described('description')} />
        <FieldError id="description-error" message={errors.description} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="category">Category</label>
          <select id="category" className="input" value={d.category} onChange={(e) => set('category', e.target.value)} {...described('category')}>
            <option value="">Choose…</option>
            {CATEGORIES.map((c) => <option key={c}>{c}</option>)}
          </select>
          <FieldError id="category-error" message={errors.category} />
        </div>
        <div>
          <label className="label" htmlFor="subcategory">Subcategory <span className="font-normal text-muted">(optional)</span></label>
          <input id="subcategory" className="input" value={d.subcategory} disabled={!d.category}
            onChange={(e) => set('subcategory', e.target.value)} {...described('subcategory')} />
          <FieldError id="subcategory-error" message={errors.subcategory} />
        </div>
      </div>
      <fieldset>
        <legend className="label">How urgent is it?</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {URGENCIES.map(([v, label]) => (
            <label key={v} className="flex items-center gap-2 rounded-md border border-line px-3 py-2 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5">
              <input type="radio" name="urgency" value={v} checked={d.urgency === String(v)} onChange={(e) => set('urgency', e.target.value)} />
              {label}
            </label>
          ))}
        </div>
        <FieldError id="urgency-error" message={errors.urgency} />
      </fieldset>
      {fields.isError && <ErrorMessage>The form's extra fields could not be loaded: {fields.error.message}</ErrorMessage>}
      <CustomFieldInputs fields={fields.data ?? []} draft={custom} errors={errors}
        onChange={(k, v) => setCustom((c) => ({ ...c, [k]: v }))} />
      <FilePicker id="new-files" files={files} onChange={setFiles} disabled={create.isPending} />
      {agentFields?.(d, set, errors)}
      <div className="flex justify-end">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Submitting…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
