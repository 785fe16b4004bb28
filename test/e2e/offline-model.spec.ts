// On the plane: a model loaded once keeps working with the network off — the app shell from the
// service worker, the weights from the model store — and nothing tries the network and fails.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch, openModelsTab } from './app';

const MODEL = 'fixtures/tiny-qwen3';

test('a stored model loads and answers after an offline reload, with zero failed requests', async ({ page, context }) => {
  const watchers = watch(page);
  await openApp(page, MODEL);
  // The shell (app, worker and engine chunks, ORT wasm) is precached once the worker is active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await loadModel(page);

  const failed: string[] = [];
  context.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));
  await context.setOffline(true);
  await page.reload();

  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await openModelsTab(page);
  const row = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: MODEL });
  await expect(row).toContainText('q8');
  await expect(row).toContainText(MIRROR);
  await row.getByRole('button', { name: `Load ${MODEL}` }).click();
  await expect(page.getByTestId('model-ready')).toContainText(MODEL, { timeout: 90_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
  expect(failed, 'requests that failed while offline').toEqual([]);
  expect(watchers.consoleErrors).toEqual([]);
});
