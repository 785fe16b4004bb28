// The Benchmark view with llama.cpp: the same model as an ONNX build and as a GGUF file, measured in
// one run on WASM, each row with its own numbers and the engine it ran on.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { expectOnlyHosts, watch } from './app';
import { BENCHMARK, leadingNumber, openBenchmark, setModels, tableRows } from './benchmark-page';

test('an ONNX and a GGUF build of Qwen3 are benchmarked in one run, both with measured speeds', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openBenchmark(page, 'fixtures/tiny-qwen3');
  await setModels(page, ['fixtures/tiny-qwen3', 'fixtures/tiny-qwen3-gguf']);
  await page.getByLabel(BENCHMARK.repeats).fill('1');
  await page.getByRole('button', { name: BENCHMARK.run }).click();
  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark finished: 6 of 6 cases measured.', { timeout: 280_000 });

  const rows = await tableRows(page);
  expect(rows.map((r) => `${r.byHeading.Model} ${r.status}`)).toEqual([
    ...Array(3).fill('fixtures/tiny-qwen3 done'),
    ...Array(3).fill('fixtures/tiny-qwen3-gguf done'),
  ]);
  for (const row of rows) {
    const { Model, Prefill, Decode } = row.byHeading;
    expect(leadingNumber(Prefill), `${Model} prefill "${Prefill}"`).toBeGreaterThan(0);
    expect(leadingNumber(Decode), `${Model} decode "${Decode}"`).toBeGreaterThan(0);
  }
  // Each row names the engine it ran on.
  expect(rows.map((r) => `${r.byHeading.Model} ${r.byHeading.Engine}`)).toEqual([
    ...Array(3).fill('fixtures/tiny-qwen3 ONNX'),
    ...Array(3).fill('fixtures/tiny-qwen3-gguf llama.cpp'),
  ]);

  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});
