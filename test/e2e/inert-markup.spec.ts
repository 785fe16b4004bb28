// Model output that carries event-handler attributes is made inert before any HTML parser sees
// it: the page's CSP never has to refuse an inline handler, so the console stays clean while the
// answer streams and re-renders.
import { test, expect } from '@playwright/test';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('an <img onerror> in a streamed answer logs no CSP error and leaves no handler', async ({ page }) => {
  const watchers = watch(page);
  const { SCRIPTED_OUTPUT } = await import('../fixtures/model-repos');
  expect(SCRIPTED_OUTPUT).toMatch(/<img [^>]*onerror=/);
  await openApp(page, 'fixtures/tiny-scripted');
  await setGeneration(page, { temperature: 0, maxNewTokens: 32 });
  await loadModel(page);
  await send(page, 'Show me something.');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('done.');
  await expect(lastAnswer(page).locator('[onerror]')).toHaveCount(0);
  const policyErrors = watchers.consoleErrors.filter((text) => /Content Security Policy|inline event handler/i.test(text));
  expect(policyErrors).toEqual([]);
});
