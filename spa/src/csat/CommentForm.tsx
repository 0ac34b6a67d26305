// An optional comment with the answer (at most COMMENT_MAX characters, counted as you type).
// Send posts the current score with it; the server's word on the comment appears under it.
import { useState, type FormEvent } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { ErrorMessage, FieldError } from '../ui/States';
import { COMMENT_MAX, type Answer, type Score, type Survey } from './survey';

export function CommentForm({ score, saved, send }: {
  score: Score;
  /** The comment the server holds. */
  saved: string | null;
  send: UseMutationResult<Survey, Error, Answer>;
}) {
  const [text, setText] = useState(saved ?? '');
  const comment = text.trim();
  const fieldError = send.error instanceof ApiError ? send.error.fields.comment : undefined;
  const done = send.isSuccess && send.variables.comment === comment;
  const unchanged = comment === (saved ?? '').trim();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unchanged && !send.isPending) send.mutate({ score, comment });
  };
  const describedBy = fieldError ? 'comment-count comment-error' : 'comment-count';

  return (
    <form onSubmit={submit} noValidate className="mt-6 border-t border-line pt-5">
      <label className="label" htmlFor="comment">
        Anything you would like to add? <span className="font-normal text-muted">(optional)</span>
      </label>
      <textarea id="comment" className="input" rows={4} maxLength={COMMENT_MAX} value={text}
        onChange={(e) => setText(e.target.value)} aria-invalid={fieldError ? true : undefined} aria-describedby={describedBy} />
      <div className="mt-1 flex items-start justify-between gap-3">
        <FieldError id="comment-error" message={fieldError} />
        <p id="comment-count" className="ml-auto mt-1 shrink-0 text-xs text-muted">{text.length} / {COMMENT_MAX}</p>
      </div>
      {send.error && !fieldError && <div className="mt-3"><ErrorMessage>The comment was not saved. {send.error.message}</ErrorMessage></div>}
      <div className="mt-3 flex items-center justify-end gap-3">
        <p role="status" className="text-sm text-ok">{done && 'Comment saved'}</p>
        {/* aria-disabled, not disabled: the button keeps the focus once the comment is sent */}
        <button type="submit" className="btn btn-primary aria-disabled:opacity-50" aria-disabled={send.isPending || unchanged}>
          {send.isPending ? 'Sending…' : send.isError && !fieldError ? 'Try again' : 'Send'}
        </button>
      </div>
    </form>
  );
}
