// Public reply or internal note, with saved replies rendered for this ticket by the server, and
// files attached with a public reply (an attachment is the ticket's, so the requester sees it).
import { forwardRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { FilePicker } from '../attachments/Attachments';
import { useCommentWithFiles } from '../attachments/useCommentWithFiles';
import { ErrorMessage } from '../ui/States';
import { LockIcon } from '../ui/LockIcon';
import { useSavedReplies } from './agentQueries';

export type Mode = 'public' | 'internal';

export const Composer = forwardRef<HTMLTextAreaElement, {
  ticketId: string; mode: Mode; onMode: (m: Mode) => void; canInternal: boolean;
}>(function Composer({ ticketId, mode, onMode, canInternal }, ref) {
  const [body, setBody] = useState('');
  const [insertError, setInsertError] = useState<string | null>(null);
  const comment = useCommentWithFiles(ticketId);
  const { files, failures, busy } = comment;
  const replies = useSavedReplies();
  const internal = mode === 'internal';

  const insert = async (replyId: string) => {
    if (!replyId) return;
    setInsertError(null);
    try {
      const r = await api<{ body_md: string }>(
        `/tickets/${encodeURIComponent(ticketId)}/saved-replies/${encodeURIComponent(replyId)}/render`,
        { method: 'POST', body: {} },
      );
      setBody((b) => (b.trim() ? `${b.replace(/\s+$/, '')}\n\n${r.body_md}` : r.body_md));
    } catch (e) {
      setInsertError((e as Error).message);
    }
  };

  // A note never carries files: a ticket's files are visible to its requester.
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void comment.send({ body_md: body, is_internal: internal }, !internal, () => setBody(''));
  };
  const sendable = body.trim() !== '' || (!internal && files.length > 0);

  return (
    <form onSubmit={submit} aria-label={internal ? 'Internal note' : 'Public reply'}
      className={`rounded-lg border p-3 ${internal ? 'border-internal-line border-l-4 bg-internal' : 'border-line bg-surface'}`}>
      <div role="radiogroup" aria-label="Kind of comment" className="mb-2 flex flex-wrap items-center gap-2">
        <button type="button" role="radio" aria-checked={!internal} onClick={() => onMode('public')}
          className={`rounded-md px-3 py-1 text-sm ${!internal ? 'bg-primary text-on-primary' : 'border border-line'}`}>
          Public reply
        </button>
        {canInternal && (
          <button type="button" role="radio" aria-checked={internal} onClick={() => onMode('internal')}
            className={`rounded-md px-3 py-1 text-sm ${internal ? 'bg-internal-line text-black' : 'border border-line'}`}>
            <LockIcon /> Internal note
          </button>
        )}
        <label className="ml-auto text-sm">
          <span className="sr-only">Insert a saved reply</span>
          <select className="input py-1" value="" onChange={(e) => insert(e.target.value)} disabled={!replies.data?.length}>
            <option value="">Insert saved reply…</option>
            {replies.data?.map((r) => <option key={r.id} value={r.id}>{r.title}</option>)}
          </select>
        </label>
      </div>
      <p className="mb-2 text-xs text-muted">
        {internal ? 'Only agents see internal notes. The requester is never shown this.' : 'The requester sees this reply and is notified.'}
      </p>
      <label htmlFor="composer" className="sr-only">{internal ? 'Internal note' : 'Reply to the requester'}</label>
      <textarea id="composer" ref={ref} rows={5} value={body} onChange={(e) => setBody(e.target.value)}
        className="input font-sans" placeholder={internal ? 'Write a note for the team…' : 'Write a reply to the requester…'} />
      <div className="mt-2">
        {internal ? (
          <p className="text-xs text-muted">Files attached to a ticket are visible to the requester: attach them with a public reply.</p>
        ) : (
          <FilePicker id="reply-files" files={files} failures={failures} disabled={busy} onChange={comment.setFiles} />
        )}
      </div>
      {(comment.error || insertError) && <div className="mt-2"><ErrorMessage>{comment.error?.message ?? insertError}</ErrorMessage></div>}
      <div className="mt-2 flex justify-end">
        <button type="submit" className={internal ? 'btn border-internal-line' : 'btn btn-primary'} disabled={!sendable || busy}>
          {comment.uploading ? 'Attaching…' : comment.sending ? 'Sending…' : internal ? 'Add internal note' : body.trim() || !files.length ? 'Send reply' : 'Attach files'}
        </button>
      </div>
    </form>
  );
});
