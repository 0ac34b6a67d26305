// Custom ticket fields: inputs by type for the ticket forms (required ones marked, the API's
// error for `custom_json.<key>` under its field), and a ticket's values for reading.
import type { CustomField } from '../api/types';
import { useCustomFields } from '../api/queries';
import { customErrorKey, customRows, type CustomDraft } from './customValues';
import { FieldError } from './States';

function Input({ f, value, onChange, invalid }: { f: CustomField; value: string; onChange: (v: string) => void; invalid: boolean }) {
  const id = `cf-${f.key}`;
  const common = {
    id,
    'aria-required': f.required || undefined,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? `${id}-error` : undefined,
  };
  switch (f.type) {
    case 'textarea':
      return <textarea {...common} className="input" rows={3} value={value} onChange={(e) => onChange(e.target.value)} />;
    case 'select':
      return (
        <select {...common} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {f.options.map((o) => <option key={o}>{o}</option>)}
        </select>
      );
    case 'boolean':
      return (
        <input {...common} type="checkbox" className="h-4 w-4" checked={value === 'true'}
          onChange={(e) => onChange(e.target.checked ? 'true' : 'false')} />
      );
    default:
      return <input {...common} className="input" type={f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text'}
        value={value} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** The inputs for every custom field, in display order. */
export function CustomFieldInputs({ fields, draft, onChange, errors }: {
  fields: CustomField[];
  draft: CustomDraft;
  onChange: (key: string, v: string) => void;
  errors: Record<string, string>;
}) {
  if (fields.length === 0) return null;
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="sr-only">More details</legend>
      {fields.map((f) => {
        const err = errors[customErrorKey(f.key)];
        const label = (
          <>
            {f.label}{' '}
            {f.required ? <span className="font-normal text-bad">(required)</span> : <span className="font-normal text-muted">(optional)</span>}
          </>
        );
        return (
          <div key={f.key} className={f.type === 'textarea' ? 'sm:col-span-2' : undefined}>
            {f.type === 'boolean' ? (
              <label className="flex items-center gap-2 text-sm font-medium" htmlFor={`cf-${f.key}`}>
                <Input f={f} value={draft[f.key] ?? ''} onChange={(v) => onChange(f.key, v)} invalid={!!err} />
                {label}
              </label>
            ) : (
              <>
                <label className="label" htmlFor={`cf-${f.key}`}>{label}</label>
                <Input f={f} value={draft[f.key] ?? ''} onChange={(v) => onChange(f.key, v)} invalid={!!err} />
              </>
            )}
            <FieldError id={`cf-${f.key}-error`} message={err} />
          </div>
        );
      })}
    </fieldset>
  );
}

/** A ticket's custom values as a definition list; nothing when it has none. */
export function CustomValues({ values, className }: { values: Record<string, unknown> | null | undefined; className?: string }) {
  const fields = useCustomFields();
  const rows = customRows(fields.data ?? [], values);
  if (rows.length === 0) return null;
  return (
    <section aria-label="Details" className={className}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="custom-values">
        {rows.map((r) => (
          <div key={r.key} className="contents">
            <dt className="text-muted">{r.label}</dt>
            <dd className="min-w-0 break-words">{r.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
