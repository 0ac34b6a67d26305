// The options of a select field: a list to add to, reorder and prune, by mouse or keyboard.
// After a move or a removal focus stays on the list where the admin was, and a polite live
// region says what happened.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { addOption, moveOption, removeOption } from './customFields';
import { FieldError } from '../ui/States';

type Focus = { index: number; act: 'up' | 'down' | 'remove' } | 'new' | null;

export function OptionsEditor({ options, onChange, error }: { options: string[]; onChange: (o: string[]) => void; error?: string }) {
  const [name, setName] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [focus, setFocus] = useState<Focus>(null);
  const list = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focus === 'new') input.current?.focus();
    else if (focus) list.current?.querySelector<HTMLButtonElement>(`[data-opt="${focus.index}"][data-act="${focus.act}"]:not(:disabled)`)?.focus();
    setFocus(null);
  }, [focus]);

  const add = () => {
    const r = addOption(options, name);
    setAddError(r.error ?? null);
    if (r.error) return;
    onChange(r.options);
    setSaid(`Added ${name.trim()}.`);
    setName('');
  };
  const move = (i: number, delta: number) => {
    const j = i + delta;
    onChange(moveOption(options, i, delta));
    setSaid(`Moved ${options[i]} to position ${j + 1} of ${options.length}.`);
    const act = delta < 0 ? (j === 0 ? 'down' : 'up') : j === options.length - 1 ? 'up' : 'down';
    setFocus({ index: j, act });
  };
  const remove = (i: number) => {
    onChange(removeOption(options, i));
    setSaid(`Removed ${options[i]}.`);
    setFocus(options.length > 1 ? { index: Math.min(i, options.length - 2), act: 'remove' } : 'new');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault(); // Enter adds the option here; it does not save the field
      add();
    }
  };

  return (
    <fieldset aria-describedby={error ? 'field-options-error' : 'field-options-hint'}>
      <legend className="label">Options</legend>
      <p id="field-options-hint" className="mb-2 text-xs text-muted">In the order the form lists them. Removing one leaves tickets that chose it unchanged.</p>
      {options.length === 0 ? (
        <p className="mb-2 text-sm text-muted">No options yet: a choice needs at least one.</p>
      ) : (
        <ol ref={list} aria-label="Options" className="mb-2 divide-y divide-line rounded-md border border-line">
          {options.map((o, i) => (
            <li key={o} className="flex items-center gap-2 px-3 py-1.5 text-sm">
              <span className="w-6 shrink-0 text-right text-muted">{i + 1}.</span>
              <span className="min-w-0 flex-1 break-words">{o}</span>
              <button type="button" className="btn px-2 py-0.5" data-opt={i} data-act="up" aria-label={`Move ${o} up`} title="Move up"
                disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
              <button type="button" className="btn px-2 py-0.5" data-opt={i} data-act="down" aria-label={`Move ${o} down`} title="Move down"
                disabled={i === options.length - 1} onClick={() => move(i, 1)}>↓</button>
              <button type="button" className="btn px-2 py-0.5" data-opt={i} data-act="remove" aria-label={`Remove ${o}`} title="Remove"
                onClick={() => remove(i)}>✕</button>
            </li>
          ))}
        </ol>
      )}
      <div className="flex gap-2">
        <label htmlFor="field-new-option" className="sr-only">New option</label>
        <input id="field-new-option" ref={input} className="input" placeholder="New option" value={name} maxLength={200}
          onChange={(e) => { setName(e.target.value); setAddError(null); }} onKeyDown={onKey}
          aria-invalid={!!addError || undefined} aria-describedby={addError ? 'field-new-option-error' : undefined} />
        <button type="button" className="btn shrink-0" onClick={add}>Add option</button>
      </div>
      <FieldError id="field-new-option-error" message={addError ?? undefined} />
      <FieldError id="field-options-error" message={error} />
      <p aria-live="polite" className="sr-only">{said}</p>
    </fieldset>
  );
}
