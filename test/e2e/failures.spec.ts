// What goes wrong gets a clear message and the app stays usable: a wrong model id, a killed
// worker, and model output that tries to inject markup.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

test('a model id that does not exist gets an error naming it, and another model still loads', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/no-such-model');
  await page.getByRole('button', { name: 'Load model' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'ModelNotFoundError' });
  await expect(alert).toContainText('"fixtures/no-such-model" was not found');
  await expect(alert).toContainText(MIRROR);

  await page.getByLabel('Model id (org/name)').fill('fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});

test('a worker killed mid-answer is reported and a new load works', async ({ page }) => {
  // Keep a handle on every Worker the page creates, so the test can kill one from outside the
  // app, the way the browser does when a worker runs out of memory.
  await page.addInitScript(() => {
    const NativeWorker = window.Worker;
    const created: { worker: Worker; name: string }[] = [];
    (window as unknown as { __createdWorkers: typeof created }).__createdWorkers = created;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        created.push({ worker: this, name: options?.name ?? '' });
      }
    };
  });
  await openApp(page, 'fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 4000 });
  await loadModel(page);
  await send(page, 'Write a long story.');
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();

  const killed = await page.evaluate(() => {
    const workers = (window as unknown as { __createdWorkers: { worker: Worker; name: string }[] }).__createdWorkers;
    const inference = workers.filter((w) => w.name === 'inference');
    inference.forEach((w) => w.worker.terminate());
    return inference.length;
  });
  expect(killed, 'the inference worker was running').toBe(1);

  await expect(page.getByRole('alert').filter({ hasText: 'The model stopped working' })).toBeVisible();
  await expect(lastAnswer(page)).toContainText('WorkerCrashedError');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();

  await setGeneration(page, { maxNewTokens: 8 });
  await loadModel(page);
  await send(page, 'Are you back?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
});

test('markup and javascript: links in model output render inert', async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { SCRIPTED_OUTPUT } = await import('../fixtures/model-repos');
  await openApp(page, 'fixtures/tiny-scripted');
  await setGeneration(page, { temperature: 0, maxNewTokens: 32 });
  await loadModel(page);
  await send(page, 'Show me something.');
  await waitForAnswerDone(page);

  const answer = lastAnswer(page);
  await expect(answer).toContainText('Here is a picture');
  await expect(answer).toContainText('done.');
  // The raw text really contained the attacks (the model produced them)...
  expect(SCRIPTED_OUTPUT).toContain('onerror=');
  expect(SCRIPTED_OUTPUT).toContain('javascript:');
  // ...and none of them became live DOM.
  await expect(answer.locator('img, script, iframe, [onerror]')).toHaveCount(0);
  const hrefs = await answer.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs.every((href) => href === null || !/^javascript:/i.test(href))).toBe(true);
  await answer.locator('a').first().click().catch(() => {});
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(watchers.requests.filter((url) => url.endsWith('/x'))).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});

test('a message longer than the context gets a clear error and the chat goes on', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-glm');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  // The fixture tokenizer is byte-level: one character, one token; the context is 2048.
  await send(page, 'x'.repeat(2100));
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('ContextOverflowError');
  await expect(lastAnswer(page)).toContainText("the model's context holds 2048");

  await send(page, 'Short question.');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
  await expect(lastAnswer(page).getByTestId('context-full')).toHaveCount(0);
});

test('an answer that runs into the end of the context says it was cut off there', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-glm');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  // Byte-level tokens: the default system prompt and GLM's template take 36 tokens, so 2009
  // characters make a 2045-token prompt, leaving room for 3 of the 8 tokens asked for.
  await send(page, 'x'.repeat(2009));
  await waitForAnswerDone(page);
  const note = lastAnswer(page).getByTestId('context-full');
  await expect(note).toHaveText("Cut off: this conversation filled the model's context (2048 tokens). Start a new chat to go on.");
  await expect(lastAnswer(page)).not.toContainText('Error');
});
