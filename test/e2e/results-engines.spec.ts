// The Results view names each row's engine: a results link with one model measured on onnxruntime
// and on llama.cpp opens with an Engine column in the benchmark and scorecard tables, at a laptop's,
// a desktop's and a phone's width, with no sideways scroll of the page (a wide table scrolls in its
// own box). With SHOTS_DIR set, each width is saved as a screenshot to look at. Needs no model.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { resultsFragment } from '../../src/lib/export/permalink';
import type { BenchmarkRow, ResultsDocument } from '../../src/lib/results/result-types';
import { realisticDocument } from '../unit/support/realistic-results';

function twoEngineDocument(): ResultsDocument {
  const document = realisticDocument();
  const onnx = document.benchmark.filter((row) => row.backend === 'wasm').map((row): BenchmarkRow => ({ ...row, engine: 'transformers' }));
  const gguf = onnx.map((row): BenchmarkRow => ({ ...row, engine: 'llamacpp', dtype: 'q4' }));
  document.benchmark = [...onnx, ...gguf];
  document.scorecard = [...document.scorecard, ...document.scorecard.map((run) => ({ ...run, engine: 'llamacpp' as const, backend: 'wasm' as const, dtype: 'q4' as const }))];
  return document;
}

for (const [width, height] of [
  [1366, 768],
  [1920, 1080],
  [390, 844],
] as const) {
  test(`at ${width}×${height} the benchmark and scorecard tables name each row's engine, and the page doesn't scroll sideways`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`/?view=results${await resultsFragment(twoEngineDocument())}`);
    const view = page.getByRole('region', { name: 'Results' });
    await expect(view.getByTestId('shared-banner')).toBeVisible();

    const benchmark = view.getByRole('table', { name: 'Benchmark', exact: true });
    const scorecard = view.getByRole('table', { name: 'Scorecard by model and category' });
    for (const table of [benchmark, scorecard]) {
      await expect(table.locator('thead th').nth(1)).toHaveText('Engine');
      const engines = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.children[1]!.textContent!.trim()));
      expect(new Set(engines)).toEqual(new Set(['ONNX (transformers.js)', 'llama.cpp (GGUF)']));
    }
    const benchmarkEngines = await benchmark.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.children[1]!.textContent!.trim()));
    expect(benchmarkEngines.filter((engine) => engine === 'llama.cpp (GGUF)')).toHaveLength(3);

    // The page itself never scrolls sideways; a table wider than the screen scrolls inside its box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await benchmark.evaluate((table) => {
      const scroller = table.closest('[data-scrolls]')!;
      return { right: scroller.getBoundingClientRect().right, viewport: document.documentElement.clientWidth };
    });
    expect(box.right).toBeLessThanOrEqual(box.viewport);

    if (process.env.SHOTS_DIR) {
      await benchmark.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.env.SHOTS_DIR, `results-${width}x${height}.png`), fullPage: true });
    }
  });
}
