// The end-to-end path on WASM: tiny Qwen3 and GLM models from the mirror, loaded in the worker,
// streamed into the conversation, measured, continued with the KV cache and stopped.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import {
  answerRows,
  expectOnlyHosts,
  lastAnswer,
  loadModel,
  openApp,
  recordStreaming,
  send,
  setGeneration,
  streamingSnapshots,
  waitForAnswerDone,
  watch,
} from './app';

for (const model of ['fixtures/tiny-qwen3', 'fixtures/tiny-glm']) {
  test(`${model}: load with progress, stream, measure, reuse the cache, stop`, async ({ page, baseURL }) => {
    const watchers = watch(page);
    await openApp(page, model);
    // Long enough that streaming spans many UI frames even when inference keeps both cores busy.
    await setGeneration(page, { temperature: 0, maxNewTokens: 400 });

    // Hold the weights back briefly so the progress UI is observable on a loopback mirror.
    await page.route('**/onnx/*.onnx', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByRole('progressbar', { name: 'Download progress' })).toBeVisible();
    await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 90_000 });
    await page.unroute('**/onnx/*.onnx');

    await expect(page.getByTestId('backend')).toContainText('WASM');
    await expect(page.getByTestId('dtype')).toContainText('q8');
    await expect(page.getByTestId('load-split')).toContainText(/download \d+/);

    // Turn 1: tokens arrive in several steps, not all at once.
    await recordStreaming(page);
    await send(page, 'Hello! Tell me about on-device inference.');
    await waitForAnswerDone(page);
    const snapshots = await streamingSnapshots(page);
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    const finalText = (await lastAnswer(page).locator('.markdown').textContent()) ?? '';
    expect(finalText.length).toBeGreaterThan(snapshots[0].length);

    const metrics = page.getByRole('region', { name: 'Metrics' });
    await expect(metrics.getByText('Time to first token', { exact: true })).toBeVisible();
    await expect(metrics.getByTestId('ttft')).toHaveText(/^\d+(\.\d+)? m?s$/);
    await expect(metrics.getByTestId('prefill')).toHaveText(/\d+(\.\d+)? tok\/s/);
    await expect(metrics.getByTestId('decode')).toHaveText(/\d+(\.\d+)? tok\/s \(400 tok\)/);

    // Turn 2: only the tokens after the shared prefix are prefilled.
    await send(page, 'Please go on.');
    await waitForAnswerDone(page);
    const [first, second] = await answerRows(page);
    expect(Number(first.cached_tokens)).toBe(0);
    expect(Number(first.prefill_tokens)).toBe(Number(first.prompt_tokens));
    expect(Number(second.cached_tokens)).toBeGreaterThan(0);
    expect(Number(second.prefill_tokens)).toBe(Number(second.prompt_tokens) - Number(second.cached_tokens));
    expect(Number(second.prompt_tokens)).toBeGreaterThan(Number(first.prompt_tokens));
    await expect(metrics.getByTestId('prefill')).toContainText('cached');

    // Turn 3: a long answer is halted by Stop.
    await setGeneration(page, { maxNewTokens: 4000 });
    await send(page, 'Now write a very long story.');
    await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
    // While it streams, the Metrics panel shows the answer's own numbers so far.
    await expect(metrics.getByTestId('live-numbers')).toContainText(/Generating: \d+ tokens · first after \d/);
    await expect(metrics.getByTestId('decode')).toContainText(/tok\/s \(\d+ tok so far\)/);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForAnswerDone(page);
    await expect(lastAnswer(page)).toContainText('Stopped');
    const rows = await answerRows(page);
    expect(rows[2].stop_reason).toBe('interrupted');
    // It ended before the room left in the 2048-token context ran out.
    expect(Number(rows[2].generated_tokens)).toBeLessThan(2048 - Number(rows[2].prompt_tokens));

    expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
    expect(watchers.consoleErrors).toEqual([]);
  });
}

test('the page is cross-origin isolated and the worker runs several WASM threads', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await loadModel(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(cores).toBeGreaterThan(1);
  await expect(page.getByTestId('runtime')).toContainText(`${cores} threads`);
  // onnxruntime-web runs its extra threads as nested workers of the inference worker, started
  // from its glue module: the app's own self-hosted `ort-wasm-simd-threaded*.mjs` (or a blob: URL
  // where a runtime is loaded from one).
  const workers = page.workers().map((w) => w.url());
  expect(workers.filter((url) => url.includes('inference.worker'))).toHaveLength(1);
  const threadWorkers = workers.filter((url) => url.startsWith('blob:') || /\/ort-wasm-simd-threaded[^/]*\.mjs$/.test(url));
  expect(threadWorkers.length).toBeGreaterThanOrEqual(cores - 1);
});

test('a plain static mirror without the tree API works too', async ({ page, baseURL }) => {
  const { STATIC_MIRROR } = await import('./ports');
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-glm', STATIC_MIRROR);
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  await send(page, 'Hi');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  expectOnlyHosts(watchers.requests, [baseURL!, STATIC_MIRROR]);
});
