// Qwen3.5 on WebGPU (SwiftShader, picked in Settings): the fused linear-attention kernels and the
// q4 embeddings (GatherBlockQuantized, which WASM lacks) run on the GPU backend, and the scripted
// vision model still names the colour of a picture. Functional only: SwiftShader is slow.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { attachWithPicker, solidPng } from './pictures';
import { chooseBackend, expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('the tiny Qwen3.5 vision model loads on WebGPU with q4 embeddings and answers about a picture', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await chooseBackend(page, 'WebGPU');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  await expect(page.getByTestId('runtime')).toContainText('WebGPU');
  await expect(page.getByTestId('session-dtypes')).toHaveText('decoder q4 · embeddings q4 · vision fp32');

  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('I see no picture.');

  await attachWithPicker(page, await solidPng(page, '#e01010', 64), 'red.png');
  await send(page, 'What colour is this?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('The picture is mostly red.');
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});
