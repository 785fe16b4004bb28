// Switching models gives their memory back: WASM memory never shrinks, so each load runs in an
// inference worker of its own and the previous one is ended. Three loads (A, B, A) must start three
// workers, each ending before the next model answers, and every model must still stream its answer.
import { test, expect, type Worker } from '@playwright/test';
import { answerRows, lastAnswer, loadModel, openApp, recordStreaming, send, setGeneration, streamingSnapshots, waitForAnswerDone, watch } from './app';

const A = 'fixtures/tiny-qwen3';
const B = 'fixtures/tiny-glm';

test('loading A, then B, then A again starts a fresh inference worker each time and ends the one before', async ({ page }) => {
  const watchers = watch(page);
  const inferenceWorkers: { worker: Worker; closed: boolean }[] = [];
  page.on('worker', (worker) => {
    if (!/inference\.worker/.test(worker.url())) return;
    const entry = { worker, closed: false };
    worker.on('close', () => (entry.closed = true));
    inferenceWorkers.push(entry);
  });

  await openApp(page, A);
  await setGeneration(page, { temperature: 0, maxNewTokens: 40 });
  const order = [A, B, A];
  for (const [i, model] of order.entries()) {
    if (i > 0) await page.getByLabel('Model id (org/name)').fill(model);
    await loadModel(page);
    await expect(page.getByTestId('model-ready')).toContainText(model);
    await expect.poll(() => inferenceWorkers.length, `a worker of its own for load ${i + 1}`).toBe(i + 1);
    // The worker of the previous load is gone; this load's worker lives.
    await expect.poll(() => inferenceWorkers.map((w) => w.closed)).toEqual([...Array(i).fill(true), false]);

    await recordStreaming(page);
    await send(page, `Hello from load ${i + 1}.`);
    await waitForAnswerDone(page);
    expect((await streamingSnapshots(page)).length, `${model} streamed its answer`).toBeGreaterThanOrEqual(2);
    await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  }

  // The answers of every load are still listed, each under the model that wrote it.
  expect((await answerRows(page)).map((row) => row.model)).toEqual(order);
  expect(watchers.consoleErrors).toEqual([]);
});
