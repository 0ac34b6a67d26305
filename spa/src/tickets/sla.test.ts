import { describe, expect, it } from 'vitest';
import type { Sla, SlaClock } from '../api/types';
import { summariseSla } from './sla';

const clock = (c: Partial<SlaClock>): SlaClock => ({
  state: 'ok', due_at: '2026-01-01T10:00:00Z', met_at: null, target_ms: 4 * 3600_000, elapsed_ms: 0, remaining_ms: 4 * 3600_000, ...c,
});
const sla = (s: Partial<Sla>): Sla => ({
  state: 'ok', paused: false, reason: null, policy: { id: 'p', name: 'P3' }, response: clock({}), resolution: clock({ target_ms: 86_400_000 }), ...s,
});

describe('summariseSla', () => {
  it('counts down the response clock until it is met', () => {
    const s = summariseSla(sla({ response: clock({ remaining_ms: 2 * 3600_000 + 15 * 60_000 }) }));
    expect(s).toMatchObject({ state: 'ok', clock: 'response', text: '2h 15m to response' });
    expect(s.tone).toContain('text-ok');
  });

  it('moves to the resolution clock once the response is met', () => {
    const s = summariseSla(sla({ response: clock({ met_at: '2026-01-01T09:00:00Z', state: 'met' }), resolution: clock({ remaining_ms: 3 * 86_400_000 }) }));
    expect(s.clock).toBe('resolution');
    expect(s.text).toBe('3d to resolution');
  });

  it('says how far a breached clock is overdue, in the bad colour', () => {
    const s = summariseSla(sla({ state: 'breached', response: clock({ state: 'breached', elapsed_ms: 5 * 3600_000, remaining_ms: 0 }) }));
    expect(s.text).toBe('response overdue by 1h');
    expect(s.tone).toContain('text-bad');
  });

  it('marks paused clocks and at-risk ones', () => {
    expect(summariseSla(sla({ state: 'paused', paused: true })).text).toBe('Paused · 4h to response');
    expect(summariseSla(sla({ state: 'at_risk' })).tone).toContain('text-warn');
  });

  it('shows "No SLA" without a policy', () => {
    expect(summariseSla(null)).toMatchObject({ state: 'none', text: 'No SLA' });
  });
});
