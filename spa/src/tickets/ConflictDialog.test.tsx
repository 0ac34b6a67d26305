// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { Ticket } from '../api/types';
import { ConflictDialog } from './ConflictDialog';

const base = {
  id: 'x', number: 'TKT-7', title: 'VPN drops', status: 'new', priority: 'P3', urgency: 2, category: null, subcategory: null,
  requester_id: 'r', assignee_id: null, team_id: null, version: 1, created_at: '', updated_at: '', sla: null,
  description: null, requester: null, assignee: null, team: null, custom_json: {},
} as Ticket;

afterEach(cleanup);

describe('ConflictDialog', () => {
  it('shows their change and mine, warns about an overwrite, and re-applies on request', () => {
    const onReapply = vi.fn();
    render(
      <ConflictDialog base={base} current={{ ...base, version: 2, status: 'in_progress' }} patch={{ status: 'resolved' }}
        show={(_f, v) => (v === 'resolved' ? 'Resolved' : String(v))} busy={false} onReapply={onReapply} onDiscard={() => {}} />,
    );
    expect(screen.getByRole('dialog', { name: 'TKT-7 changed while you were working on it' })).toBeTruthy();
    const row = screen.getByRole('row', { name: /Status/ });
    expect(row.textContent).toContain('new');
    expect(row.textContent).toContain('in_progress');
    expect(screen.getByText('status → Resolved')).toBeTruthy();
    expect(screen.getByText(/overwrites their status/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Re-apply my change' }));
    expect(onReapply).toHaveBeenCalledOnce();
  });
});
