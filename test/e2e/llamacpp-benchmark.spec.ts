// The Benchmark view with llama.cpp: the same model as an ONNX build and as a GGUF file, measured in
// one run on WASM, each row with its own numbers and the engine it ran on.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { expectOnlyHosts, watch } from './app';
import { BENCHMARK, leadingNumber, openBenchmark, setModels } from './benchmark-page';

test('an ONNX and a GGUF build of Qwen3 are benchmarked in one run, both with measured speeds', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openBenchmark(page, 'fixtures/tiny-qwen3');
  await setModels(page, ['fixtures/tiny-qwen3', 'fixtures/tiny-qwen3-gguf']);
  await page.getByLabel(BENCHMARK.repeats).fill('1');
  await page.getByRole('button', { name: BENCHMARK.run }).click();
  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark finished: 6 of 6 cases measured.', { timeout: 280_000 });

  // Cells by their column heading, so the check holds whichever columns the table shows.
  const rows = await page.getByRole('table', { name: BENCHMARK.table }).evaluate((table) => {
    const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent!.trim());
      return { status: tr.getAttribute('data-status'), ...Object.fromEntries(headings.map((h, i) => [h, cells[i] ?? ''])) } as Record<string, string>;
    });
  });
  expect(rows.map((r) => `${r.Model} ${r.status}`)).toEqual([
    ...Array(3).fill('fixtures/tiny-qwen3 done'),
    ...Array(3).fill('fixtures/tiny-qwen3-gguf done'),
  ]);
  for (const row of rows) {
    const prefill = Object.entries(row).find(([h]) => /^Prefill/.test(h))![1];
    const decode = Object.entries(row).find(([h]) => /^Decode/.test(h))![1];
    expect(leadingNumber(prefill), `${row.Model} prefill "${prefill}"`).toBeGreaterThan(0);
    expect(leadingNumber(decode), `${row.Model} decode "${decode}"`).toBeGreaterThan(0);
  }
  // Each row names the engine it ran on.
  expect(rows.map((r) => `${r.Model} ${r.Engine}`)).toEqual([
    ...Array(3).fill('fixtures/tiny-qwen3 ONNX'),
    ...Array(3).fill('fixtures/tiny-qwen3-gguf llama.cpp'),
  ]);

  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});
