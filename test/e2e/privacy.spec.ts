// The privacy counter: no network request from the moment the model is ready through a whole chat
// answer, and every request after that counted once — the page's own (seen by the page and the
// service worker) and the model worker's (seen only by the service worker).
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { lastAnswer, loadModel, openApp, send, waitForAnswerDone, watch, openSettings } from './app';

async function serviceWorkerInControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

test('counts 0 requests while the model answers, then counts what is fetched', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  // A returning visit: the service worker controls the page and every worker it starts.
  await serviceWorkerInControl(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await expect(page.getByTestId('privacy-blind-spot')).toHaveCount(0);

  const privacy = page.getByRole('region', { name: 'Privacy' });
  const count = privacy.getByTestId('privacy-count');
  await expect(count).toHaveText('–');
  await expect(count).toHaveAttribute('aria-live', 'polite');
  await openSettings(page);
  const generation = page.getByRole('region', { name: 'Generation' });
  await generation.getByLabel(/^Temperature/).fill('0');
  await generation.getByLabel('Max new tokens').fill('200');
  await loadModel(page);
  await expect(count).toHaveText('0');
  await expect(privacy).toContainText(/Counting since \d\d:\d\d:\d\d \(fixtures\/tiny-qwen3\)/);

  await send(page, 'Hello! What can you do offline?');
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).toHaveAttribute('data-streaming', 'true');
  await expect(count).toHaveText('0');
  await waitForAnswerDone(page);
  await expect(count).toHaveText('0');
  const requestList = privacy.getByTestId('privacy-request-list');
  await expect(requestList).toHaveText('Every request since then (0)');
  await requestList.click();
  await expect(privacy.getByText('None.')).toBeVisible();
  await requestList.click();

  // Opening another tab loads its code from this device's cache: listed, but nothing left the device.
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Benchmark' }).getByRole('button').first()).toBeVisible();
  await expect(count).toHaveText('0');
  await page.getByRole('tab', { name: 'Chat' }).click();

  // The page fetches something: the page and the service worker both see it, counted once.
  await page.evaluate(() => fetch('/manifest.webmanifest?privacy-check=1').then((r) => r.text()));
  await expect(count).toHaveText('1');
  // The list holds every request, so its count is named apart from what left the device.
  await expect(requestList).toHaveText(/^Every request since then \((\d+)\): 1 left this device, \d+ answered on it$/);
  const listed = Number(/\((\d+)\)/.exec((await requestList.textContent()) ?? '')![1]);
  await expect(requestList).toContainText(`${listed - 1} answered on it`);
  await requestList.click();
  const table = privacy.getByRole('table', { name: 'Requests since the model became ready' });
  const pageRow = table.getByRole('row').filter({ hasText: 'manifest.webmanifest?privacy-check=1' });
  await expect(pageRow).toContainText('page + service worker');
  await expect(pageRow).toContainText('network');

  // Another model loads: its weights are fetched inside the inference worker, which only the
  // service worker sees. Held back a little so the rows can be read before the count restarts.
  await page.route('**/onnx/*.onnx', async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue();
  });
  await page.getByLabel('Model id (org/name)').fill('fixtures/tiny-glm');
  await page.getByRole('button', { name: 'Load model' }).click();
  const weightsRow = table.getByRole('row').filter({ hasText: /tiny-glm\/.*\/onnx\/model.*\.onnx/ }).first();
  await expect(weightsRow.getByRole('cell').nth(1)).toHaveText('worker', { timeout: 60_000 });
  await expect(weightsRow.getByRole('cell').nth(2)).toHaveText('service worker');
  await expect(weightsRow).toContainText('network');
  expect(Number(await count.textContent())).toBeGreaterThan(1);
  // Ready again: counting starts over from this model.
  await expect(privacy).toContainText(/Counting since \d\d:\d\d:\d\d \(fixtures\/tiny-glm\)/, { timeout: 90_000 });
  await expect(count).toHaveText('0');

  // The header strip, with the cost and privacy details open, passes axe without serious findings.
  await page.getByRole('region', { name: 'Cost' }).getByText('Cloud cost comparison').click();
  await page.getByText('Edit prices ($ per 1M tokens)').click();
  await privacy.getByText("What this can't see").click();
  const axe = await new AxeBuilder({ page }).include('.proof-strip').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expect(watchers.consoleErrors).toEqual([]);
});
