// A plain static mirror has no file listing, so the app asks it for file names that may not exist
// (each weight format, the generation config). Those lookups must not fill the console with
// "Failed to load resource" errors: a user or a tester reading it would take them for faults.
import { test, expect } from '@playwright/test';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR } from './ports';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone } from './app';

let mirror: MirrorServer | null = null;

test.afterEach(async () => {
  await mirror?.close();
  mirror = null;
});

test('loading a model from a plain mirror with no listing logs no 404 errors', async ({ page }) => {
  mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0, treeEndpoint: false });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /\b404\b|Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  // A request that never got an answer logs "net::ERR_…" in the console. Chromium reports the app's
  // HEAD lookups as aborted once answered, 200 and 404 alike, and logs nothing for them.
  page.on('requestfailed', (request) => {
    if (!(request.method() === 'HEAD' && request.failure()?.errorText === 'net::ERR_ABORTED')) {
      errors.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  await openApp(page, 'fixtures/tiny-qwen3', mirror.url);
  await loadModel(page);
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();

  // The mirror did answer 404 to the listing and to formats this repo lacks: the lookups happened, quietly.
  const missing = mirror.requests.filter((r) => r.status === 404).map((r) => r.path);
  expect(missing.some((path) => path.startsWith('/api/'))).toBe(true);
  expect(missing.some((path) => /\/onnx\/model_fp16\.onnx$/.test(path))).toBe(true);
  expect(errors).toEqual([]);
});
