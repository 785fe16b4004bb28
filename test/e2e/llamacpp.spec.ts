// GGUF models through llama.cpp (wllama) on WASM: the tiny Qwen3 and GLM-Edge GGUF test models load
// by id from the mirror through the app's own download manager, answer as a stream with their
// numbers, stop on Stop, and load and answer again with the network off. wllama's WebAssembly is
// served by the app and precached: no request leaves for a CDN.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { answerRows, expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

for (const { model, file } of [
  { model: 'fixtures/tiny-qwen3-gguf', file: 'tiny-qwen3-Q4_0.gguf' },
  { model: 'fixtures/tiny-glm-edge-gguf', file: 'tiny-glm-edge-Q4_0.gguf' },
]) {
  test(`${model} loads by id into llama.cpp, streams an answer with its numbers, and stops on Stop`, async ({ page, baseURL }) => {
    const watchers = watch(page);
    await openApp(page, model);
    await setGeneration(page, { temperature: 0, maxNewTokens: 24 });
    await loadModel(page);
    await expect(page.getByTestId('model-ready')).toContainText(model);
    await expect(page.getByTestId('runtime')).toContainText('WASM · q4');
    // The 4-bit file, chosen from the mirror's listing; fetched by the app's download manager into its store.
    const stored = await page.evaluate(async (name) => {
      const cache = await caches.open('transformers-cache');
      return (await cache.keys()).map((request) => request.url).filter((url) => url.endsWith(name)).length;
    }, file);
    expect(stored).toBe(1);

    await send(page, 'Hello there, how are you?');
    await waitForAnswerDone(page);
    await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
    const metrics = page.getByRole('region', { name: 'Metrics' });
    await expect(metrics.getByTestId('decode')).toHaveText(/\d+(\.\d+)? tok\/s/);
    const [first] = await answerRows(page);
    expect(Number(first.prompt_tokens)).toBeGreaterThan(0);
    expect(Number(first.generated_tokens)).toBeGreaterThan(0);

    // A long answer is halted by Stop.
    await setGeneration(page, { maxNewTokens: 3000 });
    await send(page, 'Now write a very long story.');
    await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForAnswerDone(page);
    const rows = await answerRows(page);
    expect(rows.at(-1)!.stop_reason).toBe('interrupted');
    expect(Number(rows.at(-1)!.generated_tokens)).toBeLessThan(3000);
    // The prompt's size is known even though Stop ended the stream before llama.cpp's final timings:
    // the whole conversation so far, longer than the first prompt.
    expect(Number(rows.at(-1)!.prompt_tokens)).toBeGreaterThan(Number(first.prompt_tokens));

    // A third answer after the Stop: the engine is still usable.
    await setGeneration(page, { maxNewTokens: 8 });
    await send(page, 'Hello again.');
    await waitForAnswerDone(page);
    expect((await answerRows(page)).length).toBe(3);

    expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
    expect(watchers.consoleErrors).toEqual([]);
  });
}

test('a stored GGUF model loads into llama.cpp and answers after an offline reload, with zero failed requests', async ({ page, context, baseURL }) => {
  const model = 'fixtures/tiny-qwen3-gguf';
  const watchers = watch(page);
  await openApp(page, model);
  // The shell (app, worker chunks, wllama's wasm) is precached once the service worker is active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await loadModel(page);

  const failed: string[] = [];
  context.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await loadModel(page);
  await expect(page.getByTestId('model-ready')).toContainText(model);

  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
  expect(failed, 'requests that failed while offline').toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test('a warm GGUF load shows where its time went, and reads the stored weights once', async ({ page }) => {
  const model = 'fixtures/tiny-qwen3-gguf';
  await openApp(page, model);
  await loadModel(page);
  // Warm: a new page on the stored file, nothing fetched.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await loadModel(page);
  await expect(page.getByTestId('model-ready')).toContainText(model);

  const phases = page.getByRole('region', { name: 'Metrics' }).getByTestId('load-phases');
  await expect(phases).toHaveText(/^store read .+, tokenizer .+, runtime start .+, sessions .+, warm-up .+$/);
  const metrics = JSON.parse((await phases.getAttribute('data-phases')) ?? 'null') as {
    bytes: number;
    fetchedBytes: number;
    storeBytesRead: { header: number; model: number; weights: number };
  };
  expect(metrics.fetchedBytes).toBe(0);
  const read = metrics.storeBytesRead;
  // The app reads the header (vocabulary, chat template, architecture), at most the file once.
  expect(read.header).toBeGreaterThan(0);
  expect(read.header).toBeLessThanOrEqual(metrics.bytes);
  // llama.cpp reads the weights into its own memory once: a second pass over them (a hash, a copy
  // in JS memory, a re-read) would take more than the file holds.
  expect(read.weights).toBeGreaterThan(0);
  expect(read.weights).toBeLessThanOrEqual(metrics.bytes);
  expect(read.model).toBeGreaterThanOrEqual(read.weights);
});
