// WebGPU on SwiftShader: functional only (it is slow and has no shader-f16). The app must pick
// WebGPU by itself, choose q4 because q4f16 can't run here, and generate real tokens.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('tiny Qwen3 loads and generates on WebGPU', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  expect(await page.evaluate(async () => Boolean(await (navigator as any).gpu?.requestAdapter()))).toBe(true);
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
