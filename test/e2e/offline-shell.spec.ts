// The installed app shell on a static host that sets no headers: the service worker precaches the
// build on the first visit (the page reloads once under it: static-host-first-visit.spec.ts), serves
// it offline with the cross-origin isolation headers, and the page runs under its
// Content-Security-Policy. A new version waits for the user's go-ahead before it reloads the page.
import { test as base, expect, type Page, type Request } from '@playwright/test';
import { MIRROR } from './ports';
import { watch } from './app';
import { startStaticHost, type StaticHost } from './static-host';

const test = base.extend<{ host: StaticHost }>({
  host: async ({}, use) => {
    const host = await startStaticHost();
    await use(host);
    await host.close();
  },
});

async function openAppAt(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen3')}`);
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
}

/** Waits until the service worker is active and controls the page; returns its script URL. */
function serviceWorkerInControl(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    return navigator.serviceWorker.controller?.scriptURL;
  });
}

test('after one visit the app opens offline, isolated, from the service worker, within its CSP', async ({ page, context, host }) => {
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const cspViolations = () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  const watchers = watch(page);

  await openAppAt(page, host.url);
  // The host sends no isolation headers: the first visit already reloaded under the service worker.
  expect(await serviceWorkerInControl(page)).toBe(`${host.url}/sw.js`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await cspViolations()).toEqual([]);

  const failed: string[] = [];
  context.on('requestfailed', (request: Request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  await context.setOffline(true);
  const documentResponse = await page.reload();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeVisible();

  expect(documentResponse?.fromServiceWorker()).toBe(true);
  expect(documentResponse?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // The page as served offline is the built index.html, with its policy.
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toContain("'unsafe-eval'");

  // Every precached file, the worker chunk, engine chunks and ORT's wasm included, comes back
  // offline with the isolation headers; nothing cross-origin and no weights are in the precache.
  const shell = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.includes('-precache-')) continue;
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url.replace(/\?__WB_REVISION__=.*$/, ''));
        return { url, status: response.status, coep: response.headers.get('cross-origin-embedder-policy') };
      }),
    );
  });
  const paths = shell.map(({ url }) => new URL(url).pathname);
  expect(paths).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', '/icons/icon-512.png']));
  for (const pattern of [/^\/assets\/model-workers\/inference\.worker-.*\.js$/, /^\/assets\/transformers\.web-.*\.js$/, /^\/assets\/ort-wasm-simd-threaded.*\.wasm$/, /^\/assets\/ort-wasm-simd-threaded.*\.mjs$/]) {
    expect(paths.some((path) => pattern.test(path)), String(pattern)).toBe(true);
  }
  expect(shell.filter(({ url }) => !url.startsWith(`${host.url}/`))).toEqual([]);
  expect(paths.filter((path) => /\.onnx|onnx_data|tokenizer\.json|config\.json/.test(path))).toEqual([]);
  expect(shell.filter(({ status, coep }) => status !== 200 || coep !== 'require-corp')).toEqual([]);

  expect(failed).toEqual([]);
  expect(await cspViolations()).toEqual([]);
  expect(watchers.consoleErrors).toEqual([]);
});

test.describe('updates', () => {
  test('a new version is announced and only reloads the page when the user says so', async ({ page, host }) => {
    const watchers = watch(page);
    await openAppAt(page, host.url);
    await serviceWorkerInControl(page);
    const markDocument = () => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const sameDocument = () => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

    await host.deploy('sw.js', (code) => `${code}\n// the next version`);
    await markDocument();
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

    const prompt = page.getByRole('status').filter({ hasText: 'A new version is available' });
    await expect(prompt).toBeVisible();
    await prompt.getByRole('button', { name: 'Later' }).click();
    await expect(prompt).toBeHidden();
    // Nothing reloaded behind the user's back, and the new version is still waiting.
    expect(await sameDocument()).toBe(true);
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(true);

    // The next visit asks again; Reload activates the new version and reloads the page once. The
    // click comes while the app still fetches at start-up, which can restart the old worker as it
    // stops for the new one; the app then asks Chromium again (AppUpdate.applyUpdate).
    await page.reload();
    await expect(prompt).toBeVisible();
    await markDocument();
    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('button', { name: 'Load model' })).toBeVisible();
    expect(await sameDocument()).toBe(false);
    expect(
      await page.evaluate(async () => {
        const registration = (await navigator.serviceWorker.getRegistration())!;
        return { waiting: !!registration.waiting, active: registration.active?.state };
      }),
    ).toEqual({ waiting: false, active: 'activated' });
    await expect(prompt).toBeHidden();
    expect(watchers.consoleErrors).toEqual([]);
  });
});
