// Model output is untrusted text. It is rendered as Markdown and then sanitised, so nothing a
// model writes can run script, load a remote resource or navigate with a javascript: URL.
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { withoutEventHandlers } from './event-handler-attributes';

// Anything that fetches on its own (a tracking pixel would leak that a conversation happened)
// or can run code is removed outright.
const FORBID_TAGS = [
  'img', 'picture', 'source', 'video', 'audio', 'track', 'iframe', 'object', 'embed', 'style', 'link', 'meta', 'base',
  'svg', 'math', 'map', 'area',
  // Form controls would let output pose as the app's own "Message" box or "Send" button, and an
  // open <dialog> would sit over the page like one of the app's own prompts.
  'form', 'input', 'button', 'textarea', 'select', 'option', 'label', 'dialog',
];
// `background` fetches images; role/aria/id/class would let output impersonate app widgets;
// `popover` lifts an element above the whole page; `download` saves a file and `ping` posts to a
// server on a click, neither of which the user would expect from a link in an answer.
const FORBID_ATTR = [
  'style', 'srcset', 'background', 'role', 'id', 'class', 'name', 'tabindex',
  'popover', 'popovertarget', 'popovertargetaction', 'download', 'ping', 'autofocus',
];

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!/^(https?:|mailto:|#)/i.test(href)) node.removeAttribute('href');
      else if (/^https?:/i.test(href)) node.setAttribute('title', `Opens ${href} outside this app`);
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

export function renderMarkdown(text: string): string {
  installHooks();
  const html = withoutEventHandlers(marked.parse(text, { async: false, gfm: true, breaks: true }));
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR, ALLOW_ARIA_ATTR: false, ALLOW_DATA_ATTR: false });
}
