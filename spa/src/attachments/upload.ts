// Uploading a set of files to a ticket, one request per file (the API takes the file as the raw
// body). Every file is tried; the caller gets back the ones that failed, each with a sentence.
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, upload } from '../api/client';
import { keys } from '../api/queries';
import type { Attachment } from '../api/types';

export interface UploadFailure {
  file: File;
  message: string;
}

/** Uploads `files` in order with `send`; resolves with the files that were refused and why. */
export async function uploadAll(
  files: File[],
  send: (f: File) => Promise<unknown>,
): Promise<UploadFailure[]> {
  const failed: UploadFailure[] = [];
  for (const file of files) {
    try {
      await send(file);
    } catch (e) {
      failed.push({ file, message: uploadMessage(e) });
    }
  }
  return failed;
}

/** The sentence shown next to the file field for a refused upload. */
export function uploadMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 413) return 'This file is larger than the helpdesk accepts. Pick a smaller file, or share a link instead.';
    if (e.fields.filename) return e.fields.filename;
    return e.message;
  }
  return (e as Error)?.message ?? 'The file could not be attached.';
}

export const uploadOne = (ticketId: string) => (file: File) =>
  upload<Attachment>(`/tickets/${encodeURIComponent(ticketId)}/attachments`, file);

/** uploadAll() for one ticket; its attachment list is refreshed afterwards. */
export function useUploadFiles(ticketId: string) {
  const qc = useQueryClient();
  return async (files: File[]) => {
    const failed = await uploadAll(files, uploadOne(ticketId));
    await qc.invalidateQueries({ queryKey: keys.tickets });
    return failed;
  };
}
