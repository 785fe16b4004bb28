// Benchmark mode on the production build: two fixture models (and one wrong id) on WASM finish
// with real numbers in the table and bars on the chart; Cancel stops a run mid-answer.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { MIRROR } from './ports';
import { expectOnlyHosts, watch } from './app';
import { BENCHMARK, leadingNumber, openBenchmark, setModels, tableRows } from './benchmark-page';

/** Non-white pixels in the chart's canvas drawn in one of the bar colours. */
async function barPixels(page: Page): Promise<number> {
  return page.getByTestId('benchmark-chart').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const bars = [[0x1f, 0x6f, 0x5c], [0xb3, 0x54, 0x1e]];
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 200) continue;
      if (bars.some(([r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30)) count++;
    }
    return count;
  });
}

const TOKEN_BANDS: Record<string, [number, number]> = { short: [40, 110], medium: [200, 300], long: [850, 1100] };

test('two models on WASM finish with numbers and a chart; a wrong model id gives an error row', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openBenchmark(page, 'fixtures/tiny-qwen3');
  // This project runs Chromium without WebGPU: the backend is not offered, and the view says why.
  await expect(page.getByRole('checkbox', { name: BENCHMARK.webgpu })).toBeDisabled();
  await expect(page.getByTestId('webgpu-unavailable')).toContainText('WebGPU is not available here');
  await expect(page.getByRole('checkbox', { name: BENCHMARK.wasm })).toBeChecked();

  await setModels(page, ['fixtures/tiny-qwen3', 'fixtures/no-such-model', 'fixtures/tiny-glm']);
  await page.getByLabel(BENCHMARK.repeats).fill('2');
  await page.getByRole('button', { name: BENCHMARK.run }).click();

  await expect(page.getByRole('progressbar', { name: BENCHMARK.progress })).toBeVisible();
  await expect(page.getByTestId('benchmark-progress')).toContainText(/Case \d of 9: fixtures\/tiny-qwen3 · WASM/);
  // While it runs, the chat waits and says why (it would share the processor and skew the numbers).
  await page.getByRole('tab', { name: 'Chat' }).click();
  await expect(page.getByTestId('chat-waits')).toContainText('The benchmark is running on this device');
  await expect(page.getByRole('button', { name: 'Load model' })).toBeDisabled();
  await page.getByRole('tab', { name: BENCHMARK.tab }).click();
  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark finished: 6 of 9 cases measured, 3 failed.', {
    timeout: 280_000,
  });
  await expect(page.getByRole('progressbar', { name: BENCHMARK.progress })).toHaveCount(0);

  const rows = await tableRows(page);
  expect(rows.map((r) => `${r.cells[0]} ${r.cells[4]} ${r.status}`)).toEqual([
    'fixtures/tiny-qwen3 short done',
    'fixtures/tiny-qwen3 medium done',
    'fixtures/tiny-qwen3 long done',
    'fixtures/no-such-model short error',
    'fixtures/no-such-model medium error',
    'fixtures/no-such-model long error',
    'fixtures/tiny-glm short done',
    'fixtures/tiny-glm medium done',
    'fixtures/tiny-glm long done',
  ]);
  for (const row of rows.filter((r) => r.status === 'error')) {
    expect(row.cells[5]).toContain('ModelNotFoundError: Model "fixtures/no-such-model" was not found');
  }
  for (const { cells } of rows.filter((r) => r.status === 'done')) {
    const [model, engine, backend, dtype, size, promptTokens, load, ttft, prefill, decode] = cells;
    expect(engine, model).toBe('ONNX');
    expect(backend, model).toBe('WASM');
    expect(dtype, model).toBe('q8');
    const [low, high] = TOKEN_BANDS[size];
    expect(Number(promptTokens), `${model} ${size} prompt tokens`).toBeGreaterThanOrEqual(low);
    expect(Number(promptTokens), `${model} ${size} prompt tokens`).toBeLessThanOrEqual(high);
    for (const [name, cell] of Object.entries({ load, ttft, prefill, decode })) {
      expect(leadingNumber(cell), `${model} ${size} ${name}: "${cell}"`).toBeGreaterThan(0);
      // Median first, then its min – max, unless both repeats read the same at this precision.
      expect(cell, `${model} ${size} ${name}`).toMatch(/^\d+(\.\d+)? (ms|s|tok\/s)( \(\d+(\.\d+)? (ms|s|tok\/s) – \d+(\.\d+)? (ms|s|tok\/s)\))?$/);
      const range = /\((.+) – (.+)\)$/.exec(cell);
      if (range) expect(range[1], `${model} ${size} ${name}: a range shows two different ends`).not.toBe(range[2]);
    }
  }

  const chart = page.getByRole('img', { name: /Bar chart of median prefill and decode speed .* for 6 cases/ });
  await expect(chart).toBeVisible();
  await expect.poll(() => barPixels(page)).toBeGreaterThan(500);

  const axe = await new AxeBuilder({ page }).include('#view-benchmark').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  // The wrong id's 404s are the only errors the browser may log.
  expect(watchers.consoleErrors.filter((e) => !/404/.test(e))).toEqual([]);
});

test('Cancel stops a run mid-answer and says so; no partial figures are shown', async ({ page }) => {
  const watchers = watch(page);
  await openBenchmark(page, 'fixtures/tiny-glm');
  await page.getByLabel(BENCHMARK.repeats).fill('1');
  // A tiny model answers the medium prompt in well under a second, so polling from the test can miss that
  // moment. The page clicks Cancel itself in the same task in which the timed medium answer is announced:
  // that answer is then certainly still running in the worker.
  await page.evaluate((cancelLabel) => {
    const observer = new MutationObserver(() => {
      const progress = document.querySelector('[data-testid="benchmark-progress"]');
      if (!progress?.textContent?.includes('medium prompt — repeat 1 of 1')) return;
      observer.disconnect();
      const cancel = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === cancelLabel);
      cancel?.click();
      document.body.dataset.cancelClickedDuring = progress.textContent;
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, BENCHMARK.cancel);
  await page.getByRole('button', { name: BENCHMARK.run }).click();
  await expect(page.locator('body')).toHaveAttribute('data-cancel-clicked-during', /Case 2 of 3: .* medium prompt — repeat 1 of 1/, {
    timeout: 60_000,
  });

  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark cancelled. 1 of 3 cases finished; the cancelled ones have no figures.');
  await expect(page.getByRole('progressbar', { name: BENCHMARK.progress })).toHaveCount(0);
  await expect(page.getByRole('button', { name: BENCHMARK.run })).toBeEnabled();
  const rows = await tableRows(page);
  expect(rows.map((r) => r.status)).toEqual(['done', 'cancelled', 'cancelled']);
  for (const row of rows.filter((r) => r.status === 'cancelled')) {
    expect(row.cells[5]).toBe('Cancelled: Cancelled before this case finished; no figures were kept.');
  }
  // Nothing keeps running after the cancel: the progress stays gone.
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('benchmark-progress')).toHaveCount(0);
  expect(watchers.consoleErrors).toEqual([]);
});
