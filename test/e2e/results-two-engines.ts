// What the Results view specs of one model on two engines share: a results document with the model
// measured on onnxruntime and again on llama.cpp, the widths it is looked at, and the page's
// sideways overflow. Needs no model.
import type { Page } from '@playwright/test';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';
import { realisticDocument } from '../unit/support/realistic-results';

/** A laptop's, a desktop's and a phone's screen. */
export const RESULTS_SCREENS = [
  [1366, 768],
  [1920, 1080],
  [390, 844],
] as const;

/** The realistic document's WASM benchmark rows on ONNX, then again on llama.cpp (q4), under `ggufModelId` if given. */
export function twoEngineDocument(ggufModelId?: string): ResultsDocument {
  const document = realisticDocument();
  const onnx = document.benchmark.filter((row) => row.backend === 'wasm').map((row): BenchmarkRow => ({ ...row, engine: 'transformers' }));
  const gguf = onnx.map((row): BenchmarkRow => ({ ...row, ...(ggufModelId ? { modelId: ggufModelId } : {}), engine: 'llamacpp', dtype: 'q4' }));
  document.benchmark = [...onnx, ...gguf];
  return document;
}

/** How far the page scrolls sideways: 0 or less when it doesn't. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
