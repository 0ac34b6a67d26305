// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { keys } from '../api/queries';
import type { AdminCustomField } from '../api/types';
import { CustomFieldForm } from './CustomFieldForm';

const T = 'https://helpdesk.dev/problems/';
const site: AdminCustomField = {
  id: 'f1', key: 'site', label: 'Site', type: 'select', required: true, options: ['London', 'Leeds'], sort_order: 5,
  active: true, version: 3, created_at: '', updated_at: '',
};

type Answer = { status: number; body?: unknown };
/** fetch answering each call in turn; the calls are kept for inspection. */
function serve(...answers: Answer[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers.shift() ?? { status: 500 };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  }));
  return calls;
}

function show(field: AdminCustomField | null, onDone = vi.fn()) {
  // as in main.tsx, with the page's list already cached
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 15_000 } } });
  if (field) qc.setQueryData(keys.adminCustomFields, { items: [field] });
  render(<QueryClientProvider client={qc}><CustomFieldForm field={field} onDone={onDone} onCancel={() => {}} /></QueryClientProvider>);
  return onDone;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('CustomFieldForm', () => {
  it('creates a select with its options, the key made from the label; the server\'s key error goes next to the key', async () => {
    const calls = serve(
      { status: 400, body: { type: `${T}bad-request`, errors: [{ field: 'key', message: 'a lower-case letter, then up to 62 lower-case letters, digits or _' }] } },
      { status: 201, body: { ...site, id: 'f2', key: 'building', label: 'Building' } },
    );
    const onDone = show(null);
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Building' } });
    expect((screen.getByLabelText('Key') as HTMLInputElement).value).toBe('building');
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'select' } });
    const option = screen.getByLabelText('New option');
    for (const o of ['North', 'South']) {
      fireEvent.change(option, { target: { value: o } });
      fireEvent.keyDown(option, { key: 'Enter' });
    }
    expect(calls).toHaveLength(0); // Enter in the option box adds an option, it does not submit
    fireEvent.click(screen.getByRole('button', { name: 'Move South up' }));
    fireEvent.change(screen.getByLabelText('Key'), { target: { value: 'Building' } });
    expect(screen.getByText(/The server will refuse this key/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create field' }));
    const err = await screen.findByText('A lower-case letter, then up to 62 lower-case letters, digits or _');
    expect(err.id).toBe('field-key-error');
    expect(screen.getByLabelText('Key').getAttribute('aria-describedby')).toBe('field-key-error');
    fireEvent.change(screen.getByLabelText('Key'), { target: { value: 'building' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create field' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce());
    expect(calls[1].init.method).toBe('POST');
    expect(JSON.parse(String(calls[1].init.body))).toEqual({
      key: 'building', label: 'Building', type: 'select', required: false, active: true, sort_order: 0, options: ['South', 'North'],
    });
  });

  it('keeps what the admin typed through a 409, reloads their version and saves on top of it', async () => {
    const theirs = { ...site, version: 4, required: false };
    const calls = serve(
      { status: 409, body: { type: `${T}conflict`, detail: 'the field is at version 4, not 3', current_version: 4 } },
      { status: 200, body: { items: [theirs] } },
      { status: 200, body: { ...theirs, version: 5, label: 'Office' } },
    );
    const onDone = show(site);
    expect(screen.queryByLabelText('Key')).toBeNull(); // key and type are read-only
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Office' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText(/Someone else changed this field/);
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe('Office');
    expect((calls[0].init.headers as Record<string, string>)['If-Match']).toBe('"3"');
    fireEvent.click(screen.getByRole('button', { name: 'Reload their version' }));
    await screen.findByText(/Someone else changed its required/);
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe('Office');
    expect((screen.getByLabelText(/^Required/) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce());
    expect((calls[2].init.headers as Record<string, string>)['If-Match']).toBe('"4"');
    expect(JSON.parse(String(calls[2].init.body))).toEqual({ label: 'Office' });
  });

  it('says so when nothing changed instead of saving', () => {
    const calls = serve();
    show(site);
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByText(/Nothing changed/)).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});
