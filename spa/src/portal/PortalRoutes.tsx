// The requester portal: my tickets, a new request, one ticket.
import { Route, Routes, useNavigate } from 'react-router-dom';
import { refusedState } from '../attachments/Attachments';
import { Shell } from '../layout/Shell';
import { Empty } from '../ui/States';
import { TicketForm } from '../ui/TicketForm';
import MyTickets from './MyTickets';
import PortalTicket from './PortalTicket';

function NewRequest() {
  const navigate = useNavigate();
  return (
    <section className="mx-auto max-w-2xl">
      <h1 className="mb-1 text-xl font-semibold">Ask for help</h1>
      <p className="mb-4 text-sm text-muted">Tell us what is wrong; the IT team will answer here and by email.</p>
      <TicketForm submitLabel="Submit request" onCreated={(t, refused) => navigate(`/portal/tickets/${t.number}`, { state: { created: true, refused: refusedState(refused) } })} />
    </section>
  );
}

export default function PortalRoutes() {
  return (
    <Shell nav={[{ to: '/portal', label: 'My tickets', end: true }, { to: '/portal/new', label: 'New request' }]}>
      <Routes>
        <Route index element={<MyTickets />} />
        <Route path="new" element={<NewRequest />} />
        <Route path="tickets/:id" element={<PortalTicket />} />
        <Route path="*" element={<Empty title="There is no such page." />} />
      </Routes>
    </Shell>
  );
}
