import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { AdminCustomField } from '../api/types';
import {
  addOption, createBody, draftOf, emptyDraft, KEY_PATTERN, moveOption, optionsSummary, patchBody, rebase, removeOption,
  saveErrors, suggestKey,
} from './customFields';

const T = 'https://helpdesk.dev/problems/';
const site: AdminCustomField = {
  id: 'f1', key: 'site', label: 'Site', type: 'select', required: true, options: ['London', 'Leeds'], sort_order: 5,
  active: true, version: 3, created_at: '', updated_at: '',
};

describe('keys', () => {
  it('suggests a key the API accepts from a label', () => {
    expect(suggestKey('Asset tag (IT)')).toBe('asset_tag_it');
    expect(suggestKey('  2nd Floor — Café ')).toBe('nd_floor_cafe');
    expect(suggestKey('42')).toBe('');
    const long = suggestKey('x'.repeat(70));
    expect(long).toHaveLength(63);
    for (const l of ['Asset tag (IT)', 'Ünïcode ok', 'a'.repeat(62) + ' b']) expect(suggestKey(l)).toMatch(KEY_PATTERN);
  });
  it('matches the pattern the server checks', () => {
    expect(KEY_PATTERN.test('site_2')).toBe(true);
    expect(KEY_PATTERN.test('Site')).toBe(false);
    expect(KEY_PATTERN.test('2site')).toBe(false);
    expect(KEY_PATTERN.test('a'.repeat(64))).toBe(false);
  });
});

describe('options', () => {
  it('adds trimmed, distinct options and says why it refuses one', () => {
    expect(addOption(['London'], '  Leeds ')).toEqual({ options: ['London', 'Leeds'] });
    expect(addOption(['London'], 'London').error).toMatch(/already an option/);
    expect(addOption(['London'], '   ').error).toMatch(/Type the option/);
    expect(addOption(Array.from({ length: 100 }, (_, i) => `o${i}`), 'one more').error).toMatch(/at most 100/);
  });
  it('moves an option up or down, and not past either end', () => {
    const o = ['a', 'b', 'c'];
    expect(moveOption(o, 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveOption(o, 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveOption(o, 0, -1)).toBe(o);
    expect(moveOption(o, 2, 1)).toBe(o);
    expect(o).toEqual(['a', 'b', 'c']);
  });
  it('removes one option', () => {
    expect(removeOption(['a', 'b', 'c'], 1)).toEqual(['a', 'c']);
  });
  it('summarises them for the table', () => {
    expect(optionsSummary([])).toBe('—');
    expect(optionsSummary(['a', 'b'])).toBe('a, b');
    expect(optionsSummary(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c, +2 more');
  });
});

describe('bodies', () => {
  it('a create names everything, options only for a select, the order as a number', () => {
    const d = { ...emptyDraft(), key: ' room ', label: 'Room', sortOrder: '7' };
    expect(createBody(d)).toEqual({ key: 'room', label: 'Room', type: 'text', required: false, active: true, sort_order: 7 });
    const s = createBody({ ...d, type: 'select', options: ['A', 'B'], sortOrder: '' });
    expect(s.options).toEqual(['A', 'B']);
    expect(s.sort_order).toBe(0);
    expect(createBody({ ...d, options: ['left over'] })).not.toHaveProperty('options');
  });
  it('sends an order that is not a whole number as typed, for the server to name', () => {
    expect(createBody({ ...emptyDraft(), sortOrder: '1.5' }).sort_order).toBe('1.5');
  });
  it('a change sends only what the admin changed, never key or type', () => {
    expect(patchBody(site, draftOf(site))).toEqual({});
    expect(patchBody(site, { ...draftOf(site), label: 'Office', key: 'x', type: 'text' })).toEqual({ label: 'Office' });
    expect(patchBody(site, { ...draftOf(site), options: ['Leeds', 'London'], active: false, sortOrder: '-2' }))
      .toEqual({ options: ['Leeds', 'London'], active: false, sort_order: -2 });
    const text = { ...site, type: 'text' as const, options: [] };
    expect(patchBody(text, { ...draftOf(text), options: ['x'] })).toEqual({});
  });
});

describe('saveErrors', () => {
  it('puts the server\'s field errors next to their fields', () => {
    const e = new ApiError(400, { type: `${T}bad-request`, errors: [{ field: 'key', message: 'a lower-case letter, then up to 62 lower-case letters, digits or _' }] });
    expect(saveErrors(e, true)).toEqual({ message: null, fields: { key: 'A lower-case letter, then up to 62 lower-case letters, digits or _' }, stale: false });
  });
  it('reads a 409 on create as a key in use, and on a change as a stale version', () => {
    const dup = new ApiError(409, { type: `${T}conflict`, detail: 'a custom field with key site exists' });
    const c = saveErrors(dup, true);
    expect(c.stale).toBe(false);
    expect(c.fields.key).toMatch(/exists already/);
    const stale = saveErrors(new ApiError(409, { type: `${T}conflict`, current_version: 4 }), false);
    expect(stale.stale).toBe(true);
    expect(stale.message).toMatch(/Someone else changed this field/);
  });
  it('says anything else in one sentence', () => {
    expect(saveErrors(new ApiError(403, { type: `${T}forbidden` }), false).message).toMatch(/permission/);
  });
});

describe('rebase', () => {
  it('carries the admin\'s edits onto the current version and names what clashes', () => {
    const current = { ...site, version: 4, label: 'Office', required: false };
    const mine = { ...draftOf(site), label: 'Building', options: ['London', 'Leeds', 'York'] };
    const r = rebase(site, current, mine);
    expect(r.draft).toEqual({ ...draftOf(current), label: 'Building', options: ['London', 'Leeds', 'York'] });
    expect(r.theirs).toEqual(['label', 'required']);
    expect(r.clashes).toEqual(['label']);
    expect(patchBody(current, r.draft)).toEqual({ label: 'Building', options: ['London', 'Leeds', 'York'] });
  });
  it('keeps their changes where the admin changed nothing', () => {
    const current = { ...site, version: 4, active: false };
    const r = rebase(site, current, draftOf(site));
    expect(r.draft.active).toBe(false);
    expect(r.clashes).toEqual([]);
  });
});
