// Queue views over GET /api/tickets: mine, my team, unassigned, all; sortable columns, filters,
// SLA colour and time left; j/k move the selection, Enter opens.
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { statusLabel, useWorkflow } from '../api/queries';
import { useMe } from '../auth/session';
import { useHotkeys } from '../ui/hotkeys';
import { Empty, ErrorMessage, Loading } from '../ui/States';
import { timeAgo } from '../ui/format';
import { isQueue, nextSort, QUEUES, queueQuery, type QueueName, type SortKey } from './queues';
import { rememberQueueOrder, useTicketList, useUsers } from './agentQueries';
import { SlaBadge } from './SlaBadge';

function SortHeader({ label, k, sort, onSort, className = '' }: {
  label: string; k: SortKey; sort: string; onSort: (k: SortKey) => void; className?: string;
}) {
  const dir = sort === k ? 'ascending' : sort === `-${k}` ? 'descending' : 'none';
  return (
    <th scope="col" aria-sort={dir} className={`px-3 py-2 text-left font-medium ${className}`}>
      <button type="button" className="inline-flex items-center gap-1 hover:text-primary" onClick={() => onSort(k)}>
        {label}
        <span aria-hidden className="text-xs">{dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}</span>
      </button>
    </th>
  );
}

export default function QueuePage() {
  const me = useMe().data!;
  const wf = useWorkflow();
  const users = useUsers();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const qp = params.get('queue');
  const queue: QueueName = isQueue(qp) ? qp : 'mine';
  const sort = params.get('sort') ?? '-created_at';
  const priority = params.get('priority') ?? '';
  const slaState = params.get('sla_state') ?? '';

  const query = wf.data ? queueQuery(queue, me, wf.data, { sort, priority, sla_state: slaState }) : null;
  const list = useTicketList(query);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.display_name])), [users.data]);
  const [sel, setSel] = useState(0);

  useEffect(() => {
    setSel(0);
  }, [queue, sort, priority, slaState]);
  useEffect(() => {
    rememberQueueOrder(rows.map((r) => r.number));
  }, [rows]);
  useEffect(() => {
    document.querySelector(`[data-row="${sel}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  useHotkeys({
    j: () => setSel((i) => Math.min(i + 1, rows.length - 1)),
    k: () => setSel((i) => Math.max(i - 1, 0)),
    Enter: () => rows[sel] && navigate(`/agent/tickets/${rows[sel].number}`),
  });

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title" className="sr-only">Ticket queues</h1>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div role="tablist" aria-label="Queues" className="flex flex-wrap gap-1">
          {QUEUES.map((q) => (
            <button key={q.name} role="tab" aria-selected={q.name === queue} type="button"
              className={`rounded-md px-3 py-1.5 text-sm ${q.name === queue ? 'bg-primary text-on-primary' : 'border border-line bg-surface hover:bg-bg'}`}
              onClick={() => set('queue', q.name)}>
              {q.label}
            </button>
          ))}
        </div>
        <div className="ml-auto flex flex-wrap gap-2">
          <label className="text-sm">
            <span className="sr-only">Priority</span>
            <select className="input py-1" value={priority} onChange={(e) => set('priority', e.target.value)}>
              <option value="">Any priority</option>
              {['P1', 'P2', 'P3', 'P4'].map((p) => <option key={p}>{p}</option>)}
            </select>
          </label>
          <label className="text-sm">
            <span className="sr-only">SLA state</span>
            <select className="input py-1" value={slaState} onChange={(e) => set('sla_state', e.target.value)}>
              <option value="">Any SLA state</option>
              <option value="breached">Breached</option>
              <option value="at_risk">At risk</option>
              <option value="ok">On track</option>
              <option value="paused">Paused</option>
              <option value="met">Met</option>
            </select>
          </label>
        </div>
      </div>

      <div className="card overflow-x-auto">
        {wf.isError && <ErrorMessage>{wf.error.message}</ErrorMessage>}
        {list.isError && <div className="p-3"><ErrorMessage>{list.error.message}</ErrorMessage></div>}
        {wf.data && query === null && (
          <Empty title="You are not in a team yet.">Ask a team lead to add you, or use the other queues.</Empty>
        )}
        {(wf.isPending || list.isLoading) && <Loading label="Loading tickets…" />}
        {list.isSuccess && rows.length === 0 && (
          <Empty title="Nothing here.">No tickets match this queue and these filters.</Empty>
        )}
        {rows.length > 0 && (
          <table className="w-full text-sm">
            <thead className="border-b border-line text-muted">
              <tr>
                <SortHeader label="Ticket" k="number" sort={sort} onSort={(k) => set('sort', nextSort(sort, k))} />
                <th scope="col" className="px-3 py-2 text-left font-medium">Title</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-medium sm:table-cell">Status</th>
                <SortHeader label="Priority" k="priority" sort={sort} onSort={(k) => set('sort', nextSort(sort, k))} className="hidden sm:table-cell" />
                <th scope="col" className="hidden px-3 py-2 text-left font-medium lg:table-cell">Requester</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-medium lg:table-cell">Assignee</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-medium sm:table-cell">SLA</th>
                <SortHeader label="Created" k="created_at" sort={sort} onSort={(k) => set('sort', nextSort(sort, k))} className="hidden md:table-cell" />
                <SortHeader label="Updated" k="updated_at" sort={sort} onSort={(k) => set('sort', nextSort(sort, k))} className="hidden md:table-cell" />
              </tr>
            </thead>
            <tbody>
              {rows.map((t, i) => (
                <tr key={t.id} data-row={i} aria-selected={i === sel} onClick={() => setSel(i)}
                  className={`border-b border-line last:border-0 ${i === sel ? 'bg-primary/10 outline outline-2 -outline-offset-2 outline-primary' : 'hover:bg-bg'}`}>
                  <td className="whitespace-nowrap px-3 py-2 font-mono">
                    <Link to={`/agent/tickets/${t.number}`} className="text-primary hover:underline">{t.number}</Link>
                  </td>
                  <td className="px-3 py-2">
                    {/* narrow screens: the title wraps and the SLA goes under it (no SLA column) */}
                    <span className="block break-words sm:max-w-sm sm:truncate">{t.title}</span>
                    <span className="mt-1 block sm:hidden"><SlaBadge sla={t.sla} /></span>
                  </td>
                  <td className="hidden whitespace-nowrap px-3 py-2 sm:table-cell">{statusLabel(wf.data, t.status)}</td>
                  <td className="hidden px-3 py-2 sm:table-cell">{t.priority}</td>
                  <td className="hidden px-3 py-2 lg:table-cell">{names.get(t.requester_id) ?? '—'}</td>
                  <td className="hidden px-3 py-2 lg:table-cell">{t.assignee_id ? (names.get(t.assignee_id) ?? '—') : <span className="text-muted">Unassigned</span>}</td>
                  <td className="hidden px-3 py-2 sm:table-cell"><SlaBadge sla={t.sla} /></td>
                  <td className="hidden whitespace-nowrap px-3 py-2 text-muted md:table-cell">{timeAgo(t.created_at)}</td>
                  <td className="hidden whitespace-nowrap px-3 py-2 text-muted md:table-cell">{timeAgo(t.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="mt-3 flex items-center justify-between text-sm text-muted">
        <span>{rows.length > 0 && `${rows.length} shown · j/k to move, Enter to open, ? for shortcuts`}</span>
        {list.hasNextPage && (
          <button className="btn" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </section>
  );
}
