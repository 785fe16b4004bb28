// Results in a link: the document's compact link form (results-link.ts) as JSON, deflate-compressed
// and base64url-encoded into the URL fragment (`#results=...`), which browsers never send to a
// server. Opening such a link shows the results read-only. Links made before the compact form
// carried the whole document; they still open.
import type { ResultsDocument } from '../results/result-types';
import type { LeftOut } from '../results/results-limits';
import { readResultsData } from './results-json';
import { fromLinkPayload, toLinkPayload } from './results-link';

export const FRAGMENT_KEY = 'results';
const PREFIX = `#${FRAGMENT_KEY}=`;
/**
 * Longer links get cut or refused by chat apps, mail clients, QR codes and link shorteners; one
 * benchmark and one scorecard run of a model fit in about half of this.
 */
export const MAX_FRAGMENT_CHARS = 4_000;

/**
 * What a link is read up to: the longest link any version wrote (the whole-document form allowed
 * 60,000 characters), and how far its contents may inflate. A link is text anyone can craft; a few
 * hundred kilobytes of it can inflate to gigabytes and take the tab down.
 */
export const MAX_READ_FRAGMENT_CHARS = 60_000;
export const MAX_INFLATED_BYTES = 4 * 2 ** 20;

/** True when the page was opened from a results link: the app then opens the Results view. */
export function hasResultsFragment(hash: string): boolean {
  return hash.startsWith(PREFIX);
}

export type PermalinkResult = { ok: true; url: string } | { ok: false; error: string };

/** A link to `base` (the app's address) that carries the document. */
export async function encodePermalink(document: ResultsDocument, base: string): Promise<PermalinkResult> {
  const fragment = await resultsFragment(document);
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    return {
      ok: false,
      error: `The link would be too long: these results make ${fragment.length.toLocaleString('en')} characters, and links over ${MAX_FRAGMENT_CHARS.toLocaleString('en')} get cut when they are pasted. Use Download JSON instead and share the file; it can be imported here to compare.`,
    };
  }
  const url = new URL(base);
  // The view parameter opens the Results tab even where the app doesn't look at the fragment.
  url.search = '?view=results';
  url.hash = fragment;
  return { ok: true, url: url.toString() };
}

/** `#results=…` for a document: its link form, compressed. */
export async function resultsFragment(document: ResultsDocument): Promise<string> {
  return `${PREFIX}${toBase64Url(await deflate(new TextEncoder().encode(JSON.stringify(toLinkPayload(document)))))}`;
}

/** `leftOut` is there only when the link held more than the app reads (results-limits.ts). */
export type FragmentResult = { ok: true; document: ResultsDocument; leftOut?: LeftOut } | { ok: false; error: string };

/** Reads the document from a `#results=` fragment. Never throws. */
export async function decodeResultsFragment(hash: string): Promise<FragmentResult> {
  if (!hasResultsFragment(hash)) return { ok: false, error: 'This link carries no results.' };
  if (hash.length > MAX_READ_FRAGMENT_CHARS) {
    return {
      ok: false,
      error: `This link is ${hash.length.toLocaleString('en')} characters long, more than any results link this app makes (${MAX_READ_FRAGMENT_CHARS.toLocaleString('en')}), so it was not opened. Ask for the JSON file instead.`,
    };
  }
  let json: string;
  try {
    const bytes = fromBase64Url(hash.slice(PREFIX.length));
    const inflated = await inflate(bytes, MAX_INFLATED_BYTES);
    if (inflated === null) {
      return {
        ok: false,
        error: `The results in this link unpack to more than ${MAX_INFLATED_BYTES / 2 ** 20} MB, far more than any results link holds, so they were not opened. Ask for the JSON file instead.`,
      };
    }
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return {
      ok: false,
      error: 'The results in this link are damaged (it may have been cut short when it was copied). Ask for the link again, or for the JSON file.',
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ok: false, error: "The results in this link can't be read: it is not JSON." };
  }
  // Links made before the compact form carry the whole document, which names its format.
  const whole = typeof data === 'object' && data !== null && 'format' in data;
  const parsed = whole ? readResultsData(data) : fromLinkPayload(data);
  return parsed.ok ? parsed : { ok: false, error: `The results in this link can't be read: ${parsed.error}` };
}

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return pipe(bytes, new CompressionStream('deflate-raw'));
}

/** The inflated bytes, or null as soon as they pass `limit` (the rest is never inflated). */
async function inflate(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode(...) over a whole large array overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
