// The Results view names each row's engine: a results link with one model measured on onnxruntime
// and on llama.cpp opens with an Engine column in the benchmark and scorecard tables, at a laptop's,
// a desktop's and a phone's width, with no sideways scroll of the page (a wide table scrolls in its
// own box). With SHOTS_DIR set, each width is saved as a screenshot to look at. Needs no model.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { resultsFragment } from '../../src/lib/export/permalink';
import type { ResultsDocument } from '../../src/lib/results/result-types';
import { RESULTS_SCREENS, sidewaysOverflow, twoEngineDocument } from './results-two-engines';

/** The benchmark rows on both engines, and every scorecard run again on llama.cpp. */
function twoEngineScorecard(): ResultsDocument {
  const document = twoEngineDocument();
  document.scorecard = [...document.scorecard, ...document.scorecard.map((run) => ({ ...run, engine: 'llamacpp' as const, backend: 'wasm' as const, dtype: 'q4' as const }))];
  return document;
}

for (const [width, height] of RESULTS_SCREENS) {
  test(`at ${width}×${height} the benchmark and scorecard tables name each row's engine, and the page doesn't scroll sideways`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`/?view=results${await resultsFragment(twoEngineScorecard())}`);
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
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
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
