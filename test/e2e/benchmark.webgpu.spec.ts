// Benchmark mode over both backends (WebGPU on SwiftShader here): each backend gets its own
// rows with real numbers, and the WebGPU rows really ran on WebGPU (no silent WASM fallback).
import { test, expect } from '@playwright/test';
import { BENCHMARK, leadingNumber, openBenchmark, setModels, tableRows } from './benchmark-page';

test('one model over WASM and WebGPU gives a measured row per backend and prompt size', async ({ page }) => {
  test.setTimeout(300_000);
  await openBenchmark(page, 'fixtures/tiny-qwen3');
  await setModels(page, ['fixtures/tiny-qwen3']);
  await page.getByRole('checkbox', { name: BENCHMARK.wasm }).check();
  await page.getByRole('checkbox', { name: BENCHMARK.webgpu }).check();
  await page.getByLabel(BENCHMARK.repeats).fill('1');
  await page.getByRole('button', { name: BENCHMARK.run }).click();
  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark finished: 6 of 6 cases measured.', { timeout: 280_000 });

  const rows = await tableRows(page);
  expect(rows.map((r) => `${r.cells[2]} ${r.cells[4]} ${r.status}`).sort()).toEqual(
    ['WASM short done', 'WASM medium done', 'WASM long done', 'WebGPU short done', 'WebGPU medium done', 'WebGPU long done'].sort(),
  );
  for (const { cells } of rows) {
    const [, , backend, , size, , load, ttft, prefill, decode] = cells;
    for (const [name, cell] of Object.entries({ load, ttft, prefill, decode })) {
      expect(leadingNumber(cell), `${backend} ${size} ${name}: "${cell}"`).toBeGreaterThan(0);
    }
  }
});
