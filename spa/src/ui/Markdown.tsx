// Comments and descriptions are Markdown written by people (and by email senders): rendered with
// `marked`, where raw HTML in the text is shown as text, then sanitized by DOMPurify down to a
// small set of formatting tags before React inserts them. No script, style, image, form or event
// handler survives, and links may only be http(s) or mailto and open without handing the
// helpdesk page to the target.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const marked = new Marked({ gfm: true, breaks: true, renderer: { html: ({ text }) => escapeHtml(text) } });

const TAGS = ['p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

let hooked = false;

/** Markdown → HTML that is safe to insert into the page. */
export function renderMarkdown(md: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('rel', 'noopener noreferrer nofollow');
        node.setAttribute('target', '_blank');
      }
    });
    hooked = true;
  }
  const html = marked.parse(md, { async: false });
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: TAGS,
    ALLOWED_ATTR: ['href', 'title'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
}

export function Markdown({ source }: { source: string }) {
  return <div className="md break-words text-sm" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}
