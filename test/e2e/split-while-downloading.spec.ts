// Big inline weights are split into graph + `.onnx_data` as they download, instead of being
// stored whole and split after: the store needs room for the model once, not twice, and ends
// with the same graph and data file (byte for byte) as the split of weights stored inline, which
// answer the same tokens. A download cut mid-file resumes and the whole original is verified.
import { test, expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR } from './ports';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone } from './app';
import { TINY_DIMS, ensureFixtureModels, type FixtureRepoSpec } from '../fixtures/model-repos';

/** tiny-qwen3 with a 65,536-token vocabulary: its q8 file is 21.6 MB, over the 16 MiB from which weights are split. */
const BIG_VOCAB: FixtureRepoSpec = {
  id: 'fixtures/tiny-qwen3-big-vocab',
  family: 'qwen3',
  behaviour: 'random',
  seed: 2026,
  dims: TINY_DIMS,
  dtypes: ['q8'],
  vocabSize: 65_536,
};
const MODEL = BIG_VOCAB.id;
const WEIGHTS = 'onnx/model_quantized.onnx';
const DATA = `${WEIGHTS}_data`;
const OLD_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', WEIGHTS];

let mirror: MirrorServer;

test.beforeAll(async () => {
  await ensureFixtureModels(FIXTURE_MODELS_DIR, [BIG_VOCAB]);
  mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0 });
});

test.afterAll(async () => {
  await mirror?.close();
});

/** Each stored file of the model: its size and sha256, read back from the Cache API. */
async function storedFiles(page: Page): Promise<Record<string, { size: number; sha256: string }>> {
  const prefix = `${mirror.url}/${MODEL}/resolve/main/`;
  return page.evaluate(async (prefix) => {
    const cache = await caches.open('transformers-cache');
    const out: Record<string, { size: number; sha256: string }> = {};
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(prefix) || request.url.endsWith('manifest.json')) continue;
      const bytes = await (await cache.match(request))!.arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      out[request.url.slice(prefix.length)] = { size: bytes.byteLength, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
    }
    return out;
  }, prefix);
}

async function manifest(page: Page) {
  return page.evaluate(async (url) => (await (await caches.open('transformers-cache')).match(url))?.json(), `${mirror.url}/${MODEL}/resolve/main/.playground/manifest.json`);
}

/** Stores the model's files as the hub has them (the weights inline), with a manifest: a model stored before splitting. */
async function storeInline(page: Page): Promise<void> {
  await page.evaluate(
    async ({ hub, repoId, files }) => {
      const cache = await caches.open('transformers-cache');
      const base = `${hub}/${repoId}/resolve/main/`;
      const recorded: Record<string, { size: number; sha256: null }> = {};
      for (const path of files) {
        const blob = await (await fetch(base + path)).blob();
        await cache.put(base + path, new Response(blob, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) } }));
        recorded[path] = { size: blob.size, sha256: null };
      }
      const manifest = JSON.stringify({
        version: 1, hub, repoId, revision: 'main', modelType: 'qwen3', contextLength: 2048,
        files: recorded, repoFiles: null, completeDtypes: ['q8'], filesByDtype: { q8: files }, source: 'hub',
        updatedAt: new Date().toISOString(), lastUsedAt: null,
      });
      await cache.put(`${base}.playground/manifest.json`, new Response(manifest, { headers: { 'content-type': 'application/json' } }));
    },
    { hub: mirror.url, repoId: MODEL, files: OLD_FILES },
  );
}

async function clearModel(page: Page): Promise<void> {
  await page.evaluate(async (prefix) => {
    const cache = await caches.open('transformers-cache');
    for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request);
  }, `${mirror.url}/${MODEL}/`);
}

/** Records every text the Load line's step shows from now on, in `window.initStages`. */
async function recordInitStages(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { initStages: string[] }).initStages = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="init-stage"]')?.textContent?.trim();
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

async function greedyAnswer(page: Page): Promise<string> {
  await setGeneration(page, { temperature: 0, maxNewTokens: 16 });
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).not.toContainText('Error');
  const text = (await lastAnswer(page).locator('.markdown').innerText()).trim();
  expect(text).not.toBe('');
  return text;
}

test('weights split as they download need room for the model once, match the split of stored weights byte for byte, and answer the same', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const weights = await readFile(join(FIXTURE_MODELS_DIR, MODEL, WEIGHTS));
  const listedSha256 = createHash('sha256').update(weights).digest('hex');
  // Cut mid-file, paced so the bytes before the cut reach the page before the cut does.
  mirror.setFaults([
    { kind: 'drop-after-bytes', path: WEIGHTS, bytes: 4_000_000 },
    { kind: 'throttle', path: WEIGHTS, bytesPerSecond: 20_000_000, times: 1 },
  ]);
  await openApp(page, MODEL, mirror.url);
  // Room for the weights once and a half: a split after storing them whole would need twice.
  const usage = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return (await navigator.storage.estimate()).usage ?? 0;
  });
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + Math.round(weights.length * 1.5) });

  // 1. Downloaded: split as it streamed in, resumed at the cut, the original verified whole.
  mirror.requests.length = 0;
  await loadModel(page);
  const fresh = await greedyAnswer(page);
  const gets = mirror.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${MODEL}/resolve/main/${WEIGHTS}`));
  expect(gets.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
  const downloaded = await storedFiles(page);
  expect(downloaded[WEIGHTS]!.size).toBeLessThan(2 ** 20);
  expect(downloaded[DATA]!.size).toBeGreaterThan(weights.length - 2 ** 20);
  const record = await manifest(page);
  expect(record.files[WEIGHTS]).toEqual({ size: downloaded[WEIGHTS]!.size, sha256: null, splitFrom: { size: weights.length, sha256: listedSha256 } });
  expect(record.filesByDtype.q8).toContain(DATA);

  // 2. The same weights stored inline and split on their next load (room for that given back):
  //    the same graph and data file, and the same answer.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await clearModel(page);
  await storeInline(page);
  await page.reload();
  await recordInitStages(page);
  await loadModel(page);
  expect(await greedyAnswer(page)).toBe(fresh);
  // That split read the stored weights once more, and the Load line said so as it went.
  expect(await page.evaluate(() => (window as unknown as { initStages: string[] }).initStages)).toContainEqual(expect.stringMatching(/^Preparing weights… \d+ %$/));
  const migrated = await storedFiles(page);
  expect(migrated[WEIGHTS]).toEqual(downloaded[WEIGHTS]);
  expect(migrated[DATA]).toEqual(downloaded[DATA]);
});
