// The Results view's speed chart with a model on ONNX and on llama.cpp: the chart draws, and the
// page doesn't scroll sideways, at a laptop's, a desktop's and a phone's width. With SHOTS_DIR set,
// each width is saved with the chart in view, to look at its bar labels (the engine and the prompt
// size drawn whole). Needs no model.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { resultsFragment } from '../../src/lib/export/permalink';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';
import { realisticDocument } from '../unit/support/realistic-results';

function twoEngineDocument(): ResultsDocument {
  const document = realisticDocument();
  const onnx = document.benchmark.filter((row) => row.backend === 'wasm').map((row): BenchmarkRow => ({ ...row, engine: 'transformers' }));
  const gguf = onnx.map((row): BenchmarkRow => ({ ...row, modelId: 'unsloth/Qwen3-0.6B-GGUF', engine: 'llamacpp', dtype: 'q4' }));
  document.benchmark = [...onnx, ...gguf];
  return document;
}

for (const [width, height] of [
  [1366, 768],
  [1920, 1080],
  [390, 844],
] as const) {
  test(`at ${width}×${height} the speed chart of ONNX and llama.cpp rows draws without sideways scroll`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`/?view=results${await resultsFragment(twoEngineDocument())}`);
    const view = page.getByRole('region', { name: 'Results' });
    const chart = view.getByTestId('results-benchmark-chart');
    await expect(chart).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    if (process.env.SHOTS_DIR) {
      await chart.scrollIntoViewIfNeeded();
      // chart.js draws on the next frame after the canvas appears.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.screenshot({ path: join(process.env.SHOTS_DIR, `results-speed-chart-${width}x${height}.png`) });
    }
  });
}
