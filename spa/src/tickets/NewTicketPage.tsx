// `n`: file a ticket from the console, on behalf of a requester when one is chosen.
import { useNavigate } from 'react-router-dom';
import { refusedState } from '../attachments/Attachments';
import { FieldError } from '../ui/States';
import { TicketForm } from '../ui/TicketForm';
import { useUsers } from './agentQueries';

export default function NewTicketPage() {
  const navigate = useNavigate();
  const users = useUsers();
  return (
    <section className="mx-auto max-w-2xl">
      <h1 className="mb-3 text-xl font-semibold">New ticket</h1>
      <TicketForm submitLabel="Create ticket" onCreated={(t, refused) => navigate(`/agent/tickets/${t.number}`, { state: { refused: refusedState(refused) } })}
        agentFields={(d, set, errors) => (
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label className="label" htmlFor="requester">On behalf of</label>
              <select id="requester" className="input" value={d.requester_id} onChange={(e) => set('requester_id', e.target.value)}>
                <option value="">Myself</option>
                {users.data?.filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.display_name} ({u.email})</option>)}
              </select>
              <FieldError id="requester_id-error" message={errors.requester_id} />
            </div>
            <div>
              <label className="label" htmlFor="priority">Priority</label>
              <select id="priority" className="input" value={d.priority} onChange={(e) => set('priority', e.target.value)}>
                <option value="">Default</option>
                {['P1', 'P2', 'P3', 'P4'].map((p) => <option key={p}>{p}</option>)}
              </select>
              <FieldError id="priority-error" message={errors.priority} />
            </div>
          </div>
        )} />
    </section>
  );
}
