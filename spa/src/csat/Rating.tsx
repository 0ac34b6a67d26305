// The two answers as toggle buttons: the current one is pressed (aria-pressed), the other one
// switches to it. Under them, the server's word on the score, or a failure and a way to retry.
import { ApiError } from '../api/client';
import { ErrorMessage, FieldError } from '../ui/States';
import type { Score } from './survey';

const CHOICES: { score: Score; label: string; icon: string }[] = [
  { score: 'good', label: 'Good', icon: 'M2 9h3v11H2zm5 11h10.2a2 2 0 0 0 2-1.6l1.6-7A2 2 0 0 0 18.8 9H14l.9-4.3A1.5 1.5 0 0 0 13.4 3L7 9z' },
  { score: 'bad', label: 'Bad', icon: 'M2 4h3v11H2zm5-0.01h10.2a2 2 0 0 1 2 1.6l1.6 7a2 2 0 0 1-2 2.4H14l.9 4.3a1.5 1.5 0 0 1-1.5 1.7L7 15z' },
];

export function Rating({ current, saving, error, onPick, onRetry }: {
  current: Score | null;
  /** The answer being saved, if one is. */
  saving: Score | null;
  error: Error | null;
  onPick: (s: Score) => void;
  onRetry: () => void;
}) {
  const fieldError = error instanceof ApiError ? error.fields.score : undefined;
  return (
    <div>
      <div role="group" aria-label="Your rating" aria-describedby={fieldError ? 'score-error' : undefined}
        className="grid grid-cols-2 gap-3">
        {CHOICES.map((c) => (
          <button key={c.score} type="button" aria-pressed={current === c.score}
            className="btn gap-2 py-3 text-base aria-pressed:border-primary aria-pressed:bg-primary aria-pressed:text-on-primary aria-pressed:hover:bg-primary/90"
            onClick={() => !saving && c.score !== current && onPick(c.score)}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" className="fill-current">
              <path d={c.icon} />
            </svg>
            {saving === c.score ? 'Saving…' : c.label}
          </button>
        ))}
      </div>
      <FieldError id="score-error" message={fieldError} />
      {error && !fieldError && (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <ErrorMessage>Your answer was not saved. {error.message}</ErrorMessage>
          <button type="button" className="btn" onClick={onRetry}>Try again</button>
        </div>
      )}
    </div>
  );
}
