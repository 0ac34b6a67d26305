// Shown when a change met a stale If-Match: what changed meanwhile, and the choice to re-apply.
import type { Ticket } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { diffTickets, overlapping } from './conflict';

/** "status → Resolved, priority → P1": `show` turns a stored value into what people read. */
export function describePatch(patch: Record<string, unknown>, show: (field: string, v: unknown) => string): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k.replace(/_id$/, '').replace(/_/g, ' ')} → ${v === null ? 'none' : show(k, v)}`)
    .join(', ');
}

export function ConflictDialog({ base, current, patch, show, busy, onReapply, onDiscard }: {
  base: Ticket; current: Ticket; patch: Record<string, unknown>; busy: boolean;
  show: (field: string, v: unknown) => string;
  onReapply: () => void; onDiscard: () => void;
}) {
  const changes = diffTickets(base, current);
  const clash = overlapping(patch, changes);
  return (
    <Dialog title={`${current.number} changed while you were working on it`} onClose={onDiscard}>
      <p className="mb-3 text-sm">Someone else saved a newer version. Here is what they changed:</p>
      {changes.length === 0 ? (
        <p className="mb-3 text-sm text-muted">No field you can see changed (a comment or internal field was updated).</p>
      ) : (
        <table className="mb-3 w-full text-sm" aria-label="Changes made by someone else">
          <thead className="text-left text-muted">
            <tr><th className="py-1 pr-2 font-medium">Field</th><th className="py-1 pr-2 font-medium">Was</th><th className="py-1 font-medium">Now</th></tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.field} className="border-t border-line">
                <td className="py-1 pr-2">{c.label}</td>
                <td className="py-1 pr-2 text-muted line-through">{c.before}</td>
                <td className="py-1 font-medium">{c.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="mb-1 text-sm">Your change: <b>{describePatch(patch, show)}</b></p>
      {clash.length > 0 && (
        <p className="mb-3 text-sm text-warn">Re-applying overwrites their {clash.join(', ').toLowerCase()}.</p>
      )}
      <div className="mt-4 flex flex-wrap gap-2">
        <button className="btn btn-primary" onClick={onReapply} disabled={busy}>
          {busy ? 'Saving…' : 'Re-apply my change'}
        </button>
        <button className="btn" onClick={onDiscard} disabled={busy}>Keep their version</button>
      </div>
    </Dialog>
  );
}
