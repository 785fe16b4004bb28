// GGUF the way teams have it: a file picked from disk (their fine-tune) is stored as it is and
// answers through llama.cpp with every other host blocked, a bad file is refused by name; a GGUF
// download cut mid-file resumes with Range and is verified against the listing's sha256; and an
// ONNX model and a GGUF model (Qwen3 and GLM-Edge, each against its ONNX build) answer side by side.
import { test, expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR, MIRROR } from './ports';
import { expectOnlyHosts, lastAnswer, loadModel, openApp, openModelsTab, send, setGeneration, waitForAnswerDone, watch } from './app';

const GGUF_MODEL = 'fixtures/tiny-qwen3-gguf';
const Q8_FILE = 'tiny-qwen3-Q8_0.gguf';
const Q8_PATH = join(FIXTURE_MODELS_DIR, GGUF_MODEL, Q8_FILE);

let mirror: MirrorServer | null = null;
let tempRoot: string | null = null;

test.afterEach(async () => {
  await mirror?.close();
  mirror = null;
  if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  tempRoot = null;
});

async function answerSomething(page: Page): Promise<void> {
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await expect(lastAnswer(page)).not.toContainText('Error');
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

test('a .gguf picked from disk is stored with its sha256 and answers through llama.cpp, with every other host blocked; a bad file is refused by name', async ({ page, baseURL }) => {
  const appOrigin = new URL(baseURL!).origin;
  const blocked: string[] = [];
  await page.context().route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${appOrigin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await openModelsTab(page);

  // Not a GGUF: refused before anything is stored, by its error's name and the file's.
  await page.getByLabel('GGUF file').setInputFiles({ name: 'weights.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\u0003\u0004 not a model at all') });
  const refusal = page.getByRole('alert').filter({ hasText: 'GgufBadMagicError' });
  await expect(refusal).toContainText('"weights.gguf": This is not a GGUF file');

  await page.getByLabel('GGUF file').setInputFiles(Q8_PATH);
  const id = 'local-folder/tiny-qwen3-Q8_0-GGUF';
  await expect(page.getByTestId('folder-imported')).toContainText(id);
  await expect(page.getByTestId('model-ready')).toContainText(id, { timeout: 90_000 });
  await expect(page.getByTestId('runtime')).toContainText('WASM · q8');
  await answerSomething(page);
  expect(blocked, 'requests that left the app').toEqual([]);

  // Stored as it is, with the sha256 of the picked file.
  const stored = await page.evaluate(async (file) => {
    const cache = await caches.open('transformers-cache');
    const entry = (await cache.keys()).find((request) => request.url.endsWith(`/${file}`));
    const response = entry && (await cache.match(entry));
    return response ? { url: entry!.url, sha256: response.headers.get('x-sha256'), bytes: (await response.arrayBuffer()).byteLength } : null;
  }, Q8_FILE);
  const original = await readFile(Q8_PATH);
  expect(stored).toEqual({ url: expect.stringContaining(`/${id}/`), sha256: await sha256(Q8_PATH), bytes: original.byteLength });

  await openModelsTab(page);
  const row = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: id });
  await expect(row).toContainText('from a local folder');
  await expect(row).toContainText('q8');
});

test('a GGUF download cut off mid-file resumes with Range, is verified against the listed sha256, and answers', async ({ page }) => {
  // A mirror with the Q8_0 file only (126 KB): a cut in its first 64 KiB would make the browser start
  // over, so the cut is past that.
  tempRoot = await mkdtemp(join(tmpdir(), 'gguf-resume-'));
  await mkdir(join(tempRoot, GGUF_MODEL), { recursive: true });
  await copyFile(Q8_PATH, join(tempRoot, GGUF_MODEL, Q8_FILE));
  mirror = await createMirrorServer({
    root: tempRoot,
    port: 0,
    faults: [
      // Twice: the read of the file's head before the download (a Range request for its first 256 KiB), then the download.
      { kind: 'drop-after-bytes', path: Q8_FILE, bytes: 96_000, times: 2 },
      { kind: 'throttle', path: Q8_FILE, bytesPerSecond: 200_000, times: Infinity },
    ],
  });
  await openApp(page, GGUF_MODEL, mirror.url);
  await loadModel(page);
  await expect(page.getByTestId('model-ready')).toContainText(GGUF_MODEL);
  await expect(page.getByTestId('runtime')).toContainText('WASM · q8');

  const stored = await page.evaluate(async (file) => {
    const cache = await caches.open('transformers-cache');
    const entry = (await cache.keys()).find((request) => request.url.endsWith(`/${file}`));
    const response = entry && (await cache.match(entry));
    if (!response) return null;
    const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
    return { listed: response.headers.get('x-sha256'), actual: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, Q8_FILE);
  const fixture = await sha256(Q8_PATH);
  expect(stored).toEqual({ listed: fixture, actual: fixture });

  const fileGets = mirror.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${GGUF_MODEL}/resolve/main/${Q8_FILE}`));
  expect(fileGets[0]!.range).toBe('bytes=0-262143');
  const gets = fileGets.slice(1);
  expect(gets[0].faults).toContain('drop-after-bytes');
  expect(gets[0].range).toBeUndefined();
  // Only what was missing is asked for again. (A reset connection may lose the last bytes in flight.)
  expect(gets[1]).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), status: 206 });
  const resumeFrom = Number(/^bytes=(\d+)-$/.exec(gets[1].range!)![1]);
  expect(resumeFrom).toBeGreaterThan(0);
  expect(resumeFrom).toBeLessThanOrEqual(96_000);
  expect(gets).toHaveLength(2);
  await answerSomething(page);
});

// Each GGUF test model against the ONNX build of its own family.
for (const { onnx, gguf } of [
  { onnx: 'fixtures/tiny-qwen3', gguf: GGUF_MODEL },
  { onnx: 'fixtures/tiny-glm', gguf: 'fixtures/tiny-glm-edge-gguf' },
]) {
  test(`${onnx} (ONNX) and ${gguf} (GGUF) answer side by side`, async ({ page, baseURL }) => {
    const watchers = watch(page);
    await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&view=side-by-side`);
    const view = page.getByRole('region', { name: 'Side by side' });
    await expect(view.getByRole('button', { name: 'Run side by side' })).toBeEnabled();
    await view.getByLabel('Model for pane 1').fill(onnx);
    await view.getByLabel('Model for pane 2').fill(gguf);
    await view.getByLabel('Prompt', { exact: true }).fill('Say hello.');
    await view.getByText('System prompt and generation').click();
    await view.getByLabel('Max new tokens').fill('16');
    await view.getByRole('button', { name: 'Run side by side' }).click();
    await expect(view.getByRole('button', { name: 'Stop all' })).toBeEnabled();
    await expect(view.getByRole('button', { name: 'Stop all' })).toBeDisabled({ timeout: 110_000 });

    const panes = view.getByRole('article');
    await expect(panes).toHaveCount(2);
    for (const i of [0, 1]) {
      await expect(panes.nth(i)).toHaveAttribute('data-state', 'done');
      await expect(panes.nth(i).locator('[aria-live="off"]')).not.toBeEmpty();
    }
    const rows = await page.getByRole('table', { name: 'Side-by-side metrics' }).evaluate((table) => {
      const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
      return [...table.querySelectorAll('tbody tr')].map((tr) =>
        Object.fromEntries([...tr.querySelectorAll('th, td')].map((cell, i) => [headers[i], cell.textContent!.replace(/\s+/g, ' ').trim()])),
      );
    });
    expect(rows.map((row) => row.Model)).toEqual([`Pane 1: ${onnx}`, `Pane 2: ${gguf}`]);
    for (const row of rows) {
      expect(row['Decode speed (higher is better)']).toMatch(/^\d+(\.\d+)? tok\/s/);
      expect(row['Stop reason']).not.toBe('error');
    }
    expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
    expect(watchers.consoleErrors).toEqual([]);
  });
}
