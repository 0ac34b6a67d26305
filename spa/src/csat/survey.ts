// The satisfaction survey behind the good / bad links of a resolution email
// (GET and POST /api/csat/{token}). The token is the only credential: it goes into these two
// calls and nowhere else (no cookie, no session, never logged).
import { publicGet, publicPost } from '../api/client';

export type Score = 'good' | 'bad';

export interface Survey {
  ticket: { number: string; title: string };
  score: Score | null;
  comment: string | null;
  responded_at: string | null;
  expires_at: string;
}

export interface Answer {
  score: Score;
  comment?: string;
}

/** The server's limit on a comment, in characters. */
export const COMMENT_MAX = 2000;

export const surveyKey = (token: string) => ['csat', token] as const;

const path = (token: string) => `/csat/${encodeURIComponent(token)}`;

export const getSurvey = (token: string) => publicGet<Survey>(path(token));

/** Answers or changes the answer; the server sends the survey back as it now stands. */
export const answerSurvey = (token: string, a: Answer) => publicPost<Survey>(path(token), a);

/** The ?score= of an email link; anything else is no answer. */
export function parseScore(s: string | null): Score | null {
  return s === 'good' || s === 'bad' ? s : null;
}
