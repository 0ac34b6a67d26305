// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineItem } from '../api/types';
import { fieldWords, Timeline } from './Timeline';

const at = '2026-11-27T10:00:00Z';
const agent = { id: 'u1', display_name: 'Alex Agent', email: 'agent@example.com' };

afterEach(cleanup);

describe('Timeline', () => {
  it('says what each kind of item means, in order', () => {
    const items: TimelineItem[] = [
      { type: 'status', at, actor: agent, from: null, to: 'new', note: null },
      { type: 'fields', at, actor: agent, changes: { priority: ['P3', 'P2'] } },
      { type: 'email', at, id: 'm1', kind: 'resolved', to: 'req@example.com', subject: '[#TKT-1] Resolved: VPN',
        status: 'failed', attempts: 3, last_error: '550 no such user', sent_at: null },
      { type: 'csat', at, score: 'bad', comment: 'Took a while.' },
    ];
    render(<Timeline items={items} workflow={undefined} />);
    const rows = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^Alex Agentopened it as new/),
      expect.stringMatching(/^Alex Agentchanged the priority from P3 to P2/),
      expect.stringMatching(/^The helpdeskmailed the resolution mail “\[#TKT-1\] Resolved: VPN” to req@example\.com — failed: 550 no such user/),
      expect.stringMatching(/^The requesterrated the help bad“Took a while\.”/),
    ]);
    expect(rows.some((r) => /undefined/.test(r.textContent ?? '')), 'no "undefined" anywhere').toBe(false);
  });

  it('leaves out an item of a type it does not know, and is empty without any it knows', () => {
    const unknown = { type: 'merge', at } as unknown as TimelineItem;
    render(<Timeline items={[unknown]} workflow={undefined} />);
    expect(screen.queryByRole('list', { name: 'Timeline' })).toBeNull();
    expect(screen.getByText('No activity yet.')).toBeTruthy();
  });
});

describe('fieldWords', () => {
  it('names people and team changes by what happened, never by id', () => {
    expect(fieldWords({ assignee_id: [null, 'u2'] })).toBe('assigned it');
    expect(fieldWords({ assignee_id: ['u1', 'u2'] })).toBe('reassigned it');
    expect(fieldWords({ assignee_id: ['u1', null] })).toBe('unassigned it');
    expect(fieldWords({ team_id: ['t1', 't2'], priority: ['P4', 'P1'] }))
      .toBe('moved it to another team; changed the priority from P4 to P1');
  });
  it('names long or structured fields without their values, and shows empty as a dash', () => {
    expect(fieldWords({ description: ['a', 'b'] })).toBe('edited the description');
    expect(fieldWords({ custom_json: [{}, { site: 'Leeds' }] })).toBe('edited the custom fields');
    expect(fieldWords({ category: [null, 'Printing'] })).toBe('changed the category from — to Printing');
  });
});
