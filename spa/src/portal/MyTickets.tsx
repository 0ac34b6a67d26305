import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys, statusLabel, useWorkflow } from '../api/queries';
import type { TicketPage } from '../api/types';
import { useMe } from '../auth/session';
import { Empty, ErrorMessage, Loading } from '../ui/States';
import { timeAgo } from '../ui/format';

export default function MyTickets() {
  const me = useMe().data!;
  const wf = useWorkflow();
  const params = { requester_id: me.id, sort: '-updated_at', limit: '100' };
  const list = useQuery({
    queryKey: keys.ticketList(params),
    queryFn: () => api<TicketPage>('/tickets', { query: params }),
  });
  return (
    <section aria-labelledby="mine">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h1 id="mine" className="text-xl font-semibold">My tickets</h1>
        <Link to="/portal/new" className="btn btn-primary">New request</Link>
      </div>
      {list.isPending && <Loading label="Loading your tickets…" />}
      {list.isError && <ErrorMessage>{list.error.message}</ErrorMessage>}
      {list.data && list.data.items.length === 0 && (
        <div className="card"><Empty title="You have no tickets yet.">When something is not working, choose “New request”.</Empty></div>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="card divide-y divide-line">
          {list.data.items.map((t) => (
            <li key={t.id}>
              <Link to={`/portal/tickets/${t.number}`} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 hover:bg-bg">
                <span className="font-mono text-sm text-muted">{t.number}</span>
                <span className="min-w-0 flex-1 truncate font-medium">{t.title}</span>
                <span className="rounded-full bg-primary/10 px-2 py-0.5 text-xs font-medium text-primary">{statusLabel(wf.data, t.status)}</span>
                <span className="text-xs text-muted">updated {timeAgo(t.updated_at)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
