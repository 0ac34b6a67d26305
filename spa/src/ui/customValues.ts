// Custom ticket fields (GET /api/custom-fields) between the form and the API: a form keeps every
// value as a string (what inputs hold), the API wants each value typed by its field, and
// answers a bad one as an error on `custom_json.<key>`.
import type { CustomField } from '../api/types';

export type CustomDraft = Record<string, string>;

/** The problem+json field name the API uses for a custom field's error. */
export const customErrorKey = (key: string) => `custom_json.${key}`;

/**
 * The custom_json for a create: each filled-in value typed by its field (number, true/false);
 * empty ones are left out, so the server says which required ones are missing. A number that
 * does not parse is sent as typed, for the server to name.
 */
export function customToBody(fields: CustomField[], draft: CustomDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = (draft[f.key] ?? '').trim();
    if (f.type === 'boolean') {
      if (draft[f.key] === 'true') out[f.key] = true;
      else if (draft[f.key] === 'false' || f.required) out[f.key] = false;
      continue;
    }
    if (v === '') continue;
    if (f.type === 'number') {
      const n = Number(v);
      out[f.key] = Number.isFinite(n) ? n : v;
    } else {
      out[f.key] = f.type === 'textarea' ? draft[f.key] : v;
    }
  }
  return out;
}

/** A stored value as a person reads it. */
export function formatCustomValue(field: CustomField | undefined, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean' || field?.type === 'boolean') return v ? 'Yes' : 'No';
  if (field?.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { timeZone: 'UTC', dateStyle: 'medium' });
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A ticket's custom values in the fields' order, then any the definitions no longer name. */
export function customRows(fields: CustomField[], values: Record<string, unknown> | null | undefined): { key: string; label: string; value: string }[] {
  const vals = values ?? {};
  const rows = fields
    .filter((f) => vals[f.key] !== undefined && vals[f.key] !== null && vals[f.key] !== '')
    .map((f) => ({ key: f.key, label: f.label, value: formatCustomValue(f, vals[f.key]) }));
  const known = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(vals).sort()) {
    if (!known.has(k) && vals[k] !== null) rows.push({ key: k, label: k, value: formatCustomValue(undefined, vals[k]) });
  }
  return rows;
}
