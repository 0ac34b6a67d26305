// A requester's ticket: status, history and public comments, files, add a comment (with files),
// close it.
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { allowedNext, statusLabel, usePatchTicket, useTicket, useTimeline, useWorkflow } from '../api/queries';
import { AttachmentList, FilePicker, RefusedFiles, type RefusedFile } from '../attachments/Attachments';
import { useCommentWithFiles } from '../attachments/useCommentWithFiles';
import { CustomValues } from '../ui/CustomFields';
import { ErrorMessage, Loading } from '../ui/States';
import { Markdown } from '../ui/Markdown';
import { Timeline } from '../ui/Timeline';
import { formatDateTime } from '../ui/format';

export default function PortalTicket() {
  const { id = '' } = useParams();
  const state = useLocation().state as { created?: boolean; refused?: RefusedFile[] } | null;
  const ticket = useTicket(id);
  const timeline = useTimeline(id);
  const wf = useWorkflow();
  const close = usePatchTicket(id);
  const comment = useCommentWithFiles(ticket.data?.id ?? id);
  const [body, setBody] = useState('');

  if (ticket.isPending) return <Loading label="Loading your ticket…" />;
  if (ticket.isError) return <ErrorMessage>{ticket.error.message}</ErrorMessage>;
  const t = ticket.data;
  const canClose = allowedNext(wf.data, t.status).some((s) => s.key === 'closed');
  const { files, failures, busy } = comment;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void comment.send({ body_md: body, is_internal: false }, true, () => setBody(''));
  };

  return (
    <article className="mx-auto max-w-3xl space-y-4">
      <Link to="/portal" className="text-sm text-primary hover:underline">← My tickets</Link>
      {state?.created && <p role="status" className="rounded-md border border-ok/40 bg-ok/10 px-3 py-2 text-sm">Thanks — your request {t.number} is with the IT team.</p>}
      <header>
        <p className="font-mono text-sm text-muted">{t.number}</p>
        <h1 className="text-xl font-semibold">{t.title}</h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
          <span className="rounded-full bg-primary/10 px-2 py-0.5 font-medium text-primary" data-testid="status">{statusLabel(wf.data, t.status)}</span>
          <span className="text-muted">opened {formatDateTime(t.created_at)}{t.category ? ` · ${t.category}` : ''}{t.subcategory ? ` / ${t.subcategory}` : ''}</span>
        </p>
      </header>
      {t.description && <section className="card p-4" aria-label="Description"><Markdown source={t.description} /></section>}
      <CustomValues values={t.custom_json} className="card p-4" />
      <AttachmentList ticketId={t.id} />
      <section aria-labelledby="history">
        <h2 id="history" className="mb-2 font-semibold">Updates</h2>
        {timeline.isPending && <Loading label="Loading updates…" />}
        {timeline.isError && <ErrorMessage>{timeline.error.message}</ErrorMessage>}
        {timeline.data && <Timeline items={timeline.data} workflow={wf.data} />}
      </section>
      <RefusedFiles files={state?.refused} />
      <form onSubmit={submit} className="card space-y-3 p-4" aria-label="Add a comment">
        <div>
          <label htmlFor="comment" className="label">Add a comment</label>
          <textarea id="comment" className="input" rows={4} value={body} onChange={(e) => setBody(e.target.value)} placeholder="Anything the IT team should know…" />
        </div>
        <FilePicker id="comment-files" files={files} failures={failures} disabled={busy} onChange={comment.setFiles} />
        {comment.error && <ErrorMessage>{comment.error.message}</ErrorMessage>}
        <div className="flex flex-wrap justify-between gap-2">
          {canClose ? (
            <button type="button" className="btn" disabled={close.isPending}
              onClick={() => close.mutate({ patch: { status: 'closed' }, version: t.version })}>
              Close my ticket
            </button>
          ) : <span />}
          <button type="submit" className="btn btn-primary" disabled={(!body.trim() && files.length === 0) || busy}>
            {comment.uploading ? 'Attaching…' : comment.sending ? 'Sending…' : body.trim() || files.length === 0 ? 'Send comment' : 'Attach files'}
          </button>
        </div>
        {close.error && <ErrorMessage>{close.error.message}</ErrorMessage>}
      </form>
    </article>
  );
}
