// WebGPU (SwiftShader) in the webgpu project: a WebLLM build pointed at the mirror fails fast with
// the missing model library named (nothing compiled for WebLLM can be generated offline); f16
// builds are unavailable because SwiftShader has no shader-f16; and a model whose WebGPU weights
// can't be loaded falls back to WASM and says so, unless the user turned that off.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { chooseBackend, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('a WebLLM build on the mirror fails with "no model library available", not a hang', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'mlc-ai/Qwen3-0.6B-q4f32_1-MLC');
  await expect(page.getByTestId('webllm-facts')).toContainText('WebGPU only');
  await expect(page.getByRole('option', { name: /Qwen3 0.6B \(WebLLM q4f16\)/ })).toBeDisabled();
  await expect(page.getByTestId('webllm-unavailable')).toContainText('shader-f16');
  await page.getByRole('button', { name: 'Load model' }).click();
  const lib = `${MIRROR}/mlc-ai/binary-mlc-llm-libs/resolve/main/web-llm-models/v0_2_86/base/Qwen3-0.6B-q4f32_1_cs1k-webgpu.wasm`;
  await expect(page.getByRole('alert').filter({ hasText: '(ModelLibraryUnavailableError)' })).toContainText(
    `No model library available for Qwen3-0.6B-q4f32_1-MLC: ${lib} answered HTTP 404`,
    { timeout: 20_000 },
  );
  // The app is usable again right away: a transformers.js model loads in the same page.
  await page.getByLabel('Model id (org/name)').fill('fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 4 });
  await loadModel(page);
  // The only console errors are the browser's own lines for the 404 of the missing library.
  expect(watchers.consoleErrors.filter((line) => !/404/.test(line))).toEqual([]);
});

test('when WebGPU fails to load a model, it loads on WASM instead and says so', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3-webgpu-fails');
  // Auto would run it on WASM here (SwiftShader is a software adapter): ask for WebGPU.
  await chooseBackend(page, 'WebGPU');
  await setGeneration(page, { temperature: 0, maxNewTokens: 6 });
  await loadModel(page);
  await expect(page.getByTestId('fallback')).toContainText("WebGPU couldn't load fixtures/tiny-qwen3-webgpu-fails");
  await expect(page.getByTestId('fallback')).toContainText('Running it on WASM (CPU) instead.');
  await expect(page.getByTestId('backend')).toContainText('WASM — WebGPU failed to load the model');
  await expect(page.getByTestId('runtime')).toContainText('WASM');
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  // ORT reports the failed session on the console; nothing else may fail.
  expect(watchers.consoleErrors.filter((line) => !/PlaygroundUnimplementedOp|com\.playground/.test(line))).toEqual([]);
});

test('with the fallback turned off, the WebGPU failure is shown and nothing else is loaded', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3-webgpu-fails');
  await chooseBackend(page, 'WebGPU');
  await page.getByLabel('If WebGPU fails to load a model, retry on WASM').uncheck();
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByRole('alert')).toContainText(/PlaygroundUnimplementedOp|com\.playground/, { timeout: 60_000 });
  await expect(page.getByTestId('fallback')).toHaveCount(0);
  await expect(page.getByTestId('model-ready')).toHaveCount(0);
});
