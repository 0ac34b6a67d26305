// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { safeNext } from './session';
import { ticketNumber } from '../tickets/AgentRoutes';
import { shortcutKey } from '../ui/hotkeys';
import { draftToBody } from '../ui/TicketForm';

describe('safeNext', () => {
  it('returns to paths of this app only', () => {
    expect(safeNext('/agent/tickets/TKT-4?x=1')).toBe('/agent/tickets/TKT-4?x=1');
    expect(safeNext('//evil.example/')).toBeNull();
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('/login?next=/x')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});

describe('ticketNumber (quick open)', () => {
  it('reads what people type', () => {
    expect(ticketNumber('42')).toBe('TKT-42');
    expect(ticketNumber(' tkt-42 ')).toBe('TKT-42');
    expect(ticketNumber('TKT42')).toBe('TKT-42');
    expect(ticketNumber('printer')).toBeNull();
  });
});

describe('shortcutKey', () => {
  const ev = (key: string, target: EventTarget | null = document.body, mods = {}) =>
    ({ key, ctrlKey: false, metaKey: false, altKey: false, target, ...mods });
  it('passes single keys, not while typing or with modifiers', () => {
    expect(shortcutKey(ev('j'))).toBe('j');
    expect(shortcutKey(ev('?'))).toBe('?');
    expect(shortcutKey(ev('j', document.createElement('textarea')))).toBeNull();
    expect(shortcutKey(ev('r', document.body, { ctrlKey: true }))).toBeNull();
    expect(shortcutKey(ev('ArrowDown'))).toBeNull();
  });
});

describe('draftToBody', () => {
  const d = { title: ' Laptop ', description: '', category: 'Hardware', subcategory: ' Dock ', urgency: '2', priority: 'P1', requester_id: 'r' };
  it('leaves out what is empty and what a requester may not set', () => {
    expect(draftToBody(d, false)).toEqual({ title: 'Laptop', category: 'Hardware', subcategory: 'Dock', urgency: 2 });
    expect(draftToBody(d, true)).toMatchObject({ priority: 'P1', requester_id: 'r' });
    expect(draftToBody({ ...d, category: '' }, false)).not.toHaveProperty('subcategory');
  });
});
