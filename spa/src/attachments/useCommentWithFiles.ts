// A comment with files, as the portal's comment form and the console's composer send it: the
// files first, one upload each, and the comment only once every file is attached, so a refused
// file never leaves a comment that says "see attached" without it. A refused file stays chosen,
// with its reason, until it is removed or sent again.
import { useState } from 'react';
import { useAddComment } from '../api/queries';
import { useUploadFiles, type UploadFailure } from './upload';

export function useCommentWithFiles(ticketId: string) {
  const add = useAddComment(ticketId);
  const uploadFiles = useUploadFiles(ticketId);
  const [files, setChosen] = useState<File[]>([]);
  const [failures, setFailures] = useState<UploadFailure[]>([]);
  const [uploading, setUploading] = useState(false);

  /** The files chosen now; reasons for files no longer chosen are dropped. */
  const setFiles = (f: File[]) => {
    setChosen(f);
    setFailures((x) => x.filter((y) => f.includes(y.file)));
  };

  /**
   * Attaches the chosen files (unless withFiles is false), then posts the comment when it has
   * text; onSent runs once it is posted.
   */
  const send = async (c: { body_md: string; is_internal: boolean }, withFiles: boolean, onSent: () => void) => {
    if (withFiles && files.length > 0) {
      setUploading(true);
      const failed = await uploadFiles(files);
      setUploading(false);
      setFailures(failed);
      setChosen(failed.map((f) => f.file));
      if (failed.length > 0) return;
    }
    if (c.body_md.trim()) add.mutate(c, { onSuccess: onSent });
  };

  return {
    files, setFiles, failures, send, uploading,
    sending: add.isPending,
    busy: add.isPending || uploading,
    error: add.error,
  };
}
