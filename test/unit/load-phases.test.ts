import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { LoadPhaseClock } from '../../src/lib/engines/transformers/load-phases';
import {
  chooseOrtBuild,
  engineStartModel,
  jspiAvailable,
  onSessionCreated,
  ortOverridesFromQuery,
  sessionOptionsFor,
  startEngine,
} from '../../src/lib/engines/transformers/ort-setup';
import { loadPhaseStats } from '../../src/lib/benchmark/load-phase-stats';
import { loadPhasesText } from '../../src/lib/metrics/load-phases-text';
import type { LoadMetrics } from '../../src/lib/engines/types';
import type { BenchmarkRow } from '../../src/lib/results/result-types';
import { buildResultsDocument } from '../../src/lib/export/results-document';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';

/** A clock that reads what the test sets. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('LoadPhaseClock', () => {
  it('adds each timed call to its phase, failed ones included', async () => {
    const time = manualClock();
    const clock = new LoadPhaseClock(time.now);
    await clock.time('tokenizerMs', async () => time.advance(300));
    await expect(clock.time('warmupMs', async () => {
      time.advance(40);
      throw new Error('no');
    })).rejects.toThrow('no');
    await clock.time('warmupMs', async () => time.advance(10));
    expect(clock.phases()).toEqual({ storeReadMs: 0, tokenizerMs: 300, engineStartMs: 0, sessionCreateMs: 0, warmupMs: 50 });
  });

  it('sums the creation of several sessions, and counts the rest of their load as store read', () => {
    const clock = new LoadPhaseClock(() => 0);
    // Three sessions (embeddings, decoder, vision) created one after another while their files are read.
    for (const ms of [120, 2400, 900]) clock.add('sessionCreateMs', ms);
    clock.addStoreRead(5000, 3420);
    expect(clock.phases()).toMatchObject({ sessionCreateMs: 3420, storeReadMs: 1580 });
  });

  it('never counts a negative store read', () => {
    const clock = new LoadPhaseClock(() => 0);
    clock.addStoreRead(100, 150);
    expect(clock.phases().storeReadMs).toBe(0);
  });

  it('hands out a copy, so later phases do not change a result already returned', () => {
    const clock = new LoadPhaseClock(() => 0);
    const before = clock.phases();
    clock.add('engineStartMs', 700);
    expect(before.engineStartMs).toBe(0);
  });
});

describe('timing session creation', () => {
  it('reports every create to the listeners subscribed at the time, and stops when unsubscribed', async () => {
    let created = 0;
    const session = { create: async () => ({ release: async () => void created++ }) };
    const seen: number[] = [];
    const stop = onSessionCreated(session, (ms) => seen.push(ms));
    const again: number[] = [];
    const stopAgain = onSessionCreated(session, (ms) => again.push(ms));
    await session.create();
    stop();
    await session.create();
    stopAgain();
    await session.create();
    expect(seen).toHaveLength(1);
    expect(again).toHaveLength(2);
    expect(seen.every((ms) => ms >= 0)).toBe(true);
  });
});

describe('starting the runtime', () => {
  it('builds a one-node graph that onnxruntime runs as an identity', async () => {
    const session = await ort.InferenceSession.create(engineStartModel());
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([4.5]), [1]) });
    expect(Array.from(y.data as Float32Array)).toEqual([4.5]);
    await session.release();
  });

  it('creates that session and releases it', async () => {
    const released: string[] = [];
    const session = {
      create: async (model: Uint8Array, options: { executionProviders: string[] }) => {
        const real = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
        expect(options.executionProviders).toEqual(['wasm']);
        return { release: async () => { released.push('released'); await real.release(); } };
      },
    };
    await startEngine(session as never);
    expect(released).toEqual(['released']);
  });
});

describe('choosing the build and options', () => {
  it('keeps asyncify for WebGPU whatever is asked', () => {
    expect(chooseOrtBuild('webgpu', { build: 'plain' }, true)).toBe('asyncify');
    expect(chooseOrtBuild('webgpu', { build: 'jspi' }, true)).toBe('asyncify');
  });

  it('falls back to asyncify when JSPI is asked for and missing', () => {
    expect(chooseOrtBuild('wasm', { build: 'jspi' }, false)).toBe('asyncify');
    expect(chooseOrtBuild('wasm', { build: 'jspi' }, true)).toBe('jspi');
    expect(chooseOrtBuild('wasm', { build: 'plain' }, false)).toBe('plain');
  });

  it('tells JSPI from its absence by WebAssembly.Suspending', () => {
    expect(jspiAvailable({})).toBe(false);
    expect(jspiAvailable({ Suspending: class {} })).toBe(true);
  });

  it('reads forced choices from the page URL and ignores unknown ones', () => {
    expect(ortOverridesFromQuery('?model=x&ort-build=plain&ort-opt=basic')).toEqual({ build: 'plain', graphOptimizationLevel: 'basic' });
    expect(ortOverridesFromQuery('?ort-build=fast&ort-opt=max')).toEqual({});
    expect(sessionOptionsFor({ graphOptimizationLevel: 'disabled' })).toEqual({ graphOptimizationLevel: 'disabled' });
  });
});

const load = (over: Partial<LoadMetrics> = {}): LoadMetrics => ({
  downloadMs: 10,
  sessionInitMs: 5000,
  warmupMs: 200,
  totalMs: 5210,
  bytes: 1,
  fetchedBytes: 0,
  storeReadMs: 1200,
  tokenizerMs: 310,
  engineStartMs: 820,
  sessionCreateMs: 4100,
  ...over,
});

describe('showing and exporting the phases', () => {
  it('writes the Load line in load order', () => {
    expect(loadPhasesText(load())).toBe('store read 1.20 s, tokenizer 310 ms, runtime start 820 ms, sessions 4.10 s, warm-up 200 ms');
  });

  it('says nothing for a runtime that does not time its phases', () => {
    expect(loadPhasesText(load({ storeReadMs: undefined }))).toBeNull();
  });

  it('summarises each phase over the timed loads', () => {
    const stats = loadPhaseStats([load(), load({ sessionCreateMs: 3000 }), load({ sessionCreateMs: 5000 })]);
    expect(stats.loadPhases?.sessionCreateMs).toEqual({ median: 4100, min: 3000, max: 5000, n: 3 });
    expect(stats.loadPhases?.storeReadMs.median).toBe(1200);
  });

  it('leaves phases out when any load lacks them', () => {
    expect(loadPhaseStats([load(), load({ tokenizerMs: undefined })])).toEqual({});
  });
});

describe('the results file', () => {
  const stat = (median: number) => ({ median, min: median, max: median, n: 1 });
  const row: BenchmarkRow = {
    modelId: 'fixtures/tiny-qwen3',
    backend: 'wasm',
    dtype: 'q8',
    promptSize: 'short',
    promptTokens: 64,
    newTokens: 128,
    loadMs: stat(5210),
    ttftMs: stat(40),
    prefillTokensPerSecond: stat(1500),
    decodeTokensPerSecond: stat(200),
  };
  const document = (rows: BenchmarkRow[]) =>
    buildResultsDocument({ benchmark: rows, scorecard: [], hardware: null, machine: { label: 'm', userAgent: 'u', logicalCores: 2, deviceMemoryGB: null, gpu: null }, exportedAt: new Date(0) });

  it('carries the load phases out and back in', () => {
    const withPhases = document([{ ...row, ...loadPhaseStats([load()]) }]);
    const parsed = parseResultsDocument(resultsJson(withPhases));
    expect(parsed).toEqual({ ok: true, document: withPhases });
    expect(parsed.ok && parsed.document.benchmark[0].loadPhases?.engineStartMs.median).toBe(820);
  });

  it('still reads a file from before phases were timed', () => {
    const parsed = parseResultsDocument(resultsJson(document([row])));
    expect(parsed.ok && parsed.document.benchmark[0].loadPhases).toBeUndefined();
  });
});
