// Reading a model's answer the way the checkers need it: the visible part (reasoning removed), the
// first JSON value, the JavaScript code block, the last number, word counts and term matches.
import { splitThinking } from '../engines/thinking';
import type { Term } from './suite-types';

/** The answer without a `<think>…</think>` block; full-width characters folded (NFKC). */
export function visibleAnswer(text: string): string {
  return splitThinking(text).answer.normalize('NFKC').trim();
}

export type Extracted<T> = { ok: true; value: T } | { ok: false; problem: string };

const MAX_JSON_CANDIDATES = 50;

/** Where the bracketed value starting at `start` ends (exclusive), skipping strings; -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The first JSON object or array in the answer, inside a ``` fence or not. Brackets that don't
 * start valid JSON ("[note]") are skipped; if none parses, the first candidate's problem is reported.
 */
export function extractFirstJson(answer: string): Extracted<unknown> {
  let firstProblem: string | null = null;
  let candidates = 0;
  for (let i = 0; i < answer.length && candidates < MAX_JSON_CANDIDATES; i++) {
    const c = answer[i];
    if (c !== '{' && c !== '[') continue;
    candidates++;
    const end = balancedEnd(answer, i);
    if (end === -1) {
      firstProblem ??= `the JSON starting with "${answer.slice(i, i + 20)}…" is cut off (its brackets never close)`;
      continue;
    }
    const slice = answer.slice(i, end);
    try {
      return { ok: true, value: JSON.parse(slice) };
    } catch (error) {
      firstProblem ??= `"${slice.length > 40 ? `${slice.slice(0, 40)}…` : slice}" is not valid JSON (${(error as Error).message})`;
    }
  }
  return { ok: false, problem: firstProblem ?? 'the answer contains no JSON object or array' };
}

const FENCE = /```[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
const JS_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'jsx', 'node', '']);

/**
 * The first ```js / ```javascript (or unlabelled) code block. A block still open when the answer
 * ends counts, so an answer cut at the token limit is judged on the code it has.
 */
export function extractJavaScript(answer: string): Extracted<string> {
  const others: string[] = [];
  for (const match of answer.matchAll(FENCE)) {
    const language = match[1].toLowerCase();
    if (JS_LANGUAGES.has(language)) {
      if (match[2].trim() === '') return { ok: false, problem: 'the code block is empty' };
      return { ok: true, value: match[2] };
    }
    others.push(language);
  }
  if (others.length > 0) return { ok: false, problem: `the answer has a ${others[0]} code block but no JavaScript one` };
  return { ok: false, problem: 'the answer has no ``` code block' };
}

const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)/g;

/** The last number written in the answer (thousands separators allowed), or null. */
export function lastNumber(answer: string): number | null {
  const matches = answer.replaceAll('−', '-').match(NUMBER);
  if (!matches) return null;
  return Number(matches[matches.length - 1].replaceAll(',', ''));
}

const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;

/** Han and Latin letters in the text. */
export function scriptCounts(text: string): { han: number; latin: number } {
  return { han: text.match(HAN)?.length ?? 0, latin: text.match(LATIN)?.length ?? 0 };
}

/** The words of the text; each Han character counts as one word, since Chinese has no spaces. */
export function words(text: string): string[] {
  return text
    .replace(HAN, (han) => ` ${han} `)
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase())
    .filter((word) => word.length > 0);
}

const ASCII_WORD_CHAR = /[A-Za-z0-9]/;

/**
 * Whether the text contains the phrase, case-insensitively. An ASCII letter or digit at either end
 * of the phrase must not continue into the text around it, so "refund" does not match "refunded".
 */
export function containsPhrase(text: string, phrase: string): boolean {
  const haystack = text.normalize('NFKC').toLowerCase();
  const needle = phrase.normalize('NFKC').toLowerCase().trim();
  if (needle === '') return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack[at - 1] ?? '';
    const after = haystack[at + needle.length] ?? '';
    const startOk = !ASCII_WORD_CHAR.test(needle[0]) || !ASCII_WORD_CHAR.test(before);
    const endOk = !ASCII_WORD_CHAR.test(needle[needle.length - 1]) || !ASCII_WORD_CHAR.test(after);
    if (startOk && endOk) return true;
  }
  return false;
}

/** A term matches when any of its alternatives is in the text. */
export function matchesTerm(text: string, term: Term): boolean {
  return (Array.isArray(term) ? term : [term]).some((phrase) => containsPhrase(text, phrase));
}

/** A term as a user reads it: "refund" or "refund / money back". */
export function showTerm(term: Term): string {
  return Array.isArray(term) ? term.map((t) => `"${t}"`).join(' or ') : `"${term}"`;
}

/** The longest run of consecutive words the answer shares with the source (0 if none). */
export function longestSharedRun(answer: string, source: string): number {
  const a = words(answer);
  const b = words(source);
  if (a.length === 0 || b.length === 0) return 0;
  // Classic longest-common-substring over words, one row at a time.
  let previous = new Array<number>(b.length + 1).fill(0);
  let best = 0;
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1] + 1;
        if (current[j] > best) best = current[j];
      }
    }
    previous = current;
  }
  return best;
}
