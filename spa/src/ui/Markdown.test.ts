// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './Markdown';

describe('renderMarkdown', () => {
  it('renders the formatting people write', () => {
    const html = renderMarkdown('**Restart** the `spooler`:\n\n1. one\n2. two\n\n> quoted');
    expect(html).toContain('<strong>Restart</strong>');
    expect(html).toContain('<code>spooler</code>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<blockquote>');
  });

  it('keeps no script, handler, image, style, frame or javascript: link', () => {
    const el = document.createElement('div');
    el.innerHTML = renderMarkdown(
      '<script>alert(1)</script><img src=x onerror="alert(2)"><style>body{}</style>\n\n'
      + 'Inline <a href="javascript:alert(3)" onclick="alert(4)">x</a> <iframe src="https://e.x"></iframe>\n\n'
      + 'Click [here](javascript:alert(5)) or ![me](https://t.example/p.png)',
    );
    expect(el.querySelectorAll('script, img, style, iframe').length).toBe(0);
    const attrs = [...el.querySelectorAll('*')].flatMap((n) => [...n.attributes].map((a) => `${a.name}=${a.value}`));
    expect(attrs.filter((a) => /^on|javascript:/i.test(a))).toEqual([]);
    expect(el.textContent).toContain('<script>alert(1)</script>'); // shown, as text
  });

  it('lets web links through, opened apart from the helpdesk page', () => {
    const html = renderMarkdown('See [the guide](https://kb.example.com/printers).');
    expect(html).toContain('href="https://kb.example.com/printers"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('target="_blank"');
  });

  it('shows HTML in the text as text', () => {
    expect(renderMarkdown('1 < 2 & 3 > 2')).toContain('1 &lt; 2 &amp; 3 &gt; 2');
    expect(renderMarkdown('Use <b>this</b> one')).toContain('Use &lt;b&gt;this&lt;/b&gt; one');
  });
});
