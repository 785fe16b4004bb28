// Results links: what the shared view shows survives the trip through the URL fragment (compact
// form, deflate-raw + base64url with node's own CompressionStream) in under 4,000 characters for a
// typical visit, a link too long to share is refused with the file as the way out, and a damaged,
// foreign or hostile fragment gets a clear error instead of a throw.
import { describe, expect, it } from 'vitest';
import {
  decodeResultsFragment,
  encodePermalink,
  fromBase64Url,
  hasResultsFragment,
  MAX_FRAGMENT_CHARS,
  MAX_INFLATED_BYTES,
  MAX_READ_FRAGMENT_CHARS,
  resultsFragment,
  toBase64Url,
} from '../../src/lib/export/permalink';
import { buildResultsDocument, formatTakenAt } from '../../src/lib/export/results-document';
import { documentTables } from '../../src/lib/export/results-tables';
import { fromLinkPayload, LINK_VERSION, toLinkPayload } from '../../src/lib/export/results-link';
import { speedChartData } from '../../src/lib/benchmark/chart-data';
import { scorecardChartData } from '../../src/lib/charts/scorecard-chart';
import { scorecardSummary } from '../../src/lib/export/results-tables';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';
import { realisticDocument, REALISTIC_MODEL } from './support/realistic-results';
import { bigDocument } from './support/big-results';
import { MAX_BENCHMARK_ROWS, leftOutLines } from '../../src/lib/results/results-limits';

/** Everything the shared results view puts on screen for a document. */
function shownOnScreen(document: ResultsDocument) {
  return {
    banner: [document.machine.label, formatTakenAt(document.exportedAt)],
    tables: documentTables(document),
    benchmarkChart: speedChartData(document.benchmark),
    scorecardChart: scorecardChartData(scorecardSummary(document.scorecard)),
  };
}

/** A document packed by hand into a fragment, as a hostile or broken sender could. */
async function fragmentOf(payload: unknown, json = JSON.stringify(payload)): Promise<string> {
  const bytes = await new Response(
    new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw')),
  ).arrayBuffer();
  return `#results=${toBase64Url(new Uint8Array(bytes))}`;
}

const BASE = 'https://play.example/app/?hub=x#old';

function documentWith(rows: number, answerChars = 0, idChars = 0): ResultsDocument {
  const stat = (v: number) => ({ median: v, min: v * 0.9, max: v * 1.1, n: 2 });
  // Random printable text does not compress, so it makes a link as long as it is.
  let seed = 7;
  const noise = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
  const benchmark: BenchmarkRow[] = Array.from({ length: rows }, (_, i) => ({
    modelId: `fixtures/model-${i}${noise(idChars)}`,
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
            results: [{ taskId: 't', category: 'coding', passed: true, detail: 'd', answer: noise(answerChars), ms: 1, promptTokens: 1, generatedTokens: 1 }],
          },
        ]
      : [],
    hardware: null,
    machine: { label: 'Firefox 140 · Windows · 8 cores — “ünïcode”', userAgent: 'UA', logicalCores: 8, deviceMemoryGB: null, gpu: null },
    exportedAt: new Date('2026-11-25T08:00:00.000Z'),
  });
}

describe('results links', () => {
  it('carry a document in the fragment of the app’s address and show the same tables', async () => {
    const document = documentWith(12);
    const link = await encodePermalink(document, BASE);
    if (!link.ok) throw new Error(link.error);
    const url = new URL(link.url);
    expect(url.origin + url.pathname).toBe('https://play.example/app/');
    expect(url.search).toBe('?view=results');
    expect(url.hash).toMatch(/^#results=[A-Za-z0-9_-]+$/);
    expect(hasResultsFragment(url.hash)).toBe(true);
    const decoded = await decodeResultsFragment(url.hash);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(shownOnScreen(decoded.document)).toEqual(shownOnScreen(document));
    expect(decoded.document.machine).toEqual({ ...document.machine, userAgent: '' });
  });

  it('fit a typical visit (one benchmark, the built-in scorecard) in 4,000 characters and show what the sender saw', async () => {
    const document = realisticDocument();
    expect(document.benchmark).toHaveLength(6);
    expect(document.scorecard[0].results.length).toBeGreaterThanOrEqual(30);
    const link = await encodePermalink(document, BASE);
    if (!link.ok) throw new Error(link.error);
    const fragment = new URL(link.url).hash;
    expect(fragment.length).toBeLessThanOrEqual(MAX_FRAGMENT_CHARS);
    // The whole document would not fit: the answers and the raw hardware report stay in the file.
    expect(JSON.stringify(document).length).toBeGreaterThan(3 * fragment.length);

    const decoded = await decodeResultsFragment(fragment);
    if (!decoded.ok) throw new Error(decoded.error);
    const shared = decoded.document;
    expect(shownOnScreen(shared)).toEqual(shownOnScreen(document));
    // The tables are really there, not two empty ones that happen to agree.
    const tables = documentTables(shared);
    expect(tables.benchmark.rows).toHaveLength(6);
    expect(tables.scorecard.rows.map((row) => row[2])).toContain('Customer support');
    expect(tables.hardware?.rows.map((row) => row[0])).toEqual(['WebGPU', 'WASM', 'Memory', 'Storage', 'Browser']);
    // Each task keeps its verdict, category, time and tokens; the words stay in the file.
    const sent = document.scorecard[0].results;
    expect(shared.scorecard[0].results).toEqual(sent.map((task) => ({ ...task, answer: '', detail: '' })));
    expect(shared.scorecard[0]).toMatchObject({ modelId: REALISTIC_MODEL, backend: 'webgpu', dtype: 'q4f16', suiteName: 'Built-in suite' });
  });

  it('refuse results too long for a practical link and point to the JSON file', async () => {
    // 60 models with long random ids: no compression gets that under the limit.
    const result = await encodePermalink(documentWith(60, 0, 80), BASE);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^The link would be too long: these results make [\d,]+ characters.*Download JSON/);
  });

  it('leave long answers out of the link: they are in the JSON file', async () => {
    const fragment = await resultsFragment(documentWith(1, 20_000));
    expect(fragment.length).toBeLessThan(1_000);
  });

  it('still open links made before the compact form, which carry the whole document', async () => {
    const document = documentWith(3);
    expect(await decodeResultsFragment(await fragmentOf(document))).toEqual({ ok: true, document });
  });

  it('answer a hostile or broken link form with an error saying what is wrong, never a throw', async () => {
    const good = toLinkPayload(realisticDocument());
    const cases: [unknown, RegExp][] = [
      [[1, 2, 3], /not a results link of this app/],
      [null, /not a results link of this app/],
      [{ ...good, v: 99 }, /link format version 99; this app reads version 3/],
      [{ ...good, m: 'laptop' }, /the machine should be a list/],
      [{ ...good, i: [42] }, /model id 1 should be text/],
      [{ ...good, b: [[7, ...good.b[0].slice(1)]] }, /benchmark row 1 names model 8, but the link lists 1/],
      [{ ...good, b: [good.b[0].slice(0, 5)] }, /benchmark row 1 has 5 values instead of 22/],
      [{ ...good, b: [[0, 'cuda', ...good.b[0].slice(2)]] }, /benchmark row 1, backend should be one of webgpu, wasm/],
      [{ ...good, b: [good.b[0].map((v, i) => (i === 6 ? '1e400' : v))] }, /benchmark row 1, loadMs should be a number/],
      [{ ...good, s: [[...good.s[0].slice(0, 5), [['x', 99, 1, 1, 1, 1]]]] }, /scorecard run 1, task 1 has an unknown category/],
      [{ ...good, s: [[...good.s[0].slice(0, 5), [['x', 0, true, 1, 1, 1]]]] }, /task 1, verdict should be one of 0, 1/],
      [{ ...good, s: [[...good.s[0].slice(0, 5), [['x', 0, 1, 1, -3, 1]]]] }, /task 1, prompt tokens should be a whole number/],
      [{ ...good, h: [{ toString: 1 }] }, /hardware line 1 should be text/],
      [{ ...good, t: undefined }, /the export time should be text/],
    ];
    for (const [payload, error] of cases) {
      expect(() => fromLinkPayload(payload)).not.toThrow();
      const result = await decodeResultsFragment(await fragmentOf(payload));
      expect(result).toEqual({ ok: false, error: expect.stringMatching(/^The results in this link can't be read: /) });
      expect(!result.ok && result.error).toMatch(error);
    }
    expect(good.v).toBe(LINK_VERSION);
    expect(fromLinkPayload(good).ok).toBe(true);
  });

  it('name the wrong value, and a number too large for JSON as Infinity, not null', async () => {
    const good = toLinkPayload(realisticDocument());
    const sentinel = 123456.5;
    const payload = { ...good, b: [good.b[0].map((v, i) => (i === 6 ? sentinel : v))] };
    // JSON has no Infinity: a link comes to hold one as 1e999, and JSON.parse reads that so.
    const json = JSON.stringify(payload).replace(String(sentinel), '1e999');
    expect(await decodeResultsFragment(await fragmentOf(null, json))).toEqual({
      ok: false,
      error: "The results in this link can't be read: benchmark row 1, loadMs should be a number, but it is Infinity.",
    });
    expect(fromLinkPayload({ ...good, m: ['laptop', 2.5, null, null] })).toEqual({
      ok: false,
      error: 'the core count should be a whole number, 0 or more, but it is 2.5.',
    });
  });

  it(`show the first ${MAX_BENCHMARK_ROWS.toLocaleString('en')} rows of a link with more, and say how many were left out`, async () => {
    // The app's own encoder, and figures that repeat as a fleet's do: 5,000 rows fit in a readable link.
    const document = bigDocument(5_000);
    const fragment = await resultsFragment(document);
    expect(fragment.length).toBeLessThan(MAX_READ_FRAGMENT_CHARS);
    const read = await decodeResultsFragment(fragment);
    if (!read.ok) throw new Error(read.error);
    expect(read.document.benchmark).toEqual(document.benchmark.slice(0, MAX_BENCHMARK_ROWS));
    expect(read.document.scorecard.map((run) => run.results.length)).toEqual(document.scorecard.map((run) => run.results.length));
    expect(leftOutLines(read.leftOut ?? null, 'link')).toEqual([
      'Showing the first 1,000 of 5,000 benchmark rows: a results link holds at most 1,000, so 4,000 rows were left out.',
    ]);
    // At the limit, nothing is left out and nothing is said.
    const whole = await decodeResultsFragment(await resultsFragment(bigDocument(MAX_BENCHMARK_ROWS)));
    expect(whole.ok && whole.leftOut).toBeUndefined();
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
    expect(result).toMatchObject({ ok: false, error: "The results in this link can't be read: it is not a results link of this app." });
  });

  it('refuse a link longer than any this app writes, and stop inflating a small one that unpacks too far', async () => {
    const tooLong = `#results=${'A'.repeat(MAX_READ_FRAGMENT_CHARS)}`;
    expect(await decodeResultsFragment(tooLong)).toEqual({
      ok: false,
      error: `This link is ${tooLong.length.toLocaleString('en')} characters long, more than any results link this app makes (60,000), so it was not opened. Ask for the JSON file instead.`,
    });
    // 32 MB of spaces deflate about 1,000 to 1 (deflate's limit): a link under the length limit.
    const bomb = await new Response(
      new Blob([new Uint8Array(32 * 2 ** 20).fill(0x20)]).stream().pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer();
    const hash = `#results=${toBase64Url(new Uint8Array(bomb))}`;
    expect(hash.length).toBeLessThan(MAX_READ_FRAGMENT_CHARS);
    expect(await decodeResultsFragment(hash)).toEqual({
      ok: false,
      error: `The results in this link unpack to more than ${MAX_INFLATED_BYTES / 2 ** 20} MB, far more than any results link holds, so they were not opened. Ask for the JSON file instead.`,
    });
  });

  it('base64url round-trips every byte value, in large arrays too', () => {
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256);
    const text = toBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });
});
