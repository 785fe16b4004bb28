// The first visit to a static host, where the service worker isn't there yet to add the security
// headers: no worker may start before the page runs under them, no other site may show the app in
// a frame, a host that sends the build's _headers needs no service worker at all, and where no
// service worker can be installed the app says what is lost and runs no code a model wrote.
import { test as base, expect, type Page } from '@playwright/test';
import { readFile, readdir } from 'node:fs/promises';
import { FIXTURE_MODELS_DIR, MIRROR } from './ports';
import { watch } from './app';
import { importSuite, sumToSuite } from './scorecard-suites';
import { startStaticHost, type StaticHost } from './static-host';
import { startFramingSite } from './framing-site';
import { MODEL_WORKERS_DIR, SANDBOX_WORKER_DIR } from '../../src/lib/security/host-headers';

const test = base.extend<{ host: StaticHost }>({
  host: async ({}, use) => {
    const host = await startStaticHost();
    await use(host);
    await host.close();
  },
});

const MODEL = 'fixtures/tiny-qwen3';
const appPath = (model = MODEL) => `/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent(model)}`;

interface SeenWorker {
  url: string;
  /** The worker's own `crossOriginIsolated`, or 'gone' when it ended before it could be asked. */
  isolated: boolean | 'gone' | null;
}

/** Every dedicated worker the page starts, with whether it runs cross-origin isolated. */
function watchWorkers(page: Page): SeenWorker[] {
  const seen: SeenWorker[] = [];
  page.on('worker', (worker) => {
    const entry: SeenWorker = { url: worker.url(), isolated: null };
    seen.push(entry);
    worker.evaluate(() => self.crossOriginIsolated).then(
      (isolated) => (entry.isolated = isolated),
      () => (entry.isolated = 'gone'),
    );
  });
  return seen;
}

/** The Content-Security-Policy each worker script came with, by worker name. */
function watchWorkerPolicies(page: Page): Map<string, string> {
  const policies = new Map<string, string>();
  page.on('response', (response) => {
    const name = /\/(code-sandbox|inference|probe)\.worker-[\w-]+\.js$/.exec(new URL(response.url()).pathname)?.[1];
    if (name && response.request().resourceType() !== 'fetch') policies.set(name, response.headers()['content-security-policy'] ?? '');
  });
  return policies;
}

const navigationType = (page: Page) => page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type);

test('first visit to a host that sends no headers: no worker starts until the page has reloaded isolated under the service worker', async ({ page, host }) => {
  const watchers = watch(page);
  const workers = watchWorkers(page);
  const policies = watchWorkerPolicies(page);

  await page.goto(`${host.url}${appPath()}`);
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  // The page the user ends up on is the reload, served by the service worker with its headers.
  expect(await navigationType(page)).toBe('reload');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${host.url}/sw.js`);

  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 90_000 });
  await expect.poll(() => workers.every((worker) => worker.isolated !== null)).toBe(true);

  // The probe (started at once) and the model's worker, and onnxruntime's threads inside it: every
  // one isolated, none left over from the page before the reload.
  expect(workers.map((worker) => new URL(worker.url).pathname.match(/(inference|probe)\.worker/)?.[1]).filter(Boolean).sort()).toEqual(['inference', 'probe']);
  expect(workers.filter((worker) => worker.isolated !== true)).toEqual([]);
  expect(policies.get('probe')).toMatch(/^default-src 'none';.* connect-src 'self' https:\/\/huggingface\.co /);
  expect(policies.get('inference')).toBe(policies.get('probe'));
  expect(watchers.consoleErrors).toEqual([]);
});

test('a page on another site that frames the app gets a link to open it in its own tab, never the app, before and after the app is installed', async ({ page, context, host }) => {
  const framer = await startFramingSite(`${host.url}${appPath()}`);
  let framed = true;
  const framedWorkers: string[] = [];
  page.on('worker', (worker) => framed && framedWorkers.push(worker.url()));
  try {
    for (const visit of ['first visit', 'after installing'] as const) {
      await page.goto(framer.url);
      const frame = page.frameLocator('iframe');
      const link = frame.getByRole('link', { name: 'Open On-Device Playground in its own tab' });
      await expect(link, visit).toBeVisible();
      // The app's start page, not the framed address: the framing site doesn't choose what it opens with.
      await expect(link).toHaveAttribute('href', `${host.url}/`);
      await expect(link).toHaveAttribute('target', '_blank');
      await expect(link).toHaveAttribute('rel', 'noopener');
      await expect(frame.getByRole('button', { name: 'Load model' }), visit).toHaveCount(0);
      await expect(frame.getByRole('tablist'), visit).toHaveCount(0);
      if (visit === 'first visit') {
        framed = false;
        await page.goto(`${host.url}${appPath()}`);
        await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
        expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${host.url}/sw.js`);
        framed = true;
      }
    }
    expect(framedWorkers).toEqual([]);

    // The link opens the app itself, in a tab of its own.
    const opened = context.waitForEvent('page');
    await page.frameLocator('iframe').getByRole('link', { name: 'Open On-Device Playground in its own tab' }).click();
    const tab = await opened;
    await expect(tab.getByRole('button', { name: 'Load model' })).toBeVisible();
    expect(tab.url()).toBe(`${host.url}/`);
  } finally {
    await framer.close();
  }
});

test("a host that sends the build's _headers serves the app protected from the first visit, with no reload", async ({ page }) => {
  const host = await startStaticHost({ headersFile: true });
  try {
    const workers = watchWorkers(page);
    const policies = watchWorkerPolicies(page);
    const response = await page.goto(`${host.url}${appPath()}`);
    expect(response!.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(response!.headers()['content-security-policy']).toBe("frame-ancestors 'self'");
    await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
    expect(await navigationType(page)).toBe('navigate');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 90_000 });
    await expect.poll(() => workers.length > 0 && workers.every((worker) => worker.isolated !== null)).toBe(true);
    expect(workers.filter((worker) => worker.isolated !== true)).toEqual([]);
    // Each worker's policy from the host, by the folder the build put it in.
    expect(policies.get('probe')).toMatch(/^default-src 'none';.* connect-src 'self' https:\/\/huggingface\.co /);
    expect(policies.get('inference')).toBe(policies.get('probe'));
    expect(workers.some((worker) => worker.url.includes(`/${MODEL_WORKERS_DIR}/inference.worker-`))).toBe(true);
    const [sandbox] = (await readdir(`dist/${SANDBOX_WORKER_DIR}`)).filter((name) => name.startsWith('code-sandbox.worker-'));
    const sandboxResponse = await page.request.get(`${host.url}/${SANDBOX_WORKER_DIR}/${sandbox}`);
    expect(sandboxResponse.headers()['content-security-policy']).toBe("default-src 'none'; script-src 'self' 'unsafe-eval'");

    // The browser itself refuses to show it in another site's frame.
    const framer = await startFramingSite(`${host.url}/`);
    await page.goto(framer.url);
    await expect.poll(() => page.frames().map((frame) => frame.url())).toEqual([framer.url, 'chrome-error://chromewebdata/']);
    await framer.close();
  } finally {
    await host.close();
  }
});

test('Range requests get 206 and the right bytes while the service worker controls the page: precached, same-origin and mirror files', async ({ page, host }) => {
  const model = await readFile(`${FIXTURE_MODELS_DIR}/${MODEL}/onnx/model.onnx`);
  await host.add(`models/${MODEL}/resolve/main/onnx/model.onnx`, model);
  const wasmName = (await readdir('dist/assets')).find((name) => name.endsWith('.wasm'))!;
  const wasm = await readFile(`dist/assets/${wasmName}`);
  await page.goto(`${host.url}${appPath()}`);
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });

  const cases = [
    // onnxruntime's wasm: precached, so the service worker answers it from its cache.
    { url: `${host.url}/assets/${wasmName}`, whole: wasm, sameOrigin: true },
    // A model file on the app's own origin (a mirror behind the same host): passed to the host.
    { url: `${host.url}/models/${MODEL}/resolve/main/onnx/model.onnx`, whole: model, sameOrigin: true },
    // The mirror on another origin: the service worker leaves it to the network.
    { url: `${MIRROR}/${MODEL}/resolve/main/onnx/model.onnx`, whole: model, sameOrigin: false },
  ];
  for (const { url, whole, sameOrigin } of cases) {
    for (const [range, start, end] of [['bytes=100-1123', 100, 1123], [`bytes=${whole.length - 10}-`, whole.length - 10, whole.length - 1]] as const) {
      const answer = await page.evaluate(
        async ({ url, range }) => {
          const response = await fetch(url, { headers: { Range: range } });
          const body = new Uint8Array(await response.arrayBuffer());
          return {
            status: response.status,
            contentRange: response.headers.get('content-range'),
            coep: response.headers.get('cross-origin-embedder-policy'),
            // A whole file (the wrong answer) would be megabytes: only a part comes back whole.
            bytes: body.length <= 4096 ? [...body] : [],
          };
        },
        { url, range },
      );
      expect({ url, range, status: answer.status, contentRange: answer.contentRange }).toEqual({ url, range, status: 206, contentRange: `bytes ${start}-${end}/${whole.length}` });
      expect(Buffer.from(answer.bytes).equals(whole.subarray(start, end + 1)), `${url} ${range}`).toBe(true);
      // Same-origin answers came through the service worker, with its headers.
      if (sameOrigin) expect(answer.coep).toBe('require-corp');
    }
  }
});

test.describe('where no service worker can be installed', () => {
  // Playwright's block replaces register() with one that does nothing, as some blockers do.
  test.use({ serviceWorkers: 'block' });

  test('the app says what is lost, loads models without threads, and does not run code a model wrote', async ({ page, host }) => {
    test.setTimeout(180_000);
    const workers = watchWorkers(page);
    await page.goto(`${host.url}${appPath('fixtures/tiny-code-right')}`);
    const notice = page.getByRole('alert').filter({ hasText: 'Running with reduced protection' });
    await expect(notice).toContainText("Running with reduced protection: the browser did not register the app's service worker.");
    await expect(notice).toContainText("the scorecard doesn't run code that models write");
    await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
    // Once: no reload loop.
    expect(await navigationType(page)).toBe('navigate');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    // The privacy panel doesn't ask for a reload that can't help.
    await expect(page.getByTestId('privacy-blind-spot')).toHaveText("The model worker's requests can't be counted here: this browser runs no service worker for the app.");

    await page.getByRole('tab', { name: 'Scorecard' }).click();
    const view = page.getByRole('region', { name: 'Scorecard' });
    await importSuite(page, 'sum-to.json', sumToSuite());
    await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
    await view.getByRole('button', { name: 'Run scorecard' }).click();
    await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 150_000 });
    const answers = view.getByRole('region', { name: 'Answers of fixtures/tiny-code-right' }).locator('details');
    await answers.locator('summary').click();
    await expect(answers.getByTestId('answer')).toContainText('function sumTo');
    await expect(answers.getByTestId('verdict')).toHaveText(
      "Failed: the code sandbox needs its own security policy, which this host doesn't send and no service worker could add (the browser did not register the app's service worker), so the answer's code was not run",
    );
    expect(workers.map((worker) => worker.url).filter((url) => url.includes('code-sandbox'))).toEqual([]);
    expect(workers.some((worker) => worker.url.includes('inference.worker'))).toBe(true);

    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  });
});
