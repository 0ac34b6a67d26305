// A ticket's history, oldest first: comments, status and field changes, notification mails
// (agents only: the API sends them only to agents) and the requester's survey answer. Internal
// notes look unmistakably different from public replies (colour, border, label). An item of a
// type this app does not know is left out rather than shown wrong.
import type { ReactNode } from 'react';
import type { TimelineItem, Workflow } from '../api/types';
import { statusLabel } from '../api/queries';
import { formatDateTime } from './format';
import { Empty } from './States';
import { LockIcon } from './LockIcon';
import { Markdown } from './Markdown';

type Item<T extends TimelineItem['type']> = Extract<TimelineItem, { type: T }>;

export function Timeline({ items, workflow }: { items: TimelineItem[]; workflow: Workflow | undefined }) {
  const shown = items.filter((it) => KNOWN.has(it.type));
  if (shown.length === 0) return <Empty title="No activity yet." />;
  return (
    <ol className="space-y-3" aria-label="Timeline">
      {shown.map((it, i) => {
        switch (it.type) {
          case 'comment': return <Comment key={it.id} it={it} />;
          case 'status': return <Line key={`s${i}`} at={it.at} who={it.actor?.display_name}>{statusWords(it, workflow)}</Line>;
          case 'fields': return <Line key={`f${i}`} at={it.at} who={it.actor?.display_name}>{fieldWords(it.changes)}</Line>;
          case 'email': return <Line key={`e${it.id}`} at={it.at} who="The helpdesk">{emailWords(it)}</Line>;
          case 'csat': return <Line key="csat" at={it.at} who="The requester">{csatWords(it)}</Line>;
        }
      })}
    </ol>
  );
}

const KNOWN = new Set<string>(['comment', 'status', 'fields', 'email', 'csat']);

function Comment({ it }: { it: Item<'comment'> }) {
  return (
    <li data-comment={it.is_internal ? 'internal' : 'public'}
      className={`rounded-lg border p-3 ${it.is_internal ? 'border-internal-line border-l-4 bg-internal' : 'border-line bg-surface'}`}>
      <div className="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium">{it.actor?.display_name ?? 'Someone'}</span>
        <span className={`rounded px-1.5 text-xs font-semibold uppercase tracking-wide ${it.is_internal ? 'bg-internal-line/20 text-fg' : 'bg-primary/10 text-primary'}`}>
          {it.is_internal ? <><LockIcon /> Internal note</> : 'Public reply'}
        </span>
        <time className="text-xs text-muted" dateTime={it.at}>{formatDateTime(it.at)}</time>
      </div>
      <Markdown source={it.body_md} />
    </li>
  );
}

/** One line of small print: who, what, when. */
function Line({ at, who, children }: { at: string; who: string | undefined; children: ReactNode }) {
  return (
    <li className="flex flex-wrap gap-x-1 px-1 text-xs text-muted">
      <span>{who ?? 'The system'}</span>
      {children}
      <time dateTime={at}>· {formatDateTime(at)}</time>
    </li>
  );
}

function statusWords(it: Item<'status'>, workflow: Workflow | undefined): ReactNode {
  return (
    <>
      <span>
        {it.from ? <>moved it from <b>{statusLabel(workflow, it.from)}</b> to</> : 'opened it as'}{' '}
        <b>{statusLabel(workflow, it.to)}</b>
      </span>
      {it.note && <span>— “{it.note}”</span>}
    </>
  );
}

const FIELD_NAMES: Record<string, string> = {
  title: 'title', description: 'description', priority: 'priority', urgency: 'urgency',
  category: 'category', subcategory: 'subcategory', scheduled_at: 'scheduled time',
  due_at: 'due date', custom_json: 'custom fields', source: 'source',
};

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return formatDateTime(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** "changed the priority from P3 to P2; reassigned it" — people and teams by what happened,
 *  long or structured values by name only. */
export function fieldWords(changes: Record<string, [unknown, unknown]>): string {
  const parts = Object.entries(changes).map(([key, pair]) => {
    const [from, to] = Array.isArray(pair) ? pair : [undefined, undefined];
    if (key === 'assignee_id') return to == null ? 'unassigned it' : from == null ? 'assigned it' : 'reassigned it';
    if (key === 'team_id') return to == null ? 'took it out of its team' : 'moved it to another team';
    const name = FIELD_NAMES[key] ?? key.replace(/_/g, ' ');
    if (key === 'description' || key === 'custom_json') return `edited the ${name}`;
    return `changed the ${name} from ${valueText(from)} to ${valueText(to)}`;
  });
  return parts.length ? parts.join('; ') : 'changed the ticket';
}

const MAIL_KINDS: Record<string, string> = {
  acknowledge: 'acknowledgement', reply: 'reply', resolved: 'resolution mail', sla: 'SLA escalation',
};

export function emailWords(it: Item<'email'>): ReactNode {
  const what = MAIL_KINDS[it.kind] ?? 'mail';
  const state = it.status === 'sent' ? 'sent'
    : it.status === 'failed' ? `failed${it.last_error ? `: ${it.last_error}` : ''}`
    : it.status === 'sending' ? 'sending'
    : `waiting to be sent${it.attempts ? ` (${it.attempts} ${it.attempts === 1 ? 'retry' : 'retries'})` : ''}`;
  return (
    <span data-email={it.status}>
      mailed the {what} “{it.subject}” to {it.to} — <b className={it.status === 'failed' ? 'text-bad' : undefined}>{state}</b>
    </span>
  );
}

function csatWords(it: Item<'csat'>): ReactNode {
  return (
    <>
      <span data-csat={it.score}>rated the help <b>{it.score}</b></span>
      {it.comment && <span className="basis-full whitespace-pre-line text-fg">“{it.comment}”</span>}
    </>
  );
}
