// The organisation's branding (GET /api/branding, public): its colours become the CSS variables
// index.css builds the primary and accent tokens from, its name the page title and the brand
// mark beside the logo. The last branding seen is kept in localStorage and applied before the
// first paint, so a branded page does not flash the default colours.
import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { publicGet } from '../api/client';
import { keys } from '../api/queries';
import type { Branding } from '../api/types';
import { brandVariables, isHexColor } from './colors';

const KEY = 'hd-branding';
export const DEFAULT_NAME = 'Helpdesk';

export function useBranding() {
  return useQuery({ queryKey: keys.branding, queryFn: () => publicGet<Branding>('/branding'), staleTime: 300_000 });
}

/** Sets the brand variables and the title; with remember, keeps it for the next page load. */
export function applyBranding(b: Pick<Branding, 'org_name' | 'primary_color' | 'accent_color'>, remember = true): void {
  if (!isHexColor(b.primary_color) || !isHexColor(b.accent_color)) return;
  const style = document.documentElement.style;
  for (const [k, v] of Object.entries(brandVariables(b.primary_color, b.accent_color))) style.setProperty(k, v);
  document.title = b.org_name || DEFAULT_NAME;
  if (remember) {
    try {
      localStorage.setItem(KEY, JSON.stringify({ org_name: b.org_name, primary_color: b.primary_color, accent_color: b.accent_color }));
    } catch {
      // storage full or disabled: the next load starts from the defaults
    }
  }
}

/** At start-up: the branding of the last visit, if any. */
export function applyRememberedBranding(): void {
  try {
    const b = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (b && typeof b.org_name === 'string') applyBranding(b, false);
  } catch {
    // nothing usable kept
  }
}

/** Keeps the page's branding in step with the server's. */
export function BrandingEffect() {
  const b = useBranding();
  useEffect(() => {
    if (b.data) applyBranding(b.data);
  }, [b.data]);
  return null;
}

/** The logo (when there is one) and the organisation's name. */
export function BrandMark({ className = '' }: { className?: string }) {
  const b = useBranding();
  const name = b.data?.org_name ?? DEFAULT_NAME;
  return (
    <span className={`inline-flex min-w-0 items-center gap-2 font-semibold text-primary ${className}`} data-testid="brand">
      {b.data?.logo_url && <img src={b.data.logo_url} alt="" className="h-7 w-auto max-w-[7rem] object-contain" />}
      <span className="truncate">{name}</span>
    </span>
  );
}
