// /csat/:token — the page behind the good / bad links of a resolution email. Public: the person
// is usually not signed in, so nothing here asks who they are. Opened with ?score=good|bad it
// saves that answer at once (one click; mail filters that follow links run no script, so they
// never answer), then drops ?score from the address so a reload does not undo a later change.
// Without it, it shows the survey as it stands. Either way the answer can be switched and a
// comment added until the survey expires.
import { useEffect, useRef, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { BrandMark } from '../branding/branding';
import { formatDate } from '../ui/format';
import { ErrorMessage, Loading } from '../ui/States';
import { ThemeToggle } from '../ui/theme';
import { CommentForm } from './CommentForm';
import { Rating } from './Rating';
import { answerSurvey, getSurvey, parseScore, surveyKey, type Answer, type Survey } from './survey';

/** Saves an answer; the survey the server sends back becomes the page's copy. */
function useAnswer(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: Answer) => answerSurvey(token, a),
    onSuccess: (s) => qc.setQueryData(surveyKey(token), s),
  });
}

/** 404 and 410 end the survey whichever call meets them. */
function gone(...errors: (Error | null)[]): 'expired' | 'invalid' | null {
  for (const e of errors) {
    if (e instanceof ApiError && e.status === 410) return 'expired';
    if (e instanceof ApiError && e.status === 404) return 'invalid';
  }
  return null;
}

export default function CsatPage() {
  const { token = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const clicked = parseScore(params.get('score'));
  const survey = useQuery({
    queryKey: surveyKey(token),
    queryFn: () => getSurvey(token),
    enabled: !clicked, // with ?score the POST's answer is the survey
    staleTime: Infinity, // only this page changes it, and it keeps the cache in step
  });
  const rate = useAnswer(token);
  const note = useAnswer(token);

  const sent = useRef(false);
  useEffect(() => {
    if (!clicked || sent.current) return;
    sent.current = true;
    rate.mutate({ score: clicked });
  }, [clicked, rate.mutate]);
  useEffect(() => {
    if (clicked && rate.isSuccess) setParams({}, { replace: true });
  }, [clicked, rate.isSuccess, setParams]);

  const end = gone(survey.error, rate.error, note.error);
  if (end) return <Frame><Ended why={end} /></Frame>;

  const s = survey.data;
  if (!s) {
    const error = clicked ? rate.error : survey.error;
    if (!error) return <Frame><Loading label={clicked ? 'Saving your answer…' : 'Loading the survey…'} /></Frame>;
    const retry = () => (clicked ? rate.mutate({ score: clicked }) : void survey.refetch());
    return (
      <Frame>
        <h1 className="mb-3 text-xl font-semibold">{clicked ? 'Your answer was not saved yet' : 'The survey did not load'}</h1>
        <ErrorMessage>{error.message}</ErrorMessage>
        <button type="button" className="btn btn-primary mt-4" onClick={retry}>Try again</button>
      </Frame>
    );
  }

  return (
    <Frame>
      <Heading survey={s} />
      <Rating current={s.score} saving={rate.isPending ? rate.variables.score : null} error={rate.error}
        onPick={(score) => rate.mutate({ score })} onRetry={() => rate.variables && rate.mutate(rate.variables)} />
      {s.score && (
        <>
          <p className="mt-3 text-sm text-muted">You can change your answer until {formatDate(s.expires_at)}.</p>
          <CommentForm score={s.score} saved={s.comment} send={note} />
        </>
      )}
    </Frame>
  );
}

function Heading({ survey: { ticket, score } }: { survey: Survey }) {
  const name = <><span className="whitespace-nowrap">{ticket.number}</span> “{ticket.title}”</>;
  if (score) {
    return <h1 className="mb-5 text-xl font-semibold leading-snug" aria-live="polite">Thank you — you rated {name} as {score}</h1>;
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold leading-snug">How did we do with {name}?</h1>
      <p className="mb-5 text-sm text-muted">One click is enough, and you can change it later.</p>
    </>
  );
}

function Ended({ why }: { why: 'expired' | 'invalid' }) {
  return why === 'expired' ? (
    <>
      <h1 className="mb-2 text-xl font-semibold">This survey link has expired</h1>
      <p className="text-sm text-muted">Answers are taken for a limited time after a ticket is resolved. If you still need help, contact the IT team.</p>
    </>
  ) : (
    <>
      <h1 className="mb-2 text-xl font-semibold">This survey link is not valid</h1>
      <p className="text-sm text-muted">Some mail programs cut long links short. Open the link from the email again, or copy the whole of it into the address bar.</p>
    </>
  );
}

/** The helpdesk's brand and the theme switch above a card, as on the login page. */
function Frame({ children }: { children: ReactNode }) {
  return (
    <div className="mx-auto flex min-h-screen max-w-lg flex-col px-4 py-6 sm:py-10">
      <header className="mb-6 flex items-center justify-between gap-2">
        <BrandMark className="text-lg" />
        <ThemeToggle />
      </header>
      <main className="card p-5 sm:p-6">{children}</main>
    </div>
  );
}
