// One ticket in the console: editable fields, allowed transitions, assignee, timeline, reply or
// note. Every field change is a PATCH with If-Match; a 409 opens the conflict dialog.
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { allowedNext, keys, statusLabel, usePatchTicket, useTicket, useTimeline, useWorkflow, type TicketPatch } from '../api/queries';
import type { Ticket } from '../api/types';
import { can, useMe } from '../auth/session';
import { useHotkeys } from '../ui/hotkeys';
import { CustomValues } from '../ui/CustomFields';
import { ErrorMessage, Loading } from '../ui/States';
import { Timeline } from '../ui/Timeline';
import { formatDateTime } from '../ui/format';
import { neighbour, useTeams, useUsers } from './agentQueries';
import { AttachmentList, RefusedFiles, type RefusedFile } from '../attachments/Attachments';
import { Markdown } from '../ui/Markdown';
import { Composer, type Mode } from './Composer';
import { ConflictDialog } from './ConflictDialog';
import { SlaBadge } from './SlaBadge';

interface Conflict {
  base: Ticket;
  current: Ticket;
  patch: TicketPatch;
}

function Field({ label, htmlFor, children }: { label: string; htmlFor: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={htmlFor} className="mb-1 block text-xs font-medium uppercase tracking-wide text-muted">{label}</label>
      {children}
    </div>
  );
}

function TitleEditor({ ticket, onSave }: { ticket: Ticket; onSave: (p: TicketPatch) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(ticket.title);
  if (!editing) {
    return (
      <h1 className="flex-1 text-xl font-semibold">
        {ticket.title}{' '}
        <button className="ml-1 text-sm font-normal text-primary hover:underline" onClick={() => { setValue(ticket.title); setEditing(true); }}>
          Edit<span className="sr-only"> title</span>
        </button>
      </h1>
    );
  }
  return (
    <form className="flex flex-1 gap-2" onSubmit={(e) => { e.preventDefault(); setEditing(false); if (value !== ticket.title) onSave({ title: value }); }}>
      <label htmlFor="title-edit" className="sr-only">Title</label>
      <input id="title-edit" className="input" value={value} onChange={(e) => setValue(e.target.value)} autoFocus
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)} />
      <button className="btn btn-primary" type="submit">Save</button>
    </form>
  );
}

export default function TicketPage() {
  const { id = '' } = useParams();
  const me = useMe().data!;
  const navigate = useNavigate();
  const refused = (useLocation().state as { refused?: RefusedFile[] } | null)?.refused;
  const qc = useQueryClient();
  const ticket = useTicket(id);
  const timeline = useTimeline(id);
  const wf = useWorkflow();
  const users = useUsers();
  const teams = useTeams();
  const patch = usePatchTicket(id);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [mode, setMode] = useState<Mode>('public');
  const [hint, setHint] = useState<string | null>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const statusRef = useRef<HTMLSelectElement>(null);
  const assigneeRef = useRef<HTMLSelectElement>(null);
  const canAssign = can(me, 'ticket.assign');

  useEffect(() => setConflict(null), [id]);

  const save = (p: TicketPatch, base: Ticket) => {
    patch.mutate(
      { patch: p, version: base.version },
      {
        onError: async (e) => {
          if (e instanceof ApiError && e.status === 409) {
            const current = await qc.fetchQuery({
              queryKey: keys.ticket(id),
              queryFn: () => api<Ticket>(`/tickets/${encodeURIComponent(id)}`),
              staleTime: 0,
            });
            setConflict({ base, current, patch: p });
          }
        },
      },
    );
  };

  useHotkeys({
    r: () => { setMode('public'); composer.current?.focus(); },
    s: () => statusRef.current?.focus(),
    a: () => (canAssign ? assigneeRef.current?.focus() : setHint('Assigning needs a team lead or manager; ask one, or use round robin.')),
    j: () => { const n = neighbour(ticket.data?.number ?? id, 1); if (n) navigate(`/agent/tickets/${n}`); },
    k: () => { const n = neighbour(ticket.data?.number ?? id, -1); if (n) navigate(`/agent/tickets/${n}`); },
  });

  if (ticket.isPending) return <Loading label="Loading ticket…" />;
  if (ticket.isError) return <ErrorMessage>{ticket.error.message}</ErrorMessage>;
  const t = ticket.data;
  const next = allowedNext(wf.data, t.status);
  const agents = (users.data ?? []).filter((u) => u.active && u.roles.some((r) => r !== 'requester'));
  const mutationError = patch.error && !(patch.error instanceof ApiError && patch.error.status === 409) ? patch.error : null;

  return (
    <article className="grid gap-4 lg:grid-cols-[1fr_18rem]">
      <div className="min-w-0 space-y-4">
        <header className="flex flex-wrap items-start gap-3">
          <span className="mt-1 font-mono text-sm text-muted">{t.number}</span>
          <TitleEditor key={t.version} ticket={t} onSave={(p) => save(p, t)} />
        </header>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="rounded-full bg-primary/10 px-2 py-0.5 font-medium text-primary" data-testid="status">{statusLabel(wf.data, t.status)}</span>
          <SlaBadge sla={t.sla} />
          <span className="text-muted">opened by {t.requester?.display_name ?? 'unknown'} · {formatDateTime(t.created_at)}</span>
        </div>
        <section className="card p-4" aria-label="Description">
          {t.description ? <Markdown source={t.description} /> : <p className="text-sm text-muted">No description.</p>}
        </section>
        <AttachmentList ticketId={t.id} />
        <RefusedFiles files={refused} />
        <section aria-labelledby="activity">
          <h2 id="activity" className="mb-2 font-semibold">Activity</h2>
          {timeline.isPending && <Loading label="Loading activity…" />}
          {timeline.isError && <ErrorMessage>{timeline.error.message}</ErrorMessage>}
          {timeline.data && <Timeline items={timeline.data} workflow={wf.data} />}
        </section>
        <Composer ref={composer} ticketId={t.id} mode={mode} onMode={setMode} canInternal={can(me, 'ticket.comment_internal')} />
      </div>

      <aside className="card h-fit space-y-4 p-4" aria-label="Ticket fields">
        {mutationError && <ErrorMessage>{mutationError.message}</ErrorMessage>}
        {hint && <p role="status" className="text-sm text-muted">{hint}</p>}
        {patch.isPending && <p role="status" className="text-xs text-muted">Saving…</p>}
        <Field label="Status" htmlFor="f-status">
          <select id="f-status" ref={statusRef} className="input" value={t.status} disabled={!can(me, 'ticket.transition')}
            onChange={(e) => save({ status: e.target.value }, t)}>
            <option value={t.status}>{statusLabel(wf.data, t.status)}</option>
            {next.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
          </select>
        </Field>
        <Field label="Priority" htmlFor="f-priority">
          <select id="f-priority" className="input" value={t.priority} onChange={(e) => save({ priority: e.target.value }, t)}>
            {['P1', 'P2', 'P3', 'P4'].map((p) => <option key={p}>{p}</option>)}
          </select>
        </Field>
        <Field label="Urgency" htmlFor="f-urgency">
          <select id="f-urgency" className="input" value={t.urgency ?? ''} onChange={(e) => save({ urgency: e.target.value ? Number(e.target.value) : null }, t)}>
            <option value="">—</option>
            {[1, 2, 3, 4].map((u) => <option key={u} value={u}>{u}</option>)}
          </select>
        </Field>
        <Field label="Assignee" htmlFor="f-assignee">
          {canAssign ? (
            <select id="f-assignee" ref={assigneeRef} className="input" value={t.assignee_id ?? ''}
              onChange={(e) => save({ assignee_id: e.target.value || null }, t)}>
              <option value="">Unassigned</option>
              {agents.map((u) => <option key={u.id} value={u.id}>{u.display_name}</option>)}
            </select>
          ) : (
            <p id="f-assignee" className="text-sm">{t.assignee?.display_name ?? <span className="text-muted">Unassigned</span>}</p>
          )}
        </Field>
        <Field label="Team" htmlFor="f-team">
          {canAssign ? (
            <select id="f-team" className="input" value={t.team_id ?? ''} onChange={(e) => save({ team_id: e.target.value || null }, t)}>
              <option value="">No team</option>
              {teams.data?.map((tm) => <option key={tm.id} value={tm.id}>{tm.name}</option>)}
            </select>
          ) : (
            <p id="f-team" className="text-sm">{t.team?.name ?? <span className="text-muted">No team</span>}</p>
          )}
        </Field>
        <Field label="Category" htmlFor="f-category">
          <input id="f-category" key={`c${t.version}`} className="input" defaultValue={t.category ?? ''}
            onBlur={(e) => e.target.value !== (t.category ?? '') && save({ category: e.target.value || null, ...(e.target.value ? {} : { subcategory: null }) }, t)} />
        </Field>
        <CustomValues values={t.custom_json} />
        <p className="text-xs text-muted">Requester: {t.requester?.display_name} ({t.requester?.email})<br />Updated {formatDateTime(t.updated_at)} · version {t.version}</p>
      </aside>

      {conflict && (
        <ConflictDialog base={conflict.base} current={conflict.current} patch={conflict.patch} busy={patch.isPending}
          show={(f, v) => f === 'status' ? statusLabel(wf.data, String(v))
            : f === 'assignee_id' ? (users.data?.find((u) => u.id === v)?.display_name ?? String(v))
            : f === 'team_id' ? (teams.data?.find((tm) => tm.id === v)?.name ?? String(v)) : String(v)}
          onDiscard={() => setConflict(null)}
          onReapply={() => {
            const { current, patch: p } = conflict;
            setConflict(null);
            save(p, current);
          }} />
      )}
    </article>
  );
}
