// Model output is untrusted text. It is rendered as Markdown and then sanitised, so nothing a
// model writes can run script, load a remote resource or navigate with a javascript: URL.
import { marked } from 'marked';
import DOMPurify from 'dompurify';

// Anything that fetches on its own (a tracking pixel would leak that a conversation happened)
// or can run code is removed outright.
const FORBID_TAGS = ['img', 'picture', 'source', 'video', 'audio', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'style', 'link', 'meta', 'base', 'svg', 'math'];

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!/^(https?:|mailto:|#)/i.test(href)) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

export function renderMarkdown(text: string): string {
  installHooks();
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset'] });
}
