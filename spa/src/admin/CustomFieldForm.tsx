// Creating a custom field (key, label, type, options, required, active, order) or changing one
// (key and type are fixed: tickets hold values under the key). A change goes with If-Match; when
// someone else saved first, the admin's typing stays and "Reload their version" carries it onto
// the current version (src/admin/customFields.ts, rebase).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AdminCustomField } from '../api/types';
import { ErrorMessage, FieldError } from '../ui/States';
import {
  draftOf, emptyDraft, FIELD_TYPES, KEY_PATTERN, KEY_RULE, patchBody, rebase, saveErrors, suggestKey, typeLabel, type FieldDraft,
} from './customFields';
import { useFetchCustomField, useSaveCustomField } from './customFieldQueries';
import { OptionsEditor } from './OptionsEditor';

function described(id: string, error: string | undefined, hint = true) {
  return { 'aria-invalid': !!error || undefined, 'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined };
}

export function CustomFieldForm({ field, onDone, onCancel }: {
  field: AdminCustomField | null;
  onDone: (saved: AdminCustomField) => void;
  onCancel: () => void;
}) {
  const fetchField = useFetchCustomField();
  const [base, setBase] = useState(field);
  const [draft, setDraft] = useState<FieldDraft>(field ? draftOf(field) : emptyDraft());
  const [keyTouched, setKeyTouched] = useState(false);
  const [reloaded, setReloaded] = useState<string | null>(null);
  const [nothing, setNothing] = useState(false);
  const save = useSaveCustomField();
  const first = useRef<HTMLInputElement>(null);
  const creating = base === null;
  const err = save.error ? saveErrors(save.error, creating) : null;
  const fe = err?.fields ?? {};

  useEffect(() => first.current?.focus(), []);

  const set = <K extends keyof FieldDraft>(k: K, v: FieldDraft[K]) => {
    setNothing(false);
    setDraft((d) => ({ ...d, [k]: v }));
  };
  const setLabel = (label: string) => {
    setNothing(false);
    setDraft((d) => ({ ...d, label, key: creating && !keyTouched ? suggestKey(label) : d.key }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (base && Object.keys(patchBody(base, draft)).length === 0) return setNothing(true);
    save.mutate({ base, draft }, { onSuccess: onDone });
  };

  const reload = async () => {
    if (!base) return;
    let current: AdminCustomField | null;
    try {
      current = await fetchField(base.id);
    } catch (e) {
      return setReloaded(`Their version could not be loaded: ${(e as Error).message}`);
    }
    save.reset();
    if (!current) return setReloaded('Someone deleted this field in the meantime; there is nothing left to change.');
    const r = rebase(base, current, draft);
    setBase(current);
    setDraft(r.draft);
    setReloaded(`Reloaded. ${r.theirs.length ? `Someone else changed its ${r.theirs.join(', ')}.` : 'Nothing you can edit here changed.'} `
      + (r.clashes.length ? `Saving now replaces their ${r.clashes.join(', ')} with yours.` : 'Your edits are kept; save to apply them.'));
  };

  const keyBad = draft.key !== '' && !KEY_PATTERN.test(draft.key);
  const title = creating ? 'New custom field' : `Edit “${field?.label}”`;

  return (
    <form onSubmit={submit} noValidate className="card space-y-4 p-4 sm:p-5" aria-labelledby="field-form-title">
      <h2 id="field-form-title" className="text-lg font-semibold">{title}</h2>
      {err?.message && (
        <ErrorMessage>
          {err.message}{' '}
          {err.stale && <button type="button" className="font-medium underline" onClick={() => void reload()}>Reload their version</button>}
        </ErrorMessage>
      )}
      {reloaded && <p role="status" className="rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm">{reloaded}</p>}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label className="label" htmlFor="field-label">Label</label>
          <input id="field-label" ref={creating ? undefined : first} className="input" value={draft.label} maxLength={200}
            onChange={(e) => setLabel(e.target.value)} {...described('field-label', fe.label, false)} />
          <FieldError id="field-label-error" message={fe.label} />
        </div>
        {creating ? (
          <div>
            <label className="label" htmlFor="field-key">Key</label>
            <input id="field-key" ref={first} className="input font-mono" value={draft.key} maxLength={63} autoComplete="off" spellCheck={false}
              onChange={(e) => { setKeyTouched(true); set('key', e.target.value); }} {...described('field-key', fe.key)} />
            {fe.key
              ? <FieldError id="field-key-error" message={fe.key} />
              : <p id="field-key-hint" className={`mt-1 text-xs ${keyBad ? 'text-warn' : 'text-muted'}`}>
                  {keyBad ? 'The server will refuse this key. ' : ''}{KEY_RULE} Tickets store values under it; it cannot change later.
                </p>}
          </div>
        ) : (
          <div className="self-start text-sm">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
              <dt className="text-muted">Key</dt><dd className="font-mono">{draft.key}</dd>
              <dt className="text-muted">Type</dt><dd>{typeLabel(draft.type)}</dd>
            </dl>
            <p className="mt-1 text-xs text-muted">Key and type never change, so the values tickets hold keep their meaning.</p>
          </div>
        )}
        {creating && (
          <div>
            <label className="label" htmlFor="field-type">Type</label>
            <select id="field-type" className="input" value={draft.type} onChange={(e) => set('type', e.target.value as FieldDraft['type'])}
              {...described('field-type', fe.type, false)}>
              {FIELD_TYPES.map(([t, l]) => <option key={t} value={t}>{l}</option>)}
            </select>
            <FieldError id="field-type-error" message={fe.type} />
          </div>
        )}
        <div>
          <label className="label" htmlFor="field-order">Display order</label>
          <input id="field-order" className="input" inputMode="numeric" value={draft.sortOrder} onChange={(e) => set('sortOrder', e.target.value)}
            {...described('field-order', fe.sort_order)} />
          {fe.sort_order
            ? <FieldError id="field-order-error" message={fe.sort_order} />
            : <p id="field-order-hint" className="mt-1 text-xs text-muted">Lower numbers come first; equal ones by label.</p>}
        </div>
      </div>
      {draft.type === 'select' && <OptionsEditor options={draft.options} onChange={(o) => set('options', o)} error={fe.options} />}
      <div className="space-y-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="h-4 w-4" checked={draft.required} onChange={(e) => set('required', e.target.checked)} />
          Required when filing a ticket
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="h-4 w-4" checked={draft.active} onChange={(e) => set('active', e.target.checked)} />
          Active (shown on the new-ticket forms)
        </label>
      </div>
      {nothing && <p role="status" className="text-sm text-muted">Nothing changed, so there is nothing to save.</p>}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onCancel}>Cancel</button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : creating ? 'Create field' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
