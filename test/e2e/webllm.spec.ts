// WebLLM in Chromium without WebGPU: its builds are shown as unavailable with the reason, a deep
// link to one can't be loaded and says why, transformers.js models still run on
// WASM, and WebLLM's stored files (in its own Cache API buckets) are listed and deleted.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch, openModelsTab } from './app';

const WEBLLM_ID = 'mlc-ai/Qwen3-0.6B-q4f32_1-MLC';

test('without WebGPU, WebLLM builds are unavailable with the reason and transformers.js runs on WASM', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  // Chromium with WebGPU turned off still has navigator.gpu, but offers no adapter.
  expect(await page.evaluate(async () => (await (navigator as any).gpu?.requestAdapter()) ?? null)).toBeNull();
  await expect(page.getByTestId('webllm-unavailable')).toContainText(
    'WebLLM builds are unavailable: they run only on WebGPU, and this browser has none (requestAdapter() offered no adapter',
  );
  const webllmOptions = page.locator('optgroup[label="WebLLM (WebGPU only)"] option');
  expect(await webllmOptions.count()).toBeGreaterThan(3);
  for (const option of await webllmOptions.all()) {
    await expect(option).toBeDisabled();
    await expect(option).toContainText('(unavailable here)');
  }

  await setGeneration(page, { temperature: 0, maxNewTokens: 6 });
  await loadModel(page);
  await expect(page.getByTestId('backend')).toContainText('WASM');
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  expect(watchers.consoleErrors).toEqual([]);
});

test('a deep link to a WebLLM build says why it cannot load here, without contacting the hub', async ({ page }) => {
  const watchers = watch(page);
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent(WEBLLM_ID)}`);
  await expect(page.getByTestId('webllm-blocked')).toContainText('runs only on WebGPU');
  // Load can't succeed here: it is disabled, with the reason beside it.
  await expect(page.getByRole('button', { name: 'Load model' })).toBeDisabled();
  await expect(page.getByRole('region', { name: 'Model' })).toContainText('Qwen3 0.6B (WebLLM q4f32) runs only on WebGPU, and this browser has none');
  expect(watchers.requests.filter((url) => url.startsWith(MIRROR))).toEqual([]);
});

test('stored WebLLM files show in the Models view and Delete removes them, keeping a shared library', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  // WebLLM can't download a model here, so its files are put where WebLLM itself would store them.
  await page.evaluate(async (hub) => {
    const put = async (bucket: string, url: string, bytes: number) =>
      (await caches.open(bucket)).put(url, new Response(new Uint8Array(bytes), { headers: { 'content-length': String(bytes) } }));
    const lib = `${hub}/mlc-ai/binary-mlc-llm-libs/resolve/main/web-llm-models/v0_2_86/base/Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm`;
    for (const id of ['Qwen2.5-1.5B-Instruct-q4f16_1-MLC', 'Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC']) {
      await put('webllm/model', `${hub}/mlc-ai/${id}/resolve/main/params_shard_0.bin`, 300_000);
      await put('webllm/config', `${hub}/mlc-ai/${id}/resolve/main/mlc-chat-config.json`, 1_000);
    }
    await put('webllm/wasm', lib, 50_000);
  }, MIRROR);
  await page.reload();
  await openModelsTab(page);
  const table = page.getByRole('table', { name: 'Models' });
  const coder = table.getByRole('row').filter({ hasText: 'Qwen2.5 Coder 1.5B Instruct (WebLLM q4f16)' });
  const plain = table.getByRole('row').filter({ hasText: /^Qwen2.5 1.5B Instruct \(WebLLM q4f16\)/ });
  await expect(coder).toContainText('WebLLM');
  await expect(coder.getByTestId('stored-size')).toHaveText('343 KB');
  await expect(plain.getByTestId('stored-size')).toHaveText('343 KB');

  await coder.getByRole('button', { name: 'Delete Qwen2.5 Coder 1.5B Instruct (WebLLM q4f16)' }).click();
  await page.getByRole('alertdialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Yes, delete' }).click();
  // The build stays listed (it is in the catalog) with nothing stored; the other keeps its files.
  await expect(coder.getByTestId('stored-size')).toHaveCount(0);
  await expect(plain.getByTestId('stored-size')).toHaveText('343 KB');
  const left = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const bucket of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
      for (const request of await (await caches.open(bucket)).keys()) urls.push(request.url.replace(/^.*\/mlc-ai\//, ''));
    }
    return urls.sort();
  });
  expect(left).toEqual([
    'Qwen2.5-1.5B-Instruct-q4f16_1-MLC/resolve/main/mlc-chat-config.json',
    'Qwen2.5-1.5B-Instruct-q4f16_1-MLC/resolve/main/params_shard_0.bin',
    'binary-mlc-llm-libs/resolve/main/web-llm-models/v0_2_86/base/Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
  ]);
});
