// Admins set the organisation's name, logo and colours (PATCH /api/admin/branding with
// If-Match), seeing the result in a preview as they type. Colours that would not read are
// adjusted in the app (src/branding/colors.ts); the preview shows exactly what people will see.
import { useState, type CSSProperties, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { keys } from '../api/queries';
import type { Branding } from '../api/types';
import { applyBranding, useBranding } from '../branding/branding';
import { brandVariables, isHexColor } from '../branding/colors';
import { ErrorMessage, FieldError, Loading } from '../ui/States';

const LOGO_MAX = 256 * 1024;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'];

type Logo = { kind: 'keep' } | { kind: 'remove' } | { kind: 'set'; dataUrl: string; name: string };

function readDataUrl(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('The file could not be read.'));
    r.readAsDataURL(f);
  });
}

function ColorField({ id, label, value, onChange, error }: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      <div className="flex items-center gap-2">
        <input type="color" aria-label={`Pick the ${label.toLowerCase()}`} className="h-9 w-12 shrink-0 cursor-pointer rounded border border-line bg-surface"
          value={isHexColor(value) ? value.toLowerCase() : '#000000'} onChange={(e) => onChange(e.target.value)} />
        <input id={id} className="input font-mono" value={value} maxLength={7} onChange={(e) => onChange(e.target.value.trim())}
          aria-invalid={!!error || undefined} aria-describedby={error ? `${id}-error` : `${id}-hint`} />
      </div>
      {error ? <FieldError id={`${id}-error`} message={error} /> : <p id={`${id}-hint`} className="mt-1 text-xs text-muted">As #rrggbb.</p>}
    </div>
  );
}

function Preview({ name, primary, accent, logo }: { name: string; primary: string; accent: string; logo: string | null }) {
  const dark = document.documentElement.classList.contains('dark');
  let style: CSSProperties = {};
  if (isHexColor(primary) && isHexColor(accent)) {
    const v = brandVariables(primary, accent);
    const s = dark ? '-dark' : '';
    style = { '--primary': v[`--brand-primary${s}`], '--on-primary': v[`--brand-on-primary${s}`], '--accent': v[`--brand-accent${s}`] } as CSSProperties;
  }
  return (
    <section aria-label="Preview" className="card overflow-hidden" style={style} data-testid="branding-preview">
      <div className="flex items-center gap-2 border-b border-line px-3 py-2">
        {logo && <img src={logo} alt="" className="h-7 w-auto max-w-[7rem] object-contain" />}
        <span className="truncate font-semibold text-primary">{name.trim() || '—'}</span>
        <span className="ml-auto rounded-md bg-primary/10 px-2 py-1 text-sm font-medium text-primary">Queues</span>
      </div>
      <div className="space-y-3 p-3 text-sm">
        <p>A ticket page with <a href="#preview" className="text-primary underline" onClick={(e) => e.preventDefault()}>a link</a>.</p>
        <p className="border-l-4 border-accent pl-2">An accent.</p>
        <button type="button" className="btn btn-primary" tabIndex={-1}>Primary button</button>
      </div>
    </section>
  );
}

function BrandingForm({ current, onSaved }: { current: Branding; onSaved: (saved: boolean) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(current.org_name);
  const [primary, setPrimary] = useState(current.primary_color);
  const [accent, setAccent] = useState(current.accent_color);
  const [logo, setLogo] = useState<Logo>({ kind: 'keep' });
  const [logoError, setLogoError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { org_name: name, primary_color: primary, accent_color: accent };
      if (logo.kind === 'remove') body.logo = null;
      if (logo.kind === 'set') body.logo = logo.dataUrl;
      return api<Branding>('/admin/branding', { method: 'PATCH', body, ifMatch: current.version });
    },
    onSuccess: (b) => {
      qc.setQueryData(keys.branding, b);
      applyBranding(b);
      onSaved(true);
    },
  });
  const errors = save.error instanceof ApiError ? save.error.fields : {};
  const stale = save.error instanceof ApiError && save.error.status === 409;

  const pickLogo = async (f: File | undefined) => {
    setLogoError(null);
    if (!f) return;
    if (!LOGO_TYPES.includes(f.type)) return setLogoError('Pick a PNG, JPEG or SVG image.');
    if (f.size > LOGO_MAX) return setLogoError('The logo may be at most 256 KB.');
    try {
      setLogo({ kind: 'set', dataUrl: await readDataUrl(f), name: f.name });
    } catch (e) {
      setLogoError((e as Error).message);
    }
  };
  const shownLogo = logo.kind === 'set' ? logo.dataUrl : logo.kind === 'remove' ? null : current.logo_url;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSaved(false);
    save.mutate();
  };

  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_20rem]">
      <form onSubmit={submit} noValidate className="card space-y-4 p-4 sm:p-5" aria-label="Branding">
        {save.error && (
          <ErrorMessage>
            {stale ? 'Someone else changed the branding in the meantime. ' : save.error.message}
            {stale && <button type="button" className="underline" onClick={() => { save.reset(); void qc.invalidateQueries({ queryKey: keys.branding }); }}>Load their version</button>}
          </ErrorMessage>
        )}
        <div>
          <label className="label" htmlFor="org-name">Organisation name</label>
          <input id="org-name" className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)}
            aria-invalid={!!errors.org_name || undefined} aria-describedby={errors.org_name ? 'org-name-error' : undefined} />
          <FieldError id="org-name-error" message={errors.org_name} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <ColorField id="primary-color" label="Primary colour" value={primary} onChange={setPrimary} error={errors.primary_color} />
          <ColorField id="accent-color" label="Accent colour" value={accent} onChange={setAccent} error={errors.accent_color} />
        </div>
        <div>
          <label className="label" htmlFor="logo">Logo <span className="font-normal text-muted">(PNG, JPEG or SVG, up to 256 KB)</span></label>
          <input id="logo" type="file" accept={LOGO_TYPES.join(',')} className="block w-full text-sm"
            onChange={(e) => void pickLogo(e.target.files?.[0])}
            aria-invalid={!!(logoError || errors.logo) || undefined} aria-describedby={logoError || errors.logo ? 'logo-error' : undefined} />
          <FieldError id="logo-error" message={logoError ?? errors.logo} />
          {(current.logo_url || logo.kind === 'set') && logo.kind !== 'remove' && (
            <button type="button" className="btn mt-2" onClick={() => setLogo({ kind: 'remove' })}>Remove the logo</button>
          )}
          {logo.kind === 'remove' && <p className="mt-2 text-sm text-muted">The logo will be removed when you save. <button type="button" className="text-primary underline" onClick={() => setLogo({ kind: 'keep' })}>Keep it</button></p>}
        </div>
        <p className="text-xs text-muted">Colours that would be hard to read are made darker (light mode) or lighter (dark mode) just enough to read; the preview shows the result.</p>
        <div className="flex justify-end">
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save branding'}</button>
        </div>
      </form>
      <Preview name={name} primary={primary} accent={accent} logo={shownLogo} />
    </div>
  );
}

export default function BrandingPage() {
  const b = useBranding();
  const [saved, setSaved] = useState(false);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Branding</h1>
      {b.isPending && <Loading label="Loading the branding…" />}
      {b.isError && <ErrorMessage>{b.error.message}</ErrorMessage>}
      {saved && <p role="status" className="rounded-md border border-ok/40 bg-ok/10 px-3 py-2 text-sm">Saved. Everyone sees the new branding on their next page load.</p>}
      {b.data && <BrandingForm key={b.data.version} current={b.data} onSaved={setSaved} />}
    </div>
  );
}
