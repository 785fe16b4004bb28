// What goes wrong gets a clear message and the app stays usable: a wrong model id, a killed
// worker, and model output that tries to inject markup.
import { test, expect, type Page } from '@playwright/test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR, MIRROR } from './ports';
import { expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

/** After a failed or cancelled load: Load, the model picker and the id field all work again. */
async function expectLoadable(page: Page): Promise<void> {
  const panel = page.getByRole('region', { name: 'Model', exact: true });
  await expect(panel.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await expect(panel.getByRole('combobox', { name: 'Model', exact: true })).toBeEnabled();
  await expect(panel.getByRole('textbox', { name: 'Model id (org/name)' })).toBeEditable();
}

/**
 * Clicks Cancel from inside the page in the same task that first shows `stage` in the model
 * panel: the load is then certainly still in that stage (a tiny model passes through each in a
 * few milliseconds, too fast to catch from the test). Records the text it saw on <body>.
 */
async function cancelWhenShown(page: Page, stage: string): Promise<void> {
  await page.evaluate((stage) => {
    delete document.body.dataset.cancelClickedDuring;
    const observer = new MutationObserver(() => {
      const panel = document.querySelector('.model-panel');
      const status = [...(panel?.querySelectorAll('[role="status"] p') ?? [])].find((p) => p.textContent?.includes(stage));
      if (!status) return;
      observer.disconnect();
      const cancel = [...panel!.querySelectorAll('button')].find((b) => /^Cancel/.test(b.textContent?.trim() ?? ''));
      document.body.dataset.cancelClickedDuring = `${status.textContent?.trim()} / ${cancel ? cancel.textContent?.trim() : 'no Cancel button'}`;
      cancel?.click();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, stage);
}

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

test.describe('a config.json with sizes no model has', () => {
  let root: string;
  const HOSTILE = 'fixtures/billion-layers';

  test.beforeAll(async () => {
    // tiny-qwen3's real weights and tokenizer; its config claims a billion layers.
    root = await mkdtemp(join(tmpdir(), 'playground-hostile-config-'));
    for (const id of ['fixtures/tiny-qwen3', HOSTILE]) await cp(join(FIXTURE_MODELS_DIR, 'fixtures/tiny-qwen3'), join(root, id), { recursive: true });
    const config = JSON.parse(await readFile(join(root, HOSTILE, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(root, HOSTILE, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 1e9 }));
  });

  test.afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('from the hub is refused by name before any weights download, and another model loads', async ({ page }) => {
    const server = await createMirrorServer({ root, port: 0 });
    try {
      await openApp(page, HOSTILE, server.url);
      await page.getByRole('button', { name: 'Load model' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'ModelConfigError' });
      await expect(alert).toContainText('config.json: num_hidden_layers is 1000000000; a model this app can run has at most 512.');
      await expectLoadable(page);
      expect(server.requests.filter((r) => r.path.includes('/onnx/'))).toEqual([]);

      await page.getByLabel('Model id (org/name)').fill('fixtures/tiny-qwen3');
      await loadModel(page);
      await expect(alert).toHaveCount(0);
    } finally {
      await server.close();
    }
  });

  test('already in the browser’s store is refused by name before its sessions are built', async ({ page }) => {
    // A model stored by an earlier version loads without a lookup: only the engine sees its config.
    await openApp(page, 'fixtures/tiny-qwen3');
    await loadModel(page);
    await page.evaluate(async () => {
      const cache = await caches.open('transformers-cache');
      const url = (await cache.keys()).map((r) => r.url).find((u) => u.endsWith('/fixtures/tiny-qwen3/resolve/main/config.json'))!;
      const stored = (await cache.match(url))!;
      const config = JSON.parse(await stored.clone().text()) as Record<string, unknown>;
      // Padded to the stored size, so the store still counts the file as complete.
      const hostile = JSON.stringify({ ...config, num_hidden_layers: 1e9 });
      const size = Number(stored.headers.get('content-length'));
      await cache.put(url, new Response(hostile.padEnd(size, ' '), { headers: stored.headers }));
    });
    await page.getByRole('button', { name: 'Load model' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'ModelConfigError' });
    await expect(alert).toContainText('config.json: num_hidden_layers is 1000000000; a model this app can run has at most 512.');
    await expectLoadable(page);
  });
});

test('Cancel while the model starts and while it warms up ends the load, and the next load works', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  for (const [stage, words] of [
    ['Starting the model', 'while the model was starting'],
    ['Warming up', 'while the model was warming up'],
  ]) {
    await cancelWhenShown(page, stage);
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.locator('body')).toHaveAttribute('data-cancel-clicked-during', `${stage}… / Cancel loading`);
    const alert = page.getByRole('alert').filter({ hasText: 'LoadCancelledError' });
    await expect(alert).toContainText(`Loading was cancelled ${words}. Its files stay stored.`);
    await expect(page.getByRole('status').filter({ hasText: stage })).toHaveCount(0);
    await expectLoadable(page);
  }
  // The cancelled warm-up did not finish behind the scenes: the model is not ready.
  await expect(page.getByTestId('model-ready')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();

  await loadModel(page);
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
  expect(watchers.consoleErrors).toEqual([]);
});
