// Removes event-handler attributes (`onerror=`, `onload=` …) from HTML before any parser sees it.
// DOMPurify would drop them anyway, but it parses the markup first, and Chromium reports an
// `<img onerror>` in that parse as a Content-Security-Policy violation: one console error per
// streamed re-render of an answer. This pass reads tags the way the HTML tokenizer does (quoted
// and unquoted values, `/` and any whitespace between attributes) and keeps everything else as is.

const WHITESPACE = /[\t\n\f\r ]/;
const ATTRIBUTE_NAME_END = /[\t\n\f\r />=]/;

export function withoutEventHandlers(html: string): string {
  let output = '';
  let index = 0;
  while (index < html.length) {
    const tagStart = html.indexOf('<', index);
    if (tagStart === -1) break;
    if (!/[a-zA-Z]/.test(html[tagStart + 1] ?? '')) {
      output += html.slice(index, tagStart + 1);
      index = tagStart + 1;
      continue;
    }
    output += html.slice(index, tagStart);
    index = copyTag(html, tagStart, (kept) => (output += kept));
  }
  return output + html.slice(index);
}

/** Copies one start tag from `start` (at its `<`), without its `on*` attributes; returns the index after it. */
function copyTag(html: string, start: number, emit: (text: string) => void): number {
  let index = start + 1;
  while (index < html.length && !ATTRIBUTE_NAME_END.test(html[index])) index++;
  emit(html.slice(start, index));
  for (;;) {
    const separatorStart = index;
    while (index < html.length && (WHITESPACE.test(html[index]) || html[index] === '/')) index++;
    if (index >= html.length) {
      emit(html.slice(separatorStart));
      return index;
    }
    if (html[index] === '>') {
      emit(html.slice(separatorStart, index + 1));
      return index + 1;
    }
    const nameStart = index;
    // A name may start with `=` (a parse error the tokenizer still reads as part of the name).
    index++;
    while (index < html.length && !ATTRIBUTE_NAME_END.test(html[index])) index++;
    const name = html.slice(nameStart, index);
    index = skipValue(html, index);
    if (!/^on/i.test(name)) emit(html.slice(separatorStart, index));
    else emit(' ');
  }
}

/** From just after an attribute's name, skips `= value` if there is one. */
function skipValue(html: string, from: number): number {
  let index = from;
  while (index < html.length && WHITESPACE.test(html[index])) index++;
  if (html[index] !== '=') return from;
  index++;
  while (index < html.length && WHITESPACE.test(html[index])) index++;
  const quote = html[index];
  if (quote === '"' || quote === "'") {
    const end = html.indexOf(quote, index + 1);
    return end === -1 ? html.length : end + 1;
  }
  while (index < html.length && !WHITESPACE.test(html[index]) && html[index] !== '>') index++;
  return index;
}
