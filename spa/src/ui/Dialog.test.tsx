// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { Dialog } from './Dialog';

afterEach(cleanup);

function Page({ onClose }: { onClose: () => void }) {
  const [open, setOpen] = useState(false);
  const [n, setN] = useState(0);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open</button>
      {open && (
        <Dialog title="Sure?" onClose={() => { onClose(); setOpen(false); }}>
          <button onClick={() => setN(n + 1)}>Count {n}</button>
          <button onClick={() => setOpen(false)}>Done</button>
        </Dialog>
      )}
    </>
  );
}

describe('Dialog', () => {
  it('takes focus, keeps Tab inside, closes on Escape and gives focus back', () => {
    const onClose = vi.fn();
    render(<Page onClose={onClose} />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    expect(document.activeElement).toBe(screen.getByRole('dialog', { name: 'Sure?' }));
    const done = screen.getByRole('button', { name: 'Done' });
    done.focus();
    fireEvent.keyDown(window, { key: 'Tab' });
    expect(document.activeElement?.textContent).toBe('Count 0');
    fireEvent.keyDown(window, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(done);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('keeps focus where it is when the page re-renders under it', () => {
    render(<Page onClose={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    const count = screen.getByRole('button', { name: 'Count 0' });
    count.focus();
    fireEvent.click(count);
    expect(document.activeElement?.textContent).toBe('Count 1');
  });
});
