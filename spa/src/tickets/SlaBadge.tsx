import type { Sla } from '../api/types';
import { formatDateTime } from '../ui/format';
import { summariseSla } from './sla';

export function SlaBadge({ sla }: { sla: Sla | null | undefined }) {
  const s = summariseSla(sla);
  const due = s.clock && sla ? sla[s.clock]?.due_at : null;
  return (
    <span data-sla={s.state} title={due ? `Due ${formatDateTime(due)} (business time)` : undefined}
      className={`inline-block whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${s.tone}`}>
      {s.text}
    </span>
  );
}
