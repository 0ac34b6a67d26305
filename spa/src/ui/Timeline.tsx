// A ticket's comments and status changes, oldest first. Internal notes look unmistakably
// different from public replies (colour, border, label).
import type { TimelineItem, Workflow } from '../api/types';
import { statusLabel } from '../api/queries';
import { formatDateTime } from './format';
import { Empty } from './States';
import { LockIcon } from './LockIcon';
import { Markdown } from './Markdown';

export function Timeline({ items, workflow }: { items: TimelineItem[]; workflow: Workflow | undefined }) {
  if (items.length === 0) return <Empty title="No activity yet." />;
  return (
    <ol className="space-y-3" aria-label="Timeline">
      {items.map((it, i) =>
        it.type === 'comment' ? (
          <li key={it.id} data-comment={it.is_internal ? 'internal' : 'public'}
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
        ) : (
          <li key={`s${i}`} className="flex flex-wrap gap-x-1 px-1 text-xs text-muted">
            <span>{it.actor?.display_name ?? 'The system'}</span>
            <span>
              {it.from ? <>moved it from <b>{statusLabel(workflow, it.from)}</b> to</> : 'opened it as'}{' '}
              <b>{statusLabel(workflow, it.to)}</b>
            </span>
            {it.note && <span>— “{it.note}”</span>}
            <time dateTime={it.at}>· {formatDateTime(it.at)}</time>
          </li>
        ),
      )}
    </ol>
  );
}
