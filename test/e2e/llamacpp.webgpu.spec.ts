// llama.cpp on WebGPU (SwiftShader here). wllama takes n_gpu_layers and loads without complaint
// when its WebGPU backend finds no device it can use; llama.cpp's load log is the only place that
// says where the layers went. A GPU with shader-f16 gets every layer and says so beside the
// runtime; SwiftShader has no shader-f16, so llama.cpp keeps every layer on the CPU, and the app
// says that by name (or, with fallback on, runs the model on WASM and says why) instead of
// claiming WebGPU.
import { test, expect } from '@playwright/test';
import { chooseBackend, lastAnswer, openApp, openSettings, send, setGeneration, waitForAnswerDone, watch } from './app';

const MODEL = 'fixtures/tiny-qwen3-gguf';
// tiny-qwen3-gguf has 2 blocks; llama.cpp counts the output layer as one more.
const LAYERS = 3;

test('a GGUF on WebGPU reports where llama.cpp put its layers, and answers', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, MODEL);
  const shaderF16 = await page.evaluate(async () => {
    const adapter = await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string> } | null> } }).gpu?.requestAdapter();
    return adapter?.features.has('shader-f16') ?? false;
  });
  await chooseBackend(page, 'WebGPU');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  const fallback = page.getByTestId('settings-drawer').getByLabel('If WebGPU fails to load a model, retry on WASM');

  if (shaderF16) {
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByTestId('runtime')).toContainText('WebGPU · q4');
    await expect(page.getByTestId('gpu-layers')).toHaveText(`${LAYERS}/${LAYERS} layers on the GPU`);
  } else {
    // Without fallback: refused by name, with the reason from llama.cpp's own log and the adapter.
    await fallback.uncheck();
    await page.getByRole('button', { name: 'Load model' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'BackendUnavailableError' });
    await expect(refusal).toContainText(
      `llama.cpp put all ${LAYERS} layers of "${MODEL}" on the CPU, none on WebGPU: the WebGPU adapter (google swiftshader, software) has no shader-f16, which llama.cpp's WebGPU backend requires.`,
    );
    await expect(page.getByTestId('model-ready')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Model', exact: true }).locator('summary', { hasText: /^Runs on/ })).toHaveCount(0);

    // With fallback: the same file runs on WASM, and the notice says why.
    await openSettings(page);
    await fallback.check();
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByTestId('model-ready')).toContainText(MODEL);
    await expect(page.getByTestId('fallback')).toContainText(`WebGPU couldn't load ${MODEL} (BackendUnavailableError: llama.cpp put all ${LAYERS} layers`);
    await expect(page.getByTestId('runtime')).toContainText('WASM · q4');
    await expect(page.getByTestId('gpu-layers')).toHaveCount(0);
  }

  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
  expect(watchers.consoleErrors).toEqual([]);
});
