// The Models view's "will it run here": the probe times this device in its worker, every catalog
// model gets a predicted speed and a fit badge, an answer adds the measured speed beside the prediction (and
// teaches it), the table exports, and the probe is reused on the next visit.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch, openModelsTab, openChatTab } from './app';

test('measures the device, predicts every model, then shows the measured speed beside the prediction', async ({ page }) => {
  test.setTimeout(240_000);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  await openModelsTab(page);
  const table = page.getByRole('table', { name: 'Models' });
  const qwen = table.locator('tr[data-repo="onnx-community/Qwen3-0.6B-ONNX"]');
  await expect(qwen.getByTestId('verdict')).not.toBeEmpty();
  await expect(qwen.getByTestId('predicted')).toHaveText('–');
  await expect(page.getByTestId('outlook-status')).toContainText('Not measured yet');

  await page.getByRole('button', { name: 'Measure this device' }).click();
  await expect(page.getByTestId('outlook-status')).toContainText('a probe of WASM', { timeout: 120_000 });
  await expect(qwen.getByTestId('predicted')).toHaveText(/^\d+(\.\d)? tok\/s/);
  // The row shows the build Auto loads here: ONNX q8, or a GGUF build where llama.cpp measured faster.
  await expect(qwen).toContainText(/(llama\.cpp · )?WASM · (q8|Q4_K_M|Q8_0)/);
  // Without WebGPU the WebLLM builds are listed as unavailable, with the reason.
  await expect(table.locator('tr[data-repo="mlc-ai/Qwen3-0.6B-q4f32_1-MLC"]').getByTestId('verdict')).toContainText("Can't run here");

  await openChatTab(page);
  await setGeneration(page, { temperature: 0, maxNewTokens: 32 });
  await loadModel(page);
  await send(page, 'Tell me something');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await openModelsTab(page);

  const tiny = table.locator('tr[data-repo="fixtures/tiny-qwen3"]');
  await expect(tiny.getByTestId('measured')).toHaveText(/^\d+(\.\d)? tok\/s$/);
  await expect(tiny.getByTestId('predicted')).toContainText('learned from 1 run');
  const measured = Number((await tiny.getByTestId('measured').textContent())!.replace(' tok/s', ''));
  // The learned factor (measured / predicted for that run) scales the prediction, within its clamps.
  const [predicted, raw] = [...(await tiny.getByTestId('predicted').textContent())!.matchAll(/([\d.]+) tok\/s/g)].map((m) => Number(m[1]));
  // Shown rounded (one decimal under 100 tok/s, whole numbers above): the clamps hold for some
  // true values within half a displayed step of each.
  const halfStep = (shown: number) => (shown >= 100 ? 0.5 : 0.05);
  expect((predicted + halfStep(predicted)) / (raw - halfStep(raw))).toBeGreaterThanOrEqual(0.25);
  expect((predicted - halfStep(predicted)) / (raw + halfStep(raw))).toBeLessThanOrEqual(4);
  expect(predicted).not.toBe(raw);

  const download = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Models' }).getByRole('button', { name: 'Export CSV' }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  expect(header).toBe('model,repo,engine,backend,weights,predicted_decode_tok_s,uncorrected_tok_s,learned_runs,measured_decode_tok_s,verdict,reason');
  const tinyLine = lines.find((line) => line.startsWith('fixtures/tiny-qwen3,'))!.split(',');
  expect(tinyLine.slice(2, 5)).toEqual(['transformers', 'wasm', 'q8']);
  expect(Number(tinyLine[7])).toBe(1);
  expect(Math.abs(Number(tinyLine[8]) - measured) / measured).toBeLessThan(0.05);
  expect(Math.abs(Number(tinyLine[5]) - predicted) / predicted).toBeLessThan(0.05);
  expect(Math.abs(Number(tinyLine[6]) - raw) / raw).toBeLessThan(0.05);
  expect(watchers.consoleErrors).toEqual([]);

  // The next visit reuses the stored probe: predictions show without measuring again.
  await page.reload();
  await expect(page.getByTestId('outlook-status')).toContainText('a probe of WASM');
  await expect(qwen.getByTestId('predicted')).toHaveText(/^\d+(\.\d)? tok\/s/);
  await expect(page.getByRole('button', { name: 'Measure again' })).toBeVisible();
});
