// WebGPU on SwiftShader: functional only (it is slow and has no shader-f16). Auto must see the
// software adapter and run on WASM, saying why; WebGPU picked by hand must choose q4 because
// q4f16 can't run here, and generate real tokens.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { chooseBackend, expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('tiny Qwen3 loads and generates on WebGPU', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  expect(await page.evaluate(async () => Boolean(await (navigator as any).gpu?.requestAdapter()))).toBe(true);
  await chooseBackend(page, 'WebGPU');
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await loadModel(page);
  await expect(page.getByTestId('backend')).toContainText('WebGPU');
  await expect(page.getByTestId('runtime')).toContainText('WebGPU');
  await send(page, 'Hello on the GPU');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(page.getByTestId('decode')).toHaveText(/tok\/s \(12 tok\)/);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test('Auto runs on WASM when the only adapter is a software one, and says why', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 4 });
  await loadModel(page);
  await expect(page.getByTestId('backend')).toContainText('WASM — The only WebGPU adapter here is a software one');
  await expect(page.getByTestId('runtime')).toContainText('WASM');
  await expect(page.getByRole('group', { name: 'Runtime choice' }).or(page.locator('details.choice summary'))).toContainText(/WASM · q8/);
});
