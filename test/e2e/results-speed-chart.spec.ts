// The Results view's speed chart with a model on ONNX and on llama.cpp: the chart draws, and the
// page doesn't scroll sideways, at a laptop's, a desktop's and a phone's width. With SHOTS_DIR set,
// each width is saved with the chart in view, to look at its bar labels (the engine and the prompt
// size drawn whole). Needs no model.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { resultsFragment } from '../../src/lib/export/permalink';
import { RESULTS_SCREENS, sidewaysOverflow, twoEngineDocument } from './results-two-engines';

for (const [width, height] of RESULTS_SCREENS) {
  test(`at ${width}×${height} the speed chart of ONNX and llama.cpp rows draws without sideways scroll`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`/?view=results${await resultsFragment(twoEngineDocument('unsloth/Qwen3-0.6B-GGUF'))}`);
    const view = page.getByRole('region', { name: 'Results' });
    const chart = view.getByTestId('results-benchmark-chart');
    await expect(chart).toBeVisible();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    if (process.env.SHOTS_DIR) {
      await chart.scrollIntoViewIfNeeded();
      // chart.js draws on the next frame after the canvas appears.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.screenshot({ path: join(process.env.SHOTS_DIR, `results-speed-chart-${width}x${height}.png`) });
    }
  });
}
