import { describe, expect, it } from 'vitest';
import type { CustomField } from '../api/types';
import { customErrorKey, customRows, customToBody, formatCustomValue } from './customValues';

const f = (key: string, type: CustomField['type'], required = false, options: string[] = []): CustomField =>
  ({ key, label: key.toUpperCase(), type, required, options, sort_order: 0 });
const fields = [f('site', 'select', true, ['London', 'Leeds']), f('count', 'number'), f('vip', 'boolean'),
  f('due', 'date'), f('notes', 'textarea'), f('tag', 'text')];

describe('customToBody', () => {
  it('types each value by its field and leaves empty ones out, so the server names the missing', () => {
    expect(customToBody(fields, { site: '', count: ' 12 ', tag: '  A7 ', notes: ' keep  spaces ', due: '2026-02-28' }))
      .toEqual({ count: 12, tag: 'A7', notes: ' keep  spaces ', due: '2026-02-28' });
  });
  it('sends a number that does not parse as typed, for the server to refuse', () => {
    expect(customToBody(fields, { count: '12abc' })).toEqual({ count: '12abc' });
  });
  it('sends a ticked or unticked checkbox as a boolean, an untouched optional one not at all', () => {
    expect(customToBody(fields, { vip: 'true' })).toEqual({ vip: true });
    expect(customToBody(fields, { vip: 'false' })).toEqual({ vip: false });
    expect(customToBody(fields, {})).toEqual({});
    expect(customToBody([f('ok', 'boolean', true)], {})).toEqual({ ok: false });
  });
});

describe('reading values back', () => {
  it('maps a field to the error key the API uses', () => {
    expect(customErrorKey('site')).toBe('custom_json.site');
  });
  it('shows booleans in words and keeps text as it is', () => {
    expect(formatCustomValue(fields[2], true)).toBe('Yes');
    expect(formatCustomValue(fields[2], false)).toBe('No');
    expect(formatCustomValue(fields[5], 'A7')).toBe('A7');
    expect(formatCustomValue(fields[1], 3)).toBe('3');
  });
  it('lists values in the fields’ order with their labels, then keys no field names any more', () => {
    expect(customRows(fields, { zzz: 'old', tag: 'A7', site: 'Leeds', count: null }).map((r) => [r.label, r.value]))
      .toEqual([['SITE', 'Leeds'], ['TAG', 'A7'], ['zzz', 'old']]);
    expect(customRows(fields, null)).toEqual([]);
  });
});
