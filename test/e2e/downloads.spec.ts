// Models that arrive whole and stay: downloads through a mirror that drops connections, fails
// and corrupts files; the cached-models view; a tiny storage quota; a bad custom id. Each test
// runs its own mirror (real HTTP on loopback) with the faults it needs.
import { test, expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMirrorServer, type MirrorFaults, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR } from './ports';
import { lastAnswer, loadModel, openApp, openChatTab, openSettings, send, setGeneration, waitForAnswerDone, openModelsTab } from './app';
import { formatBytes } from '../../src/lib/render/format';

const MODEL = 'fixtures/tiny-qwen3';
const WEIGHTS = 'onnx/model_quantized.onnx'; // what WASM loads (q8)
const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', WEIGHTS];

let mirror: MirrorServer | null = null;

async function startMirror(faults: MirrorFaults = [], root = FIXTURE_MODELS_DIR): Promise<MirrorServer> {
  mirror = await createMirrorServer({ root, port: 0, faults });
  return mirror;
}

test.afterEach(async () => {
  await mirror?.close();
  mirror = null;
});

async function storedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('transformers-cache')).keys()).map((r) => r.url));
}

function fileGets(server: MirrorServer, file: string) {
  return server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${MODEL}/resolve/main/${file}`));
}

async function answerSomething(page: Page): Promise<void> {
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
}

test('a download cut off mid-file resumes with Range, and the model then generates', async ({ page }) => {
  // Paced, so the bytes before the cut reach the page as they would over a real link (on loopback
  // the body and the cut can arrive together, and the browser then hands over nothing).
  const server = await startMirror([
    { kind: 'drop-after-bytes', path: WEIGHTS, bytes: 60_000 },
    { kind: 'throttle', path: WEIGHTS, bytesPerSecond: 200_000, times: Infinity },
  ]);
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await openApp(page, MODEL, server.url);
  await loadModel(page);

  // Verified in the hashing worker: the listing gives the weights' sha256, and the hash resumed at
  // the cut from its saved state, so a hash of the resumed bytes alone would have failed the load.
  expect(workers.filter((url) => url.includes('sha256.worker'))).toHaveLength(1);
  const stored = await page.evaluate(async (file) => {
    const cache = await caches.open('transformers-cache');
    const entry = (await cache.keys()).find((request) => request.url.endsWith(`/${file}`));
    const response = entry && (await cache.match(entry));
    if (!response) return null;
    const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
    return { listed: response.headers.get('x-sha256'), actual: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, WEIGHTS);
  const fixture = createHash('sha256').update(await readFile(join(FIXTURE_MODELS_DIR, MODEL, WEIGHTS))).digest('hex');
  expect(stored).toEqual({ listed: fixture, actual: fixture });

  const gets = fileGets(server, WEIGHTS);
  expect(gets[0].faults).toContain('drop-after-bytes');
  expect(gets[0].range).toBeUndefined();
  // The second request asks only for what is missing, and gets it. (A reset connection may lose
  // the last bytes in flight, so the resume point is at most, not exactly, the cut.)
  expect(gets[1]).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), status: 206 });
  const resumeFrom = Number(/^bytes=(\d+)-$/.exec(gets[1].range!)![1]);
  expect(resumeFrom).toBeGreaterThan(0);
  expect(resumeFrom).toBeLessThanOrEqual(60_000);
  expect(gets).toHaveLength(2);
  await answerSomething(page);
});

test('a slow download shows speed and time left, and Cancel stops it without keeping a partial file', async ({ page }) => {
  const server = await startMirror([{ kind: 'throttle', path: WEIGHTS, bytesPerSecond: 40_000, times: Infinity }]);
  await openApp(page, MODEL, server.url);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByTestId('download-summary')).toContainText(/KB\/s · \d+ s left/);
  await expect(page.getByRole('list', { name: 'Files' })).toContainText(WEIGHTS);
  await page.getByRole('button', { name: 'Cancel download' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'DownloadCancelledError' })).toContainText('Files that finished are kept');
  const urls = await storedUrls(page);
  expect(urls.some((url) => url.endsWith(WEIGHTS)), 'no partial weights').toBe(false);
  expect(urls.some((url) => url.endsWith('/tokenizer.json')), 'finished files kept').toBe(true);
});

test('a 500 is retried and the load goes on', async ({ page }) => {
  const server = await startMirror([{ kind: 'status', status: 500, path: 'tokenizer.json', times: 2 }]);
  await openApp(page, MODEL, server.url);
  await loadModel(page);
  const statuses = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/tokenizer.json')).map((r) => r.status);
  expect(statuses).toEqual([500, 500, 200]);
  await answerSomething(page);
});

test('a corrupted file is detected, not cached, and the user is told; a retry fetches only that file', async ({ page }) => {
  const server = await startMirror([{ kind: 'corrupt', path: WEIGHTS, bytes: 4, times: Infinity }]);
  await openApp(page, MODEL, server.url);
  await page.getByRole('button', { name: 'Load model' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'CorruptDownloadError' });
  await expect(alert).toContainText(`"${WEIGHTS}" arrived damaged (sha256`);
  await expect(alert).toContainText('It was not saved');
  const urls = await storedUrls(page);
  expect(urls.some((url) => url.endsWith(WEIGHTS)), 'the damaged file is not in the cache').toBe(false);
  expect(urls.some((url) => url.endsWith('/tokenizer.json')), 'good files are kept').toBe(true);

  server.clearFaults();
  const before = server.requests.length;
  await loadModel(page);
  const again = server.requests
    .slice(before)
    .filter((r) => r.method === 'GET' && r.path.includes('/resolve/main/'))
    .map((r) => r.path.split('/resolve/main/')[1]);
  // The lookup reads config.json again; of the model's files only the damaged one is fetched.
  expect(again.filter((file) => file !== 'config.json')).toEqual([WEIGHTS]);
  await answerSomething(page);
});

test('a plain static mirror with no listing: the bar grows against the true total from the start', async ({ page }) => {
  mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0, treeEndpoint: false, faults: [{ kind: 'throttle', path: WEIGHTS, bytesPerSecond: 60_000, times: Infinity }] });
  // config.json is read on its own before the others; the bar counts the rest.
  let bytes = 0;
  for (const file of MODEL_FILES.filter((f) => f !== 'config.json')) bytes += (await stat(join(FIXTURE_MODELS_DIR, MODEL, file))).size;
  await openApp(page, MODEL, mirror.url);
  await page.getByRole('button', { name: 'Load model' }).click();
  const summary = page.getByTestId('download-summary');
  await expect(summary).toContainText(`of ${formatBytes(bytes)}`);
  const fractions: number[] = [];
  while (fractions.length < 6 && (await summary.isVisible())) {
    // Text and bar read together: on a busy machine the download can finish between two reads.
    const { text, value } = await page.evaluate(() => ({
      text: document.querySelector('[data-testid="download-summary"]')?.textContent ?? '',
      value: document.querySelector('progress[aria-label="Download progress"]')?.getAttribute('value') ?? null,
    }));
    // The total never changes while the bytes grow: it was known before they arrived.
    if (text.includes('Downloading')) expect(text).toContain(`of ${formatBytes(bytes)}`);
    if (value !== null) fractions.push(Number(value));
    // A full bar only once every byte is in.
    if (value !== null && !text.includes(`Downloading ${formatBytes(bytes)} of`)) expect(Number(value)).toBeLessThan(100);
    await page.waitForTimeout(300);
  }
  expect(fractions.length).toBeGreaterThanOrEqual(3);
  expect(fractions.at(-1)!).toBeGreaterThan(fractions[0]);
  await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 60_000 });
});

test('the size shows before download; the Models view shows the stored size; Delete removes every file', async ({ page }) => {
  const server = await startMirror();
  let bytes = 0;
  for (const file of MODEL_FILES) bytes += (await stat(join(FIXTURE_MODELS_DIR, MODEL, file))).size;
  await openApp(page, MODEL, server.url);
  await expect(page.getByTestId('download-size')).toContainText(`${formatBytes(bytes)} to download (q8 for WASM)`);
  await loadModel(page);
  await expect(page.getByTestId('download-size')).toContainText('Stored in this browser (q8)');
  await openModelsTab(page);
  const table = page.getByRole('table', { name: 'Models' });
  const row = table.getByRole('row').filter({ hasText: MODEL });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('stored-size')).toHaveText(formatBytes(bytes));
  await expect(row).toContainText('q8');
  // Loaded once: its last use is recorded.
  await expect(row).toContainText(/q8 · used /);
  await expect(page.getByTestId('storage-use')).toContainText(' used');
  expect((await storedUrls(page)).filter((url) => url.includes(`/${MODEL}/`)).length).toBeGreaterThanOrEqual(MODEL_FILES.length);

  // Delete asks in the page first; "Keep it" keeps it.
  await row.getByRole('button', { name: `Delete ${MODEL}` }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Confirm delete' });
  await expect(confirm).toContainText(`Delete ${MODEL}`);
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(row.getByTestId('stored-size')).toHaveCount(1);
  await row.getByRole('button', { name: `Delete ${MODEL}` }).click();
  await confirm.getByRole('button', { name: 'Yes, delete' }).click();
  // The model may stay listed (it ran here), but nothing of it is stored and it can't be deleted again.
  await expect(table.getByTestId('stored-size')).toHaveCount(0);
  await expect(page.getByRole('button', { name: `Delete ${MODEL}` })).toHaveCount(0);
  expect((await storedUrls(page)).filter((url) => url.includes(`/${MODEL}/`))).toEqual([]);
});

test('a stored format is used on another backend only when picked; the faster one shows what it would download', async ({ page }) => {
  const server = await startMirror();
  await openApp(page, MODEL, server.url);
  // q4 stored by hand (as a WebGPU load would store it), then back to Auto: WASM's best is q8.
  await openSettings(page);
  const weights = page.getByTestId('settings-drawer').getByLabel('Weights');
  await weights.selectOption('q4');
  await loadModel(page);
  await expect(page.getByTestId('download-size')).toContainText('Stored in this browser (q4)');
  await weights.selectOption('auto');
  const q8Bytes = (await stat(join(FIXTURE_MODELS_DIR, MODEL, WEIGHTS))).size;
  const size = page.getByTestId('download-size');
  await expect(size).toContainText(`${formatBytes(q8Bytes)} to download (q8 for WASM)`);
  await expect(size.getByTestId('stored-alternative')).toContainText('q4 is already stored and loads without downloading, but runs slower on WASM than q8.');
  await size.getByRole('button', { name: 'Use the stored q4' }).click();
  await expect(weights).toHaveValue('q4');
  await expect(size).toContainText('Stored in this browser (q4)');
  const q8Gets = () => fileGets(server, WEIGHTS).length;
  expect(q8Gets()).toBe(0);
});

test('a storage quota smaller than the model gets a clear message and nothing is stored', async ({ page, baseURL }) => {
  const server = await startMirror();
  await openApp(page, MODEL, server.url);
  const cdp = await page.context().newCDPSession(page);
  // 64 KB on top of what the app itself keeps (the service worker's precache, once installed, and
  // its small IndexedDB stores): the config files fit, the weights don't.
  const usage = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return (await navigator.storage.estimate()).usage ?? 0;
  });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: usage + 64 * 1024 });

  await page.getByRole('button', { name: 'Load model' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'QuotaExceededError' });
  await expect(alert).toContainText(
    /needs [\d.]+ KB of browser storage, but (only [\d.]+ (B|KB) is free|the browser's storage quota for this site is full)/,
  );
  await expect(alert).toContainText('Nothing of it was saved');
  expect((await storedUrls(page)).filter((url) => url.includes(`/${MODEL}/`) && !url.endsWith('/config.json'))).toEqual([]);
});

test.describe('custom model ids', () => {
  let root: string;

  test.beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'playground-bad-repos-'));
    const tiny = join(FIXTURE_MODELS_DIR, MODEL);
    await mkdir(join(root, 'fixtures/a-bert/onnx'), { recursive: true });
    await writeFile(join(root, 'fixtures/a-bert/config.json'), JSON.stringify({ model_type: 'bert' }));
    await writeFile(join(root, 'fixtures/a-bert/onnx/model.onnx'), await readFile(join(tiny, WEIGHTS)));
    await mkdir(join(root, 'fixtures/no-weights'), { recursive: true });
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      await writeFile(join(root, 'fixtures/no-weights', file), await readFile(join(tiny, file)));
    }
  });

  test.afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('missing, unsupported and weightless repos get three distinct, specific messages', async ({ page }) => {
    const server = await startMirror([], root);
    const expectations: [string, string, string][] = [
      ['fixtures/missing', 'ModelNotFoundError', '"fixtures/missing" was not found'],
      ['fixtures/a-bert', 'UnsupportedModelError', 'is a "bert" model'],
      ['fixtures/no-weights', 'NoOnnxWeightsError', 'has no ONNX weights'],
    ];
    await openApp(page, 'fixtures/missing', server.url);
    for (const [id, name, text] of expectations) {
      await page.getByLabel('Model id (org/name)').fill(id);
      await page.getByRole('button', { name: 'Load model' }).click();
      const alert = page.getByRole('alert').filter({ hasText: name });
      await expect(alert).toContainText(text);
    }
    // Nothing big was fetched for any of them.
    expect(server.requests.filter((r) => r.path.includes('/onnx/'))).toEqual([]);
  });
});

test('a model folder imports, loads and answers with every other host blocked', async ({ page, baseURL }) => {
  const appOrigin = new URL(baseURL!).origin;
  const blocked: string[] = [];
  // Blocked before the app opens, so nothing it does can slip out first.
  await page.context().route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${appOrigin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  // No model in the address: nothing is looked up until the folder is picked.
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();

  await openModelsTab(page);
  await page.getByLabel('Model folder').setInputFiles(join(FIXTURE_MODELS_DIR, MODEL));
  await expect(page.getByTestId('folder-imported')).toContainText('local-folder/tiny-qwen3');
  await expect(page.getByTestId('model-ready')).toContainText('local-folder/tiny-qwen3', { timeout: 90_000 });
  await answerSomething(page);
  expect(blocked, 'requests that left the app').toEqual([]);

  // It stays: listed as stored, from a local folder.
  await openModelsTab(page);
  const row = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: 'local-folder/tiny-qwen3' });
  await expect(row).toContainText('from a local folder');
  await expect(row).toContainText('q8');
});

for (const kind of ['gzip-sized', 'gzip-unsized'] as const) {
  test(`a static mirror that sends config.json compressed (${kind}): the model loads, answers, and loads again with no download, config.json kept at its size`, async ({ page }) => {
    // No listing: config.json's only size is what its answer says, and Content-Encoding is hidden
    // from this cross-origin page, so a Content-Length there counts compressed bytes.
    mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0, treeEndpoint: false, faults: [{ kind, path: 'config.json', times: Infinity }] });
    await openApp(page, MODEL, mirror.url);
    await loadModel(page);
    expect(fileGets(mirror, 'config.json').some((r) => r.faults?.includes(kind))).toBe(true);
    await answerSomething(page);

    await page.reload();
    const before = mirror.requests.length;
    await loadModel(page);
    const fetched = mirror.requests.slice(before).filter((r) => r.method === 'GET' && r.path.includes('/resolve/'));
    expect(fetched.map((r) => r.path), 'files fetched again').toEqual([]);
    // The model's record of what it stored has config.json at its real size, though neither a
    // listing nor a header gave it.
    const manifestUrl = `${mirror.url}/${MODEL}/resolve/main/.playground/manifest.json`;
    const recorded = await page.evaluate(async (url) => {
      const manifest = await (await (await caches.open('transformers-cache')).match(url))?.json();
      return manifest?.files?.['config.json']?.size;
    }, manifestUrl);
    expect(recorded).toBe((await stat(join(FIXTURE_MODELS_DIR, MODEL, 'config.json'))).size);
  });
}

test('a listing that lies about a file\'s size: the download stops, names the file and both sizes, stores nothing of it', async ({ page }) => {
  const size = (await stat(join(FIXTURE_MODELS_DIR, MODEL, WEIGHTS))).size;
  const server = await startMirror([{ kind: 'lie-size', path: WEIGHTS, bytes: -1000, times: Infinity }]);
  await openApp(page, MODEL, server.url);
  await page.getByRole('button', { name: 'Load model' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'CorruptDownloadError' });
  await expect(alert).toContainText(`"${WEIGHTS}" arrived damaged (the hub listed ${size - 1000} bytes, the server announced ${size})`);
  expect((await storedUrls(page)).some((url) => url.endsWith(WEIGHTS)), 'weights listed too small are not stored').toBe(false);

  // A fresh page looks the model up again, and gets the other lie.
  server.setFaults([{ kind: 'lie-size', path: WEIGHTS, bytes: 1000, times: Infinity }]);
  await page.reload();
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(alert).toContainText(`"${WEIGHTS}" arrived damaged (the hub listed ${size + 1000} bytes, the server has ${size})`);
  expect((await storedUrls(page)).some((url) => url.endsWith(WEIGHTS)), 'weights listed too large are not stored').toBe(false);

  // A truthful listing, and an answer announcing 5000 bytes it never sends: every listed byte is
  // in and verified when the connection fails, so the file is stored without asking again.
  server.setFaults([{ kind: 'content-length', path: WEIGHTS, bytes: 5000 }]);
  // A fresh page again: the page looked the model up once more right after the failure, while
  // the listing still lied, and would load from that lookup.
  await page.reload();
  const before = fileGets(server, WEIGHTS).length;
  await loadModel(page);
  expect(fileGets(server, WEIGHTS).slice(before).map((r) => r.faults)).toEqual([['content-length']]);
  await answerSomething(page);
});

test('storage that runs out during a second model\'s download: the quota is named, nothing half-stored counts, the first model still answers', async ({ page, baseURL }) => {
  const SECOND = 'fixtures/tiny-glm';
  // The second model's weights are paced, so the quota can shrink while they are on the way.
  const server = await startMirror([{ kind: 'throttle', repo: SECOND, path: WEIGHTS, bytesPerSecond: 40_000, times: Infinity }]);
  await openApp(page, MODEL, server.url);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await loadModel(page);

  await page.getByLabel('Model id (org/name)').fill(SECOND);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByRole('list', { name: 'Files' })).toContainText(WEIGHTS);
  await expect(page.getByTestId('download-summary')).toContainText('/s');
  // Room for a few KB more than what is stored now: the first model fits, the second's weights don't.
  const origin = new URL(baseURL!).origin;
  const cdp = await page.context().newCDPSession(page);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 16 * 1024 });

  const alert = page.getByRole('alert').filter({ hasText: 'QuotaExceededError' });
  await expect(alert).toContainText(
    /"fixtures\/tiny-glm" \(q8\) needs [\d.]+ KB of browser storage, but (only [\d.]+ (B|KB) is free for this site|the browser's storage quota for this site is full)/,
  );
  expect((await storedUrls(page)).some((url) => url.includes(`/${SECOND}/`) && url.endsWith(WEIGHTS)), 'no half-stored weights').toBe(false);
  const secondWeights = () => server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${SECOND}/resolve/main/${WEIGHTS}`));
  // The weights were on their way when the room ran out: refused while being stored, not up front.
  expect(secondWeights()[0]).toMatchObject({ status: 200, bytes: (await stat(join(FIXTURE_MODELS_DIR, SECOND, WEIGHTS))).size });

  // After a reload the second model is not offered as stored; the first is, and loads and answers.
  await page.reload();
  await openModelsTab(page);
  const table = page.getByRole('table', { name: 'Models' });
  const first = table.getByRole('row').filter({ hasText: MODEL });
  await expect(first).toContainText('q8');
  const second = table.getByRole('row').filter({ hasText: SECOND });
  await expect(second).toContainText(/incomplete \(\d+ files?\)/);
  const before = server.requests.length;
  await first.getByRole('button', { name: `Load ${MODEL}` }).click();
  await expect(page.getByTestId('model-ready')).toContainText(MODEL, { timeout: 90_000 });
  expect(server.requests.slice(before).filter((r) => r.method === 'GET' && r.path.includes('/resolve/')), 'the stored model fetched nothing').toEqual([]);
  await answerSomething(page);

  // With room again, the second model downloads its weights anew, verified, and loads.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  server.clearFaults();
  const triedBefore = secondWeights().length;
  // The Models view offers it only to finish from the chat.
  await openModelsTab(page);
  await expect(second.getByRole('button', { name: `Load ${SECOND}` })).toBeDisabled();
  await openChatTab(page);
  await page.getByLabel('Model id (org/name)').fill(SECOND);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByTestId('model-ready')).toContainText(SECOND, { timeout: 90_000 });
  expect(secondWeights().slice(triedBefore).map((r) => r.status)).toEqual([200]);
  await answerSomething(page);
});
