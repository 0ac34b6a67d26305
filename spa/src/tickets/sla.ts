// What the SLA column and badge show: the clock that matters now, its state as a colour, and the
// business time left (or by how much it is overdue).
import type { Sla, SlaClock, SlaState } from '../api/types';
import { formatDuration } from '../ui/format';

export interface SlaSummary {
  state: SlaState | 'none';
  clock: 'response' | 'resolution' | null;
  text: string;
  tone: string; // Tailwind classes from the design tokens
}

const TONE: Record<SlaSummary['state'], string> = {
  ok: 'bg-ok/15 text-ok border-ok/40',
  at_risk: 'bg-warn/15 text-warn border-warn/40',
  breached: 'bg-bad/15 text-bad border-bad/40',
  paused: 'bg-paused/15 text-paused border-paused/40',
  met: 'bg-muted/10 text-muted border-line',
  none: 'bg-muted/10 text-muted border-line',
};

const STATE_WORD: Record<SlaState, string> = {
  ok: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
  paused: 'Paused',
  met: 'Met',
};

/** The running clock: the response clock until it is met, then the resolution clock. */
export function currentClock(sla: Sla): ['response' | 'resolution', SlaClock] | null {
  if (sla.response && !sla.response.met_at) return ['response', sla.response];
  if (sla.resolution) return ['resolution', sla.resolution];
  return null;
}

export function summariseSla(sla: Sla | null | undefined): SlaSummary {
  if (!sla) return { state: 'none', clock: null, text: 'No SLA', tone: TONE.none };
  const cur = currentClock(sla);
  const state = sla.state;
  if (!cur) return { state, clock: null, text: STATE_WORD[state], tone: TONE[state] };
  const [name, clock] = cur;
  const what = name === 'response' ? 'response' : 'resolution';
  let text: string;
  if (clock.met_at) {
    text = `${STATE_WORD.met} (${what})`;
  } else if (clock.state === 'breached' || clock.remaining_ms <= 0) {
    const over = clock.elapsed_ms - clock.target_ms;
    text = over > 0 ? `${what} overdue by ${formatDuration(over)}` : `${what} overdue`;
  } else {
    text = `${formatDuration(clock.remaining_ms)} to ${what}`;
  }
  if ((state === 'paused' || sla.paused) && !clock.met_at) text = `Paused · ${text}`;
  return { state, clock: name, text, tone: TONE[state] };
}
