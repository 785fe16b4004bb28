// Attacks from model output, from links and from other sites, against the production build. A
// listener on loopback stands where an attacker's server would: it must hear nothing the user
// didn't choose to send.
import { test, expect, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { LEAK_LISTENER } from '../fixtures/model-repos';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';
import { importSuite, sumToSuite } from './scorecard-suites';
import { startFramingSite } from './framing-site';

interface Listener {
  heard: string[];
  close(): Promise<void>;
}

async function listen(origin: string): Promise<Listener> {
  const { hostname, port } = new URL(origin);
  const heard: string[] = [];
  const server: Server = createServer((req, res) => {
    heard.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/javascript' });
    res.end('globalThis.__imported = true;');
  });
  await new Promise<void>((resolve) => server.listen(Number(port), hostname, resolve));
  return { heard, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let listener: Listener | null = null;
test.afterEach(async () => {
  await listener?.close();
  listener = null;
});


async function answerOf(page: Page, model: string) {
  const details = page.getByRole('region', { name: `Answers of ${model}` }).locator('details');
  await details.locator('summary').click();
  return details;
}

test('code a model wrote can neither import nor reach the network from the scorecard sandbox', async ({ page }) => {
  test.setTimeout(180_000);
  listener = await listen(LEAK_LISTENER);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-code-import');
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await view.getByRole('button', { name: 'Add a model' }).click();
  await view.getByLabel('Models to score: model 2').fill('fixtures/tiny-code-escape');
  // The attempts make a longer answer than the plain sumTo.
  await importSuite(page, 'sum-to.json', sumToSuite(96));
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 2 of 2 models scored.', { timeout: 150_000 });

  const importing = await answerOf(page, 'fixtures/tiny-code-import');
  await expect(importing.getByTestId('answer')).toContainText('import/**/(');
  await expect(importing.getByTestId('verdict')).toContainText('the code uses import, which could load code from the network; the sandbox does not run it');
  // Every other way out is simply not there: the function still runs (and is right), nothing leaves.
  const escaping = await answerOf(page, 'fixtures/tiny-code-escape');
  await expect(escaping.getByTestId('answer')).toContainText('new FontFace(');
  await expect(escaping.getByTestId('verdict')).toHaveText('Passed: 2/2 tests passed');
  await page.waitForTimeout(1000);
  expect(listener.heard).toEqual([]);
  expect(watchers.requests.filter((url) => url.startsWith(LEAK_LISTENER))).toEqual([]);
});

test('markup in an answer cannot pose as the app, download or ping; a link opens only when the user says so', async ({ page, context }) => {
  listener = await listen(LEAK_LISTENER);
  await openApp(page, 'fixtures/tiny-html-tricks');
  await setGeneration(page, { temperature: 0, maxNewTokens: 16 });
  await loadModel(page);
  await send(page, 'Anything new?');
  await waitForAnswerDone(page);
  const answer = lastAnswer(page);
  await expect(answer).toContainText('Session expired');
  await expect(answer).toContainText('this file');
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(answer.locator('[popover], [download], [ping]')).toHaveCount(0);

  const link = answer.getByRole('link', { name: 'the report' });
  await link.click();
  const check = page.getByRole('alertdialog', { name: 'Open a link from the answer' });
  await expect(check).toContainText(`${LEAK_LISTENER}/leak?chat=secret`);
  await check.getByRole('button', { name: 'Cancel' }).click();
  await expect(check).toHaveCount(0);
  await answer.getByRole('link', { name: 'this file' }).click();
  await expect(check).toContainText(`${LEAK_LISTENER}/file`);
  await check.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForTimeout(500);
  expect(listener.heard).toEqual([]);

  // Opened on purpose: it goes out, and the privacy panel lists it among what it can't count.
  await link.click();
  const opened = context.waitForEvent('page');
  await check.getByRole('button', { name: 'Open link' }).click();
  await (await opened).waitForLoadState();
  // The browser may also ask the opened site for its icon, by itself.
  await expect.poll(() => listener!.heard.filter((line) => line !== 'GET /favicon.ico')).toEqual(['GET /leak?chat=secret']);
  await page.getByText("What this can't see").click();
  await expect(page.getByRole('list', { name: 'Links opened from answers' })).toHaveText(`${LEAK_LISTENER}/leak?chat=secret`);
});

test('a link to a hub outside the policy loads nothing from it, for either engine, and says how to allow it', async ({ page }) => {
  const outside = 'http://127.0.0.2:5190';
  listener = await listen(outside);
  for (const model of ['mlc-ai/Qwen3-0.6B-q4f16_1-MLC', 'fixtures/tiny-qwen3']) {
    await page.goto(`/?hub=${encodeURIComponent(outside)}&model=${encodeURIComponent(model)}&preset=support-reply&presenter=1`);
    await expect(page.getByRole('alert').filter({ hasText: 'HubNotAllowedError' })).toContainText(
      `Nothing was downloaded. This build's security policy only lets the app connect to`,
    );
    await expect(page.getByRole('alert').filter({ hasText: 'HubNotAllowedError' })).toContainText(`PLAYGROUND_HUBS="${outside}"`);
  }
  await page.waitForTimeout(1000);
  expect(listener.heard).toEqual([]);
});

test('another site cannot frame the app: the server and the service worker both say so', async ({ page, baseURL }) => {
  const served = await page.goto('/');
  expect(served!.headers()['content-security-policy']).toBe("frame-ancestors 'self'");
  // Once the service worker controls the page, it is the one that answers, with the same header.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
  const fromWorker = await page.reload();
  expect(fromWorker!.fromServiceWorker()).toBe(true);
  expect(fromWorker!.headers()['content-security-policy']).toBe("frame-ancestors 'self'");

  // A loopback site: a public one would be stopped by Chrome's local network access checks before
  // the header is even read, and prove nothing about it.
  const framer = await startFramingSite(`${baseURL}/`);
  try {
    await page.goto(framer.url);
    await expect.poll(() => page.frames().map((frame) => frame.url())).toEqual([framer.url, 'chrome-error://chromewebdata/']);
  } finally {
    await framer.close();
  }
});

test('each worker runs under its own policy: none for the code sandbox, this origin and the hubs for the model workers', async ({ page }) => {
  const policies = new Map<string, string>();
  page.on('response', (response) => {
    const name = /\/(code-sandbox|inference|probe)\.worker-[\w-]+\.js$/.exec(new URL(response.url()).pathname)?.[1];
    if (name) policies.set(name, response.headers()['content-security-policy'] ?? '');
  });
  await openApp(page, 'fixtures/tiny-qwen3');
  await loadModel(page);
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  await page.getByRole('tab', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Measure this device' }).click();
  await expect.poll(() => [...policies.keys()].sort(), { timeout: 60_000 }).toEqual(expect.arrayContaining(['inference', 'probe']));
  expect(policies.get('inference')).toContain("default-src 'none'");
  expect(policies.get('inference')).toMatch(/connect-src 'self' https:\/\/huggingface\.co .*http:\/\/127\.0\.0\.1:\*/);
  expect(policies.get('probe')).toBe(policies.get('inference'));
});
