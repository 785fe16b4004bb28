// Results documents far larger than one visit makes: `count` benchmark rows over as many models as
// it takes (each model × 2 backends × 2 weights × 3 prompt sizes, every row a different case, so a
// row shown out of place or twice is seen by its model, backend, weights and prompt).
import type { BenchmarkRow, PromptSize, ResultsDocument, SummaryStat } from '../../../src/lib/results/result-types';
import type { Backend, Dtype } from '../../../src/lib/engines/types';
import { buildResultsDocument } from '../../../src/lib/export/results-document';
import { REALISTIC_REPORT, realisticDocument } from './realistic-results';

const CASES: { backend: Backend; dtype: Dtype }[] = [
  { backend: 'wasm', dtype: 'q8' },
  { backend: 'wasm', dtype: 'q4' },
  { backend: 'webgpu', dtype: 'q4f16' },
  { backend: 'webgpu', dtype: 'fp16' },
];
const SIZES: { promptSize: PromptSize; promptTokens: number }[] = [
  { promptSize: 'short', promptTokens: 61 },
  { promptSize: 'medium', promptTokens: 248 },
  { promptSize: 'long', promptTokens: 1017 },
];

function stat(median: number): SummaryStat {
  return { median, min: median * 0.95, max: median * 1.05, n: 3 };
}

/**
 * Row `i` of a big benchmark: model `i ÷ 12`, then backend and weights, then prompt size. The
 * figures repeat every few models, as a fleet's do, so a link of thousands of rows stays short.
 */
export function bigBenchmarkRow(i: number): BenchmarkRow {
  const model = Math.floor(i / (CASES.length * SIZES.length));
  const { backend, dtype } = CASES[Math.floor(i / SIZES.length) % CASES.length];
  const { promptSize, promptTokens } = SIZES[i % SIZES.length];
  const step = (model % 5) + (i % (CASES.length * SIZES.length));
  return {
    modelId: `org-${model}/model-ONNX`,
    backend,
    dtype,
    promptSize,
    promptTokens,
    newTokens: 128,
    loadMs: stat(2000 + 10 * step),
    ttftMs: stat(40 + step),
    prefillTokensPerSecond: stat(500 + 4 * step),
    decodeTokensPerSecond: stat(10 + step / 2),
  };
}

export function bigDocument(count: number, label = `Bench rig · ${count} rows`): ResultsDocument {
  const base = realisticDocument();
  return buildResultsDocument({
    benchmark: Array.from({ length: count }, (_, i) => bigBenchmarkRow(i)),
    scorecard: base.scorecard,
    hardware: REALISTIC_REPORT,
    machine: { ...base.machine, label },
    exportedAt: new Date('2026-12-03T08:00:00.000Z'),
  });
}
