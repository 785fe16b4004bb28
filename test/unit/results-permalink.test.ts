// Results links: a document survives the trip through the URL fragment (deflate-raw + base64url
// with node's own CompressionStream), a link too long to share is refused with the file as the
// way out, and a damaged or foreign fragment gets a clear error instead of a throw.
import { describe, expect, it } from 'vitest';
import {
  decodeResultsFragment,
  encodePermalink,
  fromBase64Url,
  hasResultsFragment,
  MAX_FRAGMENT_CHARS,
  toBase64Url,
} from '../../src/lib/export/permalink';
import { buildResultsDocument } from '../../src/lib/export/results-document';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';

const BASE = 'https://play.example/app/?hub=x#old';

function documentWith(rows: number, answerChars = 0): ResultsDocument {
  const stat = (v: number) => ({ median: v, min: v * 0.9, max: v * 1.1, n: 2 });
  const benchmark: BenchmarkRow[] = Array.from({ length: rows }, (_, i) => ({
    modelId: `fixtures/model-${i}`,
    backend: 'wasm',
    dtype: 'q8',
    promptSize: 'short',
    promptTokens: 64,
    newTokens: 128,
    loadMs: stat(800 + i),
    ttftMs: stat(40.123 + i),
    prefillTokensPerSecond: stat(1500.5 - i),
    decodeTokensPerSecond: stat(200.25 + i / 7),
  }));
  // Random printable text does not compress, so it makes a link as long as it is.
  let seed = 7;
  const noise = Array.from({ length: answerChars }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
  return buildResultsDocument({
    benchmark,
    scorecard: answerChars
      ? [
          {
            modelId: 'm',
            backend: 'wasm',
            dtype: 'q8',
            suiteName: 's',
            finishedAt: '2026-11-25T00:00:00.000Z',
            results: [{ taskId: 't', category: 'coding', passed: true, detail: 'd', answer: noise, ms: 1, promptTokens: 1, generatedTokens: 1 }],
          },
        ]
      : [],
    hardware: null,
    machine: { label: 'Firefox 140 · Windows · 8 cores — “ünïcode”', userAgent: 'UA', logicalCores: 8, deviceMemoryGB: null, gpu: null },
    exportedAt: new Date('2026-11-25T08:00:00.000Z'),
  });
}

describe('results links', () => {
  it('carry a document in the fragment of the app’s address and give it back unchanged', async () => {
    const document = documentWith(12);
    const link = await encodePermalink(document, BASE);
    if (!link.ok) throw new Error(link.error);
    const url = new URL(link.url);
    expect(url.origin + url.pathname).toBe('https://play.example/app/');
    expect(url.search).toBe('?view=results');
    expect(url.hash).toMatch(/^#results=[A-Za-z0-9_-]+$/);
    expect(hasResultsFragment(url.hash)).toBe(true);
    // Compressed: far shorter than the JSON it carries.
    expect(url.hash.length).toBeLessThan(JSON.stringify(document).length / 2);
    expect(await decodeResultsFragment(url.hash)).toEqual({ ok: true, document });
  });

  it('refuse results too long for a practical link and point to the JSON file', async () => {
    const result = await encodePermalink(documentWith(1, MAX_FRAGMENT_CHARS), BASE);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/too long to share reliably .*Download JSON instead/);
  });

  it('say clearly when a fragment is cut short, damaged or not results', async () => {
    const link = await encodePermalink(documentWith(3), BASE);
    if (!link.ok) throw new Error(link.error);
    const hash = new URL(link.url).hash;
    const damaged = /damaged \(it may have been cut short/;
    expect(await decodeResultsFragment(hash.slice(0, hash.length / 2))).toMatchObject({ ok: false, error: expect.stringMatching(damaged) });
    expect(await decodeResultsFragment('#results=not*base64')).toMatchObject({ ok: false, error: expect.stringMatching(damaged) });
    expect(await decodeResultsFragment('#results=')).toMatchObject({ ok: false });
    expect(await decodeResultsFragment('#other=1')).toEqual({ ok: false, error: 'This link carries no results.' });
    expect(hasResultsFragment('#other=1')).toBe(false);

    // Well-formed compressed JSON that is not a results document.
    const foreign = await new Response(
      new Blob([JSON.stringify({ hello: 'world' })]).stream().pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer();
    const result = await decodeResultsFragment(`#results=${toBase64Url(new Uint8Array(foreign))}`);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^The results in this link can't be read: This is not an On-Device Playground results file/) });
  });

  it('base64url round-trips every byte value, in large arrays too', () => {
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });
});
