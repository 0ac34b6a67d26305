// Custom field definitions between the admin's form and /api/admin/custom-fields: what the form
// holds (a draft of strings and lists), the body each save sends (a create names everything, a
// change only what the admin changed, so a save after someone else's never undoes theirs by
// accident), the options list's edits, and the API's answers turned into words by field.
// core/hd_api_custom_fields.c and migrations/0017_branding_and_custom_field_admin.sql hold the rules.
import { ApiError } from '../api/client';
import type { AdminCustomField, CustomFieldType } from '../api/types';

/** The types the API accepts, in the words the ticket forms use for them. */
export const FIELD_TYPES: [CustomFieldType, string][] = [
  ['text', 'Short text'],
  ['textarea', 'Long text'],
  ['number', 'Number'],
  ['date', 'Date'],
  ['boolean', 'Yes / no'],
  ['select', 'Choice from a list'],
];

export const typeLabel = (t: string): string => FIELD_TYPES.find(([k]) => k === t)?.[1] ?? t;

/** The key the API and the table's check accept (`^[a-z][a-z0-9_]{0,62}$`). */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const KEY_RULE = 'A lower-case letter, then up to 62 lower-case letters, digits or _.';

/** A key made from a label while the admin has not typed one: "Asset tag (IT)" → "asset_tag_it". */
export function suggestKey(label: string): string {
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 63)
    .replace(/_+$/, '');
}

export interface FieldDraft {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  active: boolean;
  options: string[];
  /** As typed; the API wants a whole number from -32768 to 32767. */
  sortOrder: string;
}

export const emptyDraft = (): FieldDraft => ({
  key: '', label: '', type: 'text', required: false, active: true, options: [], sortOrder: '0',
});

export const draftOf = (f: AdminCustomField): FieldDraft => ({
  key: f.key, label: f.label, type: f.type, required: f.required, active: f.active,
  options: [...f.options], sortOrder: String(f.sort_order),
});

// --- the options of a select ---------------------------------------------------------------

export const OPTIONS_MAX = 100;

/** Adds a trimmed option at the end; an empty, repeated or 101st one is refused in words. */
export function addOption(options: string[], name: string): { options: string[]; error?: string } {
  const v = name.trim();
  if (v === '') return { options, error: 'Type the option first.' };
  if (options.includes(v)) return { options, error: `“${v}” is already an option.` };
  if (options.length >= OPTIONS_MAX) return { options, error: `A field has at most ${OPTIONS_MAX} options.` };
  return { options: [...options, v] };
}

export const removeOption = (options: string[], i: number): string[] => options.filter((_, j) => j !== i);

/** Moves option i by delta places (-1 up, +1 down); at either end nothing moves. */
export function moveOption(options: string[], i: number, delta: number): string[] {
  const j = i + delta;
  if (i < 0 || i >= options.length || j < 0 || j >= options.length) return options;
  const out = [...options];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** "London, Leeds, +3 more" for the table; "—" when the field has none. */
export function optionsSummary(options: string[], shown = 3): string {
  if (options.length === 0) return '—';
  const head = options.slice(0, shown).join(', ');
  return options.length > shown ? `${head}, +${options.length - shown} more` : head;
}

// --- bodies --------------------------------------------------------------------------------

/** A whole number as a number; anything else as typed, for the server to name. Empty is 0. */
function sortOrderValue(s: string): number | string {
  const t = s.trim();
  if (t === '') return 0;
  return /^[+-]?\d+$/.test(t) ? Number(t) : t;
}

/** POST /api/admin/custom-fields: options only for a select (the API refuses them elsewhere). */
export function createBody(d: FieldDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    key: d.key.trim(), label: d.label, type: d.type, required: d.required, active: d.active,
    sort_order: sortOrderValue(d.sortOrder),
  };
  if (d.type === 'select') body.options = d.options;
  return body;
}

/**
 * PATCH /api/admin/custom-fields/{id}: the fields the draft changes from `base` (the version the
 * edit started from), never key or type. Empty when there is nothing to save.
 */
export function patchBody(base: AdminCustomField, d: FieldDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (d.label !== base.label) body.label = d.label;
  if (d.required !== base.required) body.required = d.required;
  if (d.active !== base.active) body.active = d.active;
  const order = sortOrderValue(d.sortOrder);
  if (order !== base.sort_order) body.sort_order = order;
  if (base.type === 'select' && d.options.join('\n') !== base.options.join('\n')) body.options = d.options;
  return body;
}

// --- answers -------------------------------------------------------------------------------

export interface SaveErrors {
  /** One sentence for the top of the form; null when the field errors say it all. */
  message: string | null;
  /** By body field name: key, label, type, options, required, active, sort_order. */
  fields: Record<string, string>;
  /** A change met a newer version (409 on PATCH): the admin's typing stays, a reload is offered. */
  stale: boolean;
}

/** A failed create or change in words; a duplicate key (409 on create) is an error on the key. */
export function saveErrors(e: unknown, creating: boolean): SaveErrors {
  if (!(e instanceof ApiError)) return { message: (e as Error)?.message ?? 'The field could not be saved.', fields: {}, stale: false };
  if (e.status === 409 && creating) {
    return { message: null, fields: { key: 'A field with this key exists already (perhaps inactive); pick another key.' }, stale: false };
  }
  if (e.status === 409) {
    return {
      message: 'Someone else changed this field while you were editing it. What you typed is still here: reload their version, check it, then save again.',
      fields: {}, stale: true,
    };
  }
  const fields = e.fields;
  return { message: Object.keys(fields).length > 0 ? null : e.message, fields, stale: false };
}

// --- a stale edit --------------------------------------------------------------------------

const COMPARED: [keyof FieldDraft, string][] = [
  ['label', 'label'], ['required', 'required'], ['active', 'active'], ['options', 'options'], ['sortOrder', 'order'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * After a 409 the admin reloads: their edits (what differs from the version they started from)
 * are carried onto the current version. Returns the new draft, what someone else changed, and
 * which of those the admin's edits will overwrite on the next save.
 */
export function rebase(base: AdminCustomField, current: AdminCustomField, draft: FieldDraft): { draft: FieldDraft; theirs: string[]; clashes: string[] } {
  const was = draftOf(base);
  const now = draftOf(current);
  const next: FieldDraft = { ...now };
  const theirs: string[] = [];
  const clashes: string[] = [];
  for (const [k, name] of COMPARED) {
    const mine = !same(draft[k], was[k]);
    const changed = !same(now[k], was[k]);
    if (changed) theirs.push(name);
    if (mine) {
      (next as unknown as Record<string, unknown>)[k] = draft[k];
      if (changed && !same(now[k], draft[k])) clashes.push(name);
    }
  }
  return { draft: next, theirs, clashes };
}
