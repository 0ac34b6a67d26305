// A ticket's files (download links) and the file field used by the reply, comment and submit
// forms. Refused files stay in the field with the reason next to them.
import { useState } from 'react';
import { downloadFile, hasBearerToken } from '../api/client';
import { useAttachments } from '../api/queries';
import { ErrorMessage } from '../ui/States';
import { formatBytes } from '../ui/format';
import type { UploadFailure } from './upload';

export function AttachmentList({ ticketId }: { ticketId: string }) {
  const list = useAttachments(ticketId);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  // Signed in with single sign-on, a link would go without the bearer token: fetch, then save.
  const download = (e: React.MouseEvent, url: string, name: string) => {
    if (!hasBearerToken()) return;
    e.preventDefault();
    setDownloadError(null);
    downloadFile(url, name).catch((err: Error) => setDownloadError(`${name}: ${err.message}`));
  };
  if (list.isPending) return null;
  if (list.isError) return <ErrorMessage>{list.error.message}</ErrorMessage>;
  if (list.data.length === 0) return null;
  return (
    <section aria-labelledby="attachments-heading" className="card p-4">
      <h2 id="attachments-heading" className="mb-2 font-semibold">Attachments</h2>
      <ul className="space-y-1 text-sm" data-testid="attachments">
        {list.data.map((a) => (
          <li key={a.id} className="flex flex-wrap items-baseline gap-x-2">
            <a href={a.url} download={a.filename} onClick={(e) => download(e, a.url, a.filename)} className="break-all text-primary underline">{a.filename}</a>
            <span className="text-xs text-muted">{formatBytes(a.bytes)}{a.uploader ? ` · ${a.uploader.display_name}` : ''}</span>
          </li>
        ))}
      </ul>
      {downloadError && <div className="mt-2"><ErrorMessage>{downloadError}</ErrorMessage></div>}
    </section>
  );
}

/** A multiple-file field: chosen files are listed with a remove button and any refusal reason. */
export function FilePicker({ id, files, onChange, failures = [], disabled }: {
  id: string;
  files: File[];
  onChange: (files: File[]) => void;
  failures?: UploadFailure[];
  disabled?: boolean;
}) {
  const reason = (f: File) => failures.find((x) => x.file === f)?.message;
  const errorId = `${id}-error`;
  const hasError = failures.length > 0;
  return (
    <div>
      <label htmlFor={id} className="label">Attach files <span className="font-normal text-muted">(optional)</span></label>
      <input id={id} type="file" multiple disabled={disabled} value=""
        aria-invalid={hasError || undefined} aria-describedby={hasError ? errorId : undefined}
        className="block w-full text-sm text-muted file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-fg"
        onChange={(e) => onChange([...files, ...Array.from(e.target.files ?? [])])} />
      {files.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm" aria-label="Files to attach">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="rounded-md border border-line px-2 py-1">
              <div className="flex items-center gap-2">
                <span className="min-w-0 flex-1 break-all">{f.name} <span className="text-xs text-muted">{formatBytes(f.size)}</span></span>
                <button type="button" className="text-xs text-primary underline" onClick={() => onChange(files.filter((x) => x !== f))}>
                  Remove<span className="sr-only"> {f.name}</span>
                </button>
              </div>
              {reason(f) && <p className="mt-1 text-sm text-bad">{reason(f)}</p>}
            </li>
          ))}
        </ul>
      )}
      {hasError && (
        <p id={errorId} role="alert" className="mt-1 text-sm text-bad">
          {failures.length === 1 ? `${failures[0].file.name} was not attached.` : `${failures.length} files were not attached.`}
          {' '}Remove {failures.length === 1 ? 'it' : 'them'} or try again.
        </p>
      )}
    </div>
  );
}

export interface RefusedFile {
  name: string;
  message: string;
}

/** What a page navigated to after filing a ticket says about files that were not attached. */
export const refusedState = (refused: UploadFailure[]): RefusedFile[] =>
  refused.map((r) => ({ name: r.file.name, message: r.message }));

export function RefusedFiles({ files }: { files: RefusedFile[] | undefined }) {
  if (!files?.length) return null;
  return (
    <div role="alert" className="rounded-md border border-bad/40 bg-bad/10 px-3 py-2 text-sm text-bad">
      <p>The ticket was filed, but {files.length === 1 ? 'this file was' : 'these files were'} not attached:</p>
      <ul className="list-disc pl-5">
        {files.map((f, i) => <li key={i}><span className="break-all font-medium">{f.name}</span> — {f.message}</li>)}
      </ul>
      <p>Attach {files.length === 1 ? 'it' : 'them'} again below.</p>
    </div>
  );
}
