// Single-key shortcuts (`/`, `n`, `j`, …) that never fire while the person is typing.
import { useEffect, useRef } from 'react';

export type Bindings = Record<string, (e: KeyboardEvent) => void>;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** The binding name for a key press, or null when shortcuts must not see it. */
export function shortcutKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): string | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return null;
  if (e.key === 'Escape' || e.key === 'Enter') return e.key;
  return e.key.length === 1 ? e.key : null;
}

export function useHotkeys(bindings: Bindings): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = shortcutKey(e);
      const fn = k ? ref.current[k] : undefined;
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const AGENT_SHORTCUTS: [string, string][] = [
  ['/', 'Quick open a ticket by number'],
  ['n', 'New ticket'],
  ['j / k', 'Next / previous ticket'],
  ['Enter', 'Open the selected ticket (queue)'],
  ['a', 'Assign (ticket)'],
  ['r', 'Reply (ticket)'],
  ['s', 'Change status (ticket)'],
  ['?', 'Show this list'],
];
