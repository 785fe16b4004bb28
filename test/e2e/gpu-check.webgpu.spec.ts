// The GPU correctness check on SwiftShader: the chat's model on WebGPU against the same weights on
// WASM, token by token. A real model agrees; the result is remembered, shown in the Device view and
// carried in the exported results.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { chooseBackend, loadModel, openApp, watch } from './app';

/** Loads the model on WebGPU and runs the check from the model column; returns its result line. */
async function checkOnWebGpu(page: Page, model: string) {
  await openApp(page, model);
  await chooseBackend(page, 'WebGPU');
  await loadModel(page);
  await expect(page.getByTestId('runtime')).toContainText('WebGPU');
  const panel = page.getByTestId('gpu-check').first();
  await panel.getByRole('button', { name: 'Check this GPU' }).click();
  return panel.getByTestId('gpu-check-result');
}

test('a model on WebGPU agrees with the CPU, and the check is remembered and exported', async ({ page }) => {
  test.setTimeout(180_000);
  const watchers = watch(page);
  const result = await checkOnWebGpu(page, 'fixtures/tiny-qwen3');
  await expect(result).toContainText(/Checked: \d+(\.\d)? % of 64 positions agree with the CPU/, { timeout: 150_000 });
  const agreement = Number(/([\d.]+) % of 64/.exec((await result.textContent())!)![1]);
  expect(agreement).toBeGreaterThanOrEqual(90);

  // Remembered for this device, model and weights: after a reload it is there before anyone checks.
  await page.reload();
  await chooseBackend(page, 'WebGPU');
  await loadModel(page);
  await expect(page.getByTestId('gpu-check').first().getByTestId('gpu-check-result')).toContainText(`${agreement} % of 64 positions agree`);
  await page.getByRole('tab', { name: 'Device' }).click();
  await expect(page.getByRole('list', { name: 'GPU checks on this device' })).toContainText(`fixtures/tiny-qwen3 · q4: OK, ${agreement} % of 64 positions agree with the CPU`);

  // In the exported results.
  await page.getByRole('tab', { name: 'Results' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Download JSON/ }).first().click();
  const document = JSON.parse(await readFile((await (await download).path())!, 'utf8'));
  expect(document.gpuCorrectness).toEqual([{ repoId: 'fixtures/tiny-qwen3', dtype: 'q4', positions: 64, agreeing: Math.round((agreement * 64) / 100), agreement, verdict: 'ok' }]);
  expect(watchers.consoleErrors).toEqual([]);
});

// The failing case: tiny-qwen3 with its lm_head stored in float32's subnormal range (scaled back in
// the graph). WASM computes it exactly; SwiftShader, like many GPUs, flushes subnormals to zero, so
// on WebGPU every logit is flat and the model predicts one token everywhere.
test('a GPU that flushes small numbers to zero is flagged, with the flat output named', async ({ page }) => {
  test.setTimeout(180_000);
  const watchers = watch(page);
  const result = await checkOnWebGpu(page, 'fixtures/tiny-qwen3-subnormal');
  await expect(result).toContainText('Warning:', { timeout: 150_000 });
  await expect(result).toContainText(/Only \d+(\.\d)? % of 64 positions agree with the CPU: this GPU computes this model wrongly\./);
  await expect(result).toContainText(/It predicts the same token at (5[89]|6[0-4]) of 64 positions: flat output, as from a GPU that computes zeros\. Use WASM for this model here\./);
  const agreement = Number(/Only ([\d.]+) % of 64/.exec((await result.textContent())!)![1]);
  expect(agreement).toBeLessThan(90);

  await page.getByRole('tab', { name: 'Device' }).click();
  await expect(page.getByRole('list', { name: 'GPU checks on this device' })).toContainText(
    `fixtures/tiny-qwen3-subnormal · q4: Warning, ${agreement} % of 64 positions agree with the CPU`,
  );
  expect(watchers.consoleErrors).toEqual([]);
});
