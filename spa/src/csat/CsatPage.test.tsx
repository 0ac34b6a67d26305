// @vitest-environment jsdom
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { setBearerToken, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import App from '../App';
import CsatPage from './CsatPage';
import type { Survey } from './survey';

const TOKEN = 'tok-3f9a';
const SURVEY = `/api/csat/${TOKEN}`;
const base: Survey = {
  ticket: { number: 'TKT-12', title: 'Printer offline' },
  score: null,
  comment: null,
  responded_at: null,
  expires_at: '2026-12-27T10:00:00Z',
};
const BRANDING = { org_name: 'Acme IT', primary_color: '#1d4ed8', accent_color: '#0d9488', logo_url: null, logo_type: null, version: 1 };

type Reply = { status: number; body?: unknown } | 'network';
interface Call { url: string; method: string; body: unknown; init: RequestInit }

let calls: Call[];
let replies: Record<string, Reply[]>; // "METHOD url" → replies in order (the last one repeats)
let stored: Survey;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' } });
const problem = (status: number, slug: string, extra = {}) => ({ status, body: { type: `https://helpdesk/problems/${slug}`, title: slug, status, ...extra } });

beforeEach(() => {
  calls = [];
  replies = {};
  stored = { ...base };
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ url, method, body, init });
    if (url === '/api/branding') return json(200, BRANDING);
    const queue = replies[`${method} ${url}`];
    const r = queue && (queue.length > 1 ? queue.shift()! : queue[0]);
    if (r === 'network') throw new TypeError('Failed to fetch');
    if (r) return json(r.status, r.body);
    // the server as specified: GET reads, POST answers and sends the survey back
    if (url !== SURVEY) return json(404, problem(404, 'not-found').body);
    if (method === 'POST') stored = { ...stored, ...body, responded_at: '2026-11-27T21:00:00Z' };
    return json(200, stored);
  }));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setBearerToken(null);
});

const surveyCalls = (method: string) => calls.filter((c) => c.url === SURVEY && c.method === method);

function Where() {
  const loc = useLocation();
  return <output data-testid="where">{loc.pathname + loc.search}</output>;
}

function open(path: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <StrictMode>
      <QueryClientProvider client={qc}>
        <MemoryRouter initialEntries={[path]}>
          <Routes><Route path="/csat/:token" element={<><CsatPage /><Where /></>} /></Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}

const thanks = (score: string) => screen.findByRole('heading', { name: `Thank you — you rated TKT-12 “Printer offline” as ${score}` });
const pressed = (name: string) => screen.getByRole('button', { name }).getAttribute('aria-pressed');

describe('the survey page, /csat/:token', () => {
  it('saves the score of the link at once, once, without any sign-in credential, then forgets ?score', async () => {
    setCsrfToken('csrf-of-a-session');
    const unauthorized = vi.fn();
    setUnauthorizedHandler(unauthorized);
    open(`/csat/${TOKEN}?score=good`);

    await thanks('good');
    expect(surveyCalls('POST').map((c) => c.body)).toEqual([{ score: 'good' }]);
    expect(surveyCalls('GET')).toEqual([]);
    const init = surveyCalls('POST')[0].init;
    expect(init.credentials).toBe('omit');
    expect(init.headers).not.toHaveProperty('X-CSRF-Token');
    expect(init.headers).not.toHaveProperty('Authorization');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(pressed('Good')).toBe('true');
    expect(pressed('Bad')).toBe('false');
    expect(screen.getByLabelText(/Anything you would like to add/)).toBeTruthy();
    // a reload must not answer "good" again over a later change
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe(`/csat/${TOKEN}`));
    expect(surveyCalls('GET')).toEqual([]); // the POST's answer is the survey: no second read
    expect(calls.every((c) => c.url === SURVEY || c.url === '/api/branding')).toBe(true);
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('answers "bad" from the bad link', async () => {
    open(`/csat/${TOKEN}?score=bad`);
    await thanks('bad');
    expect(surveyCalls('POST').map((c) => c.body)).toEqual([{ score: 'bad' }]);
    expect(pressed('Bad')).toBe('true');
  });

  it('without ?score only reads the survey and offers the two answers, none pressed', async () => {
    open(`/csat/${TOKEN}`);
    await screen.findByRole('heading', { name: 'How did we do with TKT-12 “Printer offline”?' });
    expect(surveyCalls('GET')).toHaveLength(1);
    expect(surveyCalls('POST')).toEqual([]);
    expect(pressed('Good')).toBe('false');
    expect(pressed('Bad')).toBe('false');
    expect(screen.queryByLabelText(/Anything you would like to add/)).toBeNull();
  });

  it('without ?score shows an earlier answer and its comment', async () => {
    stored = { ...base, score: 'bad', comment: 'Took a week.' };
    open(`/csat/${TOKEN}`);
    await thanks('bad');
    expect(pressed('Bad')).toBe('true');
    expect((screen.getByLabelText(/Anything you would like to add/) as HTMLTextAreaElement).value).toBe('Took a week.');
    expect(surveyCalls('POST')).toEqual([]);
  });

  it('an unknown ?score is no answer', async () => {
    open(`/csat/${TOKEN}?score=meh`);
    await screen.findByRole('heading', { name: /How did we do/ });
    expect(surveyCalls('POST')).toEqual([]);
  });

  it('switches the answer with the other button', async () => {
    open(`/csat/${TOKEN}?score=good`);
    await thanks('good');
    fireEvent.click(screen.getByRole('button', { name: 'Bad' }));
    await thanks('bad');
    expect(surveyCalls('POST').map((c) => c.body)).toEqual([{ score: 'good' }, { score: 'bad' }]);
    expect(pressed('Bad')).toBe('true');
    expect(pressed('Good')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Bad' })); // already the answer: nothing to send
    expect(surveyCalls('POST')).toHaveLength(2);
  });

  it('sends a comment with the current answer, counts its characters and confirms it', async () => {
    open(`/csat/${TOKEN}?score=good`);
    await thanks('good');
    const box = screen.getByLabelText(/Anything you would like to add/) as HTMLTextAreaElement;
    expect(box.maxLength).toBe(2000);
    fireEvent.change(box, { target: { value: 'Fixed in ten minutes. ' } });
    expect(screen.getByText('22 / 2000')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Comment saved');
    expect(surveyCalls('POST').map((c) => c.body)).toEqual([{ score: 'good' }, { score: 'good', comment: 'Fixed in ten minutes.' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Send' })); // unchanged: not sent twice
    expect(surveyCalls('POST')).toHaveLength(2);
  });

  it('shows the server\'s word on the comment under the field', async () => {
    open(`/csat/${TOKEN}?score=good`);
    await thanks('good');
    replies[`POST ${SURVEY}`] = [problem(400, 'bad-request', { errors: [{ field: 'comment', message: 'comment is too long' }] })];
    const box = screen.getByLabelText(/Anything you would like to add/);
    fireEvent.change(box, { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const err = await screen.findByText('Comment is too long');
    expect(err.id).toBe('comment-error');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')).toContain('comment-error');
    expect(screen.queryByText('Comment saved')).toBeNull();
  });

  it('shows the server\'s word on the score under the answers', async () => {
    open(`/csat/${TOKEN}?score=good`);
    await thanks('good');
    replies[`POST ${SURVEY}`] = [problem(400, 'bad-request', { errors: [{ field: 'score', message: 'score must be good or bad' }] })];
    fireEvent.click(screen.getByRole('button', { name: 'Bad' }));
    const err = await screen.findByText('Score must be good or bad');
    expect(screen.getByRole('group', { name: 'Your rating' }).getAttribute('aria-describedby')).toBe(err.id);
    expect(pressed('Good')).toBe('true'); // the answer that stands
  });

  it('says when the survey has expired (410), from the link or on a later change', async () => {
    replies[`POST ${SURVEY}`] = [problem(410, 'gone')];
    open(`/csat/${TOKEN}?score=good`);
    await screen.findByRole('heading', { name: 'This survey link has expired' });
    expect(screen.queryByRole('button', { name: 'Good' })).toBeNull();
    cleanup();

    replies = {};
    open(`/csat/${TOKEN}`);
    await screen.findByRole('heading', { name: /How did we do/ });
    replies[`POST ${SURVEY}`] = [problem(410, 'gone')];
    fireEvent.click(screen.getByRole('button', { name: 'Good' }));
    await screen.findByRole('heading', { name: 'This survey link has expired' });
  });

  it('says when the link is not valid (404)', async () => {
    replies[`GET ${SURVEY}`] = [problem(404, 'not-found')];
    open(`/csat/${TOKEN}`);
    await screen.findByRole('heading', { name: 'This survey link is not valid' });
    cleanup();
    replies[`POST ${SURVEY}`] = [problem(404, 'not-found')];
    open(`/csat/${TOKEN}?score=bad`);
    await screen.findByRole('heading', { name: 'This survey link is not valid' });
  });

  it('offers to try again when the helpdesk cannot be reached, and then saves the answer', async () => {
    replies[`POST ${SURVEY}`] = ['network', { status: 200, body: { ...base, score: 'good' } }];
    open(`/csat/${TOKEN}?score=good`);
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the helpdesk');
    expect(screen.getByTestId('where').textContent).toBe(`/csat/${TOKEN}?score=good`);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await thanks('good');
    expect(surveyCalls('POST').map((c) => c.body)).toEqual([{ score: 'good' }, { score: 'good' }]);
  });

  it('offers to try again when the survey does not load', async () => {
    replies[`GET ${SURVEY}`] = [{ status: 503, body: { type: 'x/database-unavailable', status: 503 } }, { status: 200, body: base }];
    open(`/csat/${TOKEN}`);
    expect((await screen.findByRole('alert')).textContent).toContain('temporarily unavailable');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { name: /How did we do/ });
  });

  it('shows a failed change next to the answers, with a retry', async () => {
    open(`/csat/${TOKEN}?score=good`);
    await thanks('good');
    replies[`POST ${SURVEY}`] = ['network', { status: 200, body: { ...base, score: 'bad' } }];
    fireEvent.click(screen.getByRole('button', { name: 'Bad' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Your answer was not saved');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await thanks('bad');
  });
});

describe('the survey route in the app', () => {
  it('is public: no sign-in check, no redirect to the login page', async () => {
    replies['GET /api/me'] = [problem(401, 'unauthorized')];
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={qc}>
        <MemoryRouter initialEntries={[`/csat/${TOKEN}?score=good`]}>
          <App />
          <Where />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await thanks('good');
    expect(screen.getByTestId('where').textContent).toBe(`/csat/${TOKEN}`);
    expect(calls.some((c) => c.url.startsWith('/api/me'))).toBe(false);
  });
});
