// axe-core on the chat view with a streamed answer, on presenter mode, and on every tab at rest:
// no serious or critical violations. The benchmark, scorecard, side-by-side and results specs also
// check their views once they are full of results.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { loadModel, openApp, send, setGeneration, waitForAnswerDone, openSettings } from './app';
import { MIRROR } from './ports';

async function seriousViolations(page: Page, selector?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  if (selector) builder.include(selector);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('chat view with a model loaded and an answer shown', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 24 });
  await loadModel(page);
  await send(page, 'Write a short reply to a customer whose parcel is late.');
  await waitForAnswerDone(page);
  expect(await seriousViolations(page)).toEqual([]);
});

test('every tab at rest, at 1366 and 390 wide, then presenter mode', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 1000 ? 768 : 844 });
    for (const name of ['Models', 'Device', 'Benchmark', 'Side by side', 'Scorecard', 'Results', 'Chat']) {
      await page.getByRole('tab', { name }).click();
      await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
      expect(await seriousViolations(page), `${name} tab at ${width}`).toEqual([]);
    }
  }
  await openSettings(page);
  expect(await seriousViolations(page), 'settings drawer open').toEqual([]);
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=fixtures%2Ftiny-qwen3&presenter=1`);
  await expect(page.getByRole('button', { name: 'Exit presenter mode' })).toBeVisible();
  expect(await seriousViolations(page), 'presenter mode').toEqual([]);
});
