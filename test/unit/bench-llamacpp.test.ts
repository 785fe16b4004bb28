// The bench's llama.cpp section: each engine's samples summed up, llama.cpp over onnxruntime on
// the same shape, the checks that a sample compares like for like, and the tables it writes.
import { describe, expect, it } from 'vitest';
import { benchMarkdown, type BenchFigures } from '../../scripts/bench/bench-report';
import {
  type EngineVariant,
  type LlamaCppResult,
  type VariantSample,
  llamaCppRatios,
  ratiosByVariant,
  rotation,
  sampleProblems,
  summarizeVariant,
  threadsOf,
} from '../../scripts/bench/llamacpp-report';

const MiB = 2 ** 20;

function sample(wallMs: number, prefill: number, decode: number, pssMiB: number, extra: Partial<VariantSample['answer']> = {}): VariantSample {
  return {
    load: { wallMs, totalMs: wallMs, downloadMs: 100, sessionInitMs: wallMs - 100, warmupMs: 0, phases: {}, metrics: null },
    answer: { timeToFirstTokenMs: 1000, prefillTokensPerSecond: prefill, decodeTokensPerSecond: decode, generatedTokens: 32, promptTokens: 152, cachedTokens: 0, ...extra },
    memory: { pssBytes: pssMiB * MiB, allRenderersPssBytes: pssMiB * MiB, rssHighWaterBytes: (pssMiB + 50) * MiB, renderers: 1, samples: 10 },
    runtime: 'Running on WASM · q8 · 2 threads',
  };
}

const onnx: EngineVariant = { name: 'onnxruntime q8', engine: 'onnxruntime', model: 'fixtures/qwen3-0.6b-shaped', dtype: 'q8', files: ['onnx/model_quantized.onnx'], weightBytes: 720 * MiB };
const q4k: EngineVariant = { name: 'llama.cpp Q4_K', engine: 'llama.cpp', model: 'fixtures/qwen3-0.6b-shaped-gguf', dtype: 'q4', files: ['qwen3-0.6b-shaped-Q4_K.gguf'], weightBytes: 400 * MiB };

describe('the llama.cpp section', () => {
  it('rotates the order each round, so every variant goes first once', () => {
    expect([0, 1, 2, 3].map((round) => rotation(['a', 'b', 'c'], round).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
    expect(rotation([], 2)).toEqual([]);
  });

  it('reads the thread count from the runtime line', () => {
    expect(threadsOf('Running on WASM · q4 · 2 threads')).toBe(2);
    expect(threadsOf('Running on WASM · q8 · 1 thread')).toBe(1);
    expect(threadsOf('Running on WebGPU · q4')).toBeNull();
  });

  it('sums a variant up: medians of load and speeds, the highest renderer peak, over the weight bytes', () => {
    const summary = summarizeVariant(onnx, [sample(12_000, 60, 4, 1100), sample(10_000, 70, 5, 1300), sample(11_000, 65, 6, 1200)]);
    expect(summary).toMatchObject({
      warmLoadMs: 11_000,
      prefillTokensPerSecond: 65,
      decodeTokensPerSecond: 5,
      peakPssBytes: 1300 * MiB,
      peakRssHighWaterBytes: 1350 * MiB,
      threads: 2,
      promptTokens: 152,
      cachedTokens: 0,
    });
    expect(summary.peakOverWeights).toBeCloseTo(1300 / 720);
  });

  it('gives llama.cpp over onnxruntime for each llama.cpp variant', () => {
    const onnxSummary = summarizeVariant(onnx, [sample(11_000, 69, 3.78, 2270)]);
    const q4kSummary = summarizeVariant(q4k, [sample(4_400, 15.3, 5.25, 618)]);
    const ratios = llamaCppRatios(onnxSummary, q4kSummary);
    expect(ratios.decode).toBeCloseTo(5.25 / 3.78);
    expect(ratios.prefill).toBeCloseTo(15.3 / 69);
    expect(ratios.warmLoad).toBeCloseTo(0.4);
    expect(ratios.peakMemory).toBeCloseTo(618 / 2270);
    expect(ratiosByVariant([{ ...onnx, summary: onnxSummary }, { ...q4k, summary: q4kSummary }])).toEqual({ 'llama.cpp Q4_K': ratios });
    expect(ratiosByVariant([{ ...q4k, summary: q4kSummary }])).toEqual({});
  });

  it('names a sample that does not compare like for like: a prompt read from a cache, a short answer', () => {
    expect(sampleProblems(q4k, [sample(1, 1, 1, 1)], 32)).toEqual([]);
    expect(sampleProblems(q4k, [sample(1, 1, 1, 1), sample(1, 1, 1, 1, { cachedTokens: 151 }), sample(1, 1, 1, 1, { generatedTokens: 7 })], 32)).toEqual([
      'llama.cpp Q4_K, round 2: 151 prompt tokens came from a cache',
      'llama.cpp Q4_K, round 3: 7 tokens generated, not 32',
    ]);
  });

  it('writes a table of each engine and one of the ratios, and puts the ratios in the summary', () => {
    const onnxSamples = [sample(11_000, 69, 3.78, 1290)];
    const q4kSamples = [sample(4_400, 15.3, 5.25, 618)];
    const variants = [
      { ...onnx, coldLoad: { wallMs: 40_000, downloadMs: 20_000, fetchedBytes: 0, files: [] }, samples: onnxSamples, summary: summarizeVariant(onnx, onnxSamples) },
      { ...q4k, coldLoad: { wallMs: 20_000, downloadMs: 15_000, fetchedBytes: 0, files: [] }, samples: q4kSamples, summary: summarizeVariant(q4k, q4kSamples) },
    ];
    const result: LlamaCppResult = { shape: 'Qwen3-0.6B', newTokens: 32, rounds: 1, loadAverage: [1.1, 1.4], variants, ratios: ratiosByVariant(variants), problems: [] };
    const lines = benchMarkdown({ llamacpp: result, errors: {} } as BenchFigures).split('\n');
    expect(lines).toContain('## llama.cpp against onnxruntime — Qwen3-0.6B shape, WASM, 2 threads, same prompt, greedy, 32 new tokens; 1 round, each answer the first after a warm load in a new page (load average 1.1 → 1.4)');
    expect(lines).toContain('| onnxruntime q8 | fixtures/qwen3-0.6b-shaped | 720 MiB | 11.00 s | 152 | 69.0 | 3.8 | 1290 MiB | 1.79 |');
    expect(lines).toContain('| llama.cpp Q4_K | fixtures/qwen3-0.6b-shaped-gguf | 400 MiB | 4.40 s | 152 | 15.3 | 5.3 | 618 MiB | 1.54 |');
    expect(lines).toContain('| llama.cpp Q4_K | 0.22 | 1.39 | 0.40 | 0.48 |');
    expect(lines).toContain('| llama.cpp Q4_K / onnxruntime q8, decode tok/s (Qwen3-0.6B shape) | 1.39 | – | n/a |');
  });

  it('says a section stopped part-way is in the JSON', () => {
    expect(benchMarkdown({ llamacpp: { partial: true }, errors: {} } as BenchFigures)).toContain('## llama.cpp against onnxruntime (stopped part-way: the figures reached are in the JSON)');
  });
});
