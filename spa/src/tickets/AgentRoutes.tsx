// The agent console: queues, a ticket, a new ticket, and for admins the settings pages (each its
// own lazy chunk); global shortcuts `/`, `n`, `?`.
import { lazy, Suspense, useRef, useState, type FormEvent } from 'react';
import { Route, Routes, useNavigate } from 'react-router-dom';
import { Shell } from '../layout/Shell';
import { AGENT_SHORTCUTS, useHotkeys } from '../ui/hotkeys';
import { Dialog } from '../ui/Dialog';
import QueuePage from './QueuePage';
import TicketPage from './TicketPage';
import NewTicketPage from './NewTicketPage';
import { can, useMe } from '../auth/session';
import { Empty, Loading } from '../ui/States';

// The settings pages' lazy chunks take Dialog from this module's chunk. Rollup keeps a chunk
// this module's own only while everything the chunk hands out is one of the module's exports,
// so Dialog is one; scripts/js-size.mjs finds the console's chunk under this module's name.
export { Dialog };

const BrandingPage = lazy(() => import('../admin/BrandingPage'));
const CustomFieldsPage = lazy(() => import('../admin/CustomFieldsPage'));

/** "42", "tkt-42", " TKT-42 " → "TKT-42"; anything else → null. */
export function ticketNumber(input: string): string | null {
  const m = /^\s*(?:tkt-?)?(\d{1,12})\s*$/i.exec(input);
  return m ? `TKT-${m[1]}` : null;
}

function QuickOpen({ inputRef }: { inputRef: React.RefObject<HTMLInputElement> }) {
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [bad, setBad] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = ticketNumber(value);
    setBad(!n);
    if (n) {
      setValue('');
      inputRef.current?.blur();
      navigate(`/agent/tickets/${n}`);
    }
  };
  return (
    <form role="search" onSubmit={submit} className="relative">
      <label htmlFor="quick-open" className="sr-only">Open ticket by number</label>
      <input id="quick-open" ref={inputRef} value={value} placeholder="Go to TKT-…"
        onChange={(e) => { setValue(e.target.value); setBad(false); }}
        onKeyDown={(e) => e.key === 'Escape' && inputRef.current?.blur()}
        aria-invalid={bad} aria-describedby={bad ? 'quick-open-error' : undefined}
        className="input w-32 py-1 sm:w-44" />
      {bad && (
        <p id="quick-open-error" role="alert" className="absolute right-0 top-full z-10 mt-1 w-56 rounded-md border border-line bg-surface p-2 text-xs shadow">
          Type a ticket number, for example 42 or TKT-42.
        </p>
      )}
    </form>
  );
}

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {AGENT_SHORTCUTS.map(([k, what]) => (
          <div key={k} className="contents">
            <dt><kbd>{k}</kbd></dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button className="btn mt-4" onClick={onClose}>Close</button>
    </Dialog>
  );
}

export default function AgentRoutes() {
  const navigate = useNavigate();
  const quick = useRef<HTMLInputElement>(null);
  const [help, setHelp] = useState(false);
  const admin = can(useMe().data, 'settings.admin');
  useHotkeys({
    '/': () => quick.current?.focus(),
    n: () => navigate('/agent/new'),
    '?': () => setHelp((h) => !h),
  });
  return (
    <Shell
      nav={[
        { to: '/agent', label: 'Queues', end: true },
        { to: '/agent/new', label: 'New ticket' },
        ...(admin ? [{ to: '/agent/settings/branding', label: 'Branding' }, { to: '/agent/settings/custom-fields', label: 'Custom fields' }] : []),
      ]}
      tools={
        <>
          <QuickOpen inputRef={quick} />
          <button type="button" className="btn hidden px-2 sm:inline-flex" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>?</button>
        </>
      }>
      <Routes>
        <Route index element={<QueuePage />} />
        <Route path="tickets/:id" element={<TicketPage />} />
        <Route path="new" element={<NewTicketPage />} />
        <Route path="settings/branding" element={admin
          ? <Suspense fallback={<Loading />}><BrandingPage /></Suspense>
          : <Empty title="Only admins can change the branding." />} />
        <Route path="settings/custom-fields" element={admin
          ? <Suspense fallback={<Loading />}><CustomFieldsPage /></Suspense>
          : <Empty title="Only admins can manage custom fields." />} />
        <Route path="*" element={<Empty title="There is no such page in the console." />} />
      </Routes>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </Shell>
  );
}
