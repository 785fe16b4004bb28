// Big inline weights are kept as graph + `.onnx_data`, so the engine hands onnxruntime the weights
// as a Blob. A model stored before that (inline, as earlier versions stored it) still loads, and is
// split once on that load. A greedy answer is the same token for token from the inline weights,
// the migrated split and a fresh download's split.
import { test, expect, type Page } from '@playwright/test';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR } from './ports';
import { lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone } from './app';
import { TINY_DIMS, ensureFixtureModels, type FixtureRepoSpec } from '../fixtures/model-repos';

/**
 * tiny-qwen3 with a 65,536-token vocabulary (ids past the tokenizer's get zero lm_head columns):
 * the fp32 lm_head makes its q8 file 21.6 MB, over the 16 MiB from which weights are split.
 */
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
/** What versions before splitting stored for a q8 load of this repo. */
const OLD_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', WEIGHTS];

let mirror: MirrorServer;

test.beforeAll(async () => {
  await ensureFixtureModels(FIXTURE_MODELS_DIR, [BIG_VOCAB]);
  mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0 });
});

test.afterAll(async () => {
  await mirror?.close();
});

interface StoredEntry {
  url: string;
  size: number;
}

async function storedFiles(page: Page): Promise<Record<string, number>> {
  const entries = await page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    const out: StoredEntry[] = [];
    for (const request of await cache.keys()) out.push({ url: request.url, size: (await (await cache.match(request))!.blob()).size });
    return out;
  });
  const prefix = `${mirror.url}/${MODEL}/resolve/main/`;
  return Object.fromEntries(entries.filter((e) => e.url.startsWith(prefix)).map((e) => [e.url.slice(prefix.length), e.size]));
}

/**
 * Writes the model into the store the way versions before splitting did: files as the hub has
 * them, and a manifest. With `keptInline`, the manifest says the store keeps the weights inline
 * (as it does for a file it can't split), so a load reads them as they are.
 */
async function storeInlineTheOldWay(page: Page, keptInline: string | null = null): Promise<void> {
  await page.evaluate(
    async ({ hub, repoId, files, weights, keptInline }) => {
      const cache = await caches.open('transformers-cache');
      const base = `${hub}/${repoId}/resolve/main/`;
      const recorded: Record<string, { size: number; sha256: null; keptInline?: string }> = {};
      for (const path of files) {
        const blob = await (await fetch(base + path)).blob();
        const headers = { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'content-length': String(blob.size), 'x-stored-at': new Date().toISOString() };
        await cache.put(base + path, new Response(blob, { headers }));
        recorded[path] = { size: blob.size, sha256: null, ...(path === weights && keptInline ? { keptInline } : {}) };
      }
      const manifest = JSON.stringify({
        version: 1, hub, repoId, revision: 'main', modelType: 'qwen3', contextLength: 2048,
        files: recorded, repoFiles: null, completeDtypes: ['q8'], filesByDtype: { q8: files }, source: 'hub',
        updatedAt: new Date().toISOString(), lastUsedAt: null,
      });
      await cache.put(`${base}.playground/manifest.json`, new Response(manifest, { headers: { 'content-type': 'application/json', 'content-length': String(manifest.length) } }));
    },
    { hub: mirror.url, repoId: MODEL, files: OLD_FILES, weights: WEIGHTS, keptInline },
  );
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

test('a model stored inline before splitting still loads, is split once on that load, and answers the same tokens as inline and as a fresh download', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page, MODEL, mirror.url);

  // 1. Weights the store keeps inline load inline, as they did before splitting existed.
  await storeInlineTheOldWay(page, 'kept inline for this test');
  const weightBytes = (await storedFiles(page))[WEIGHTS]!;
  expect(weightBytes).toBeGreaterThan(16 * 2 ** 20);
  await page.reload();
  await loadModel(page);
  const inline = await greedyAnswer(page);
  expect(await storedFiles(page)).not.toHaveProperty(DATA);

  // 2. Stored exactly as before splitting: the next load splits the weights once, with nothing fetched, and answers the same.
  await storeInlineTheOldWay(page);
  const requestsBefore = mirror.requests.length;
  await page.reload();
  await loadModel(page);
  expect(await greedyAnswer(page)).toBe(inline);
  const migrated = await storedFiles(page);
  expect(migrated[WEIGHTS]).toBeLessThan(2 ** 20);
  expect(migrated[DATA]).toBeGreaterThan(weightBytes - 2 ** 20);
  expect(mirror.requests.slice(requestsBefore).filter((r) => r.path.includes('/onnx/'))).toEqual([]);
  const manifest = await page.evaluate(async (url) => (await (await caches.open('transformers-cache')).match(url))!.json(), `${mirror.url}/${MODEL}/resolve/main/.playground/manifest.json`);
  expect(manifest.filesByDtype.q8).toEqual([...OLD_FILES, DATA]);
  expect(manifest.files[WEIGHTS]).toEqual({ size: migrated[WEIGHTS], sha256: null, splitFrom: { size: weightBytes, sha256: null } });

  // 3. Loaded again: split already, so nothing is rewritten or fetched.
  await page.reload();
  await loadModel(page);
  expect(await greedyAnswer(page)).toBe(inline);
  expect(await storedFiles(page)).toEqual(migrated);

  // 4. Deleted and downloaded afresh: split as it is stored, and the same answer.
  await page.evaluate(async (prefix) => {
    const cache = await caches.open('transformers-cache');
    for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request);
  }, `${mirror.url}/${MODEL}/`);
  await page.reload();
  await loadModel(page);
  expect(await greedyAnswer(page)).toBe(inline);
  const downloaded = await storedFiles(page);
  expect(downloaded[WEIGHTS]).toBe(migrated[WEIGHTS]);
  expect(downloaded[DATA]).toBe(migrated[DATA]);
  expect(mirror.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${MODEL}/resolve/main/${WEIGHTS}`)).length).toBeGreaterThan(0);
});
