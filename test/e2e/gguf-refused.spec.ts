// A GGUF repo whose architecture the app doesn't run through llama.cpp, loaded by id from the mirror,
// is refused from the head of its file: the alert names the architecture, the mirror sent no more
// than the first 256 KiB of a 2 MB file, and nothing of it was stored.
import { test, expect } from '@playwright/test';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { FIXTURE_MODELS_DIR } from './ports';
import { expectOnlyHosts, openApp, watch } from './app';
import { REFUSED_GGUF } from '../fixtures/tiny-gguf-refused';

let mirror: MirrorServer | null = null;

test.afterEach(async () => {
  await mirror?.close();
  mirror = null;
});

test('a GGUF model of an architecture llama.cpp here does not run is refused by name before its download', async ({ page, baseURL }) => {
  const fileBytes = (await stat(join(FIXTURE_MODELS_DIR, REFUSED_GGUF.id, REFUSED_GGUF.file))).size;
  expect(fileBytes).toBeGreaterThan(1024 * 1024);
  mirror = await createMirrorServer({ root: FIXTURE_MODELS_DIR, port: 0 });
  const watchers = watch(page);
  await openApp(page, REFUSED_GGUF.id, mirror.url);
  await page.getByRole('button', { name: 'Load model' }).click();

  const refusal = page.getByRole('alert').filter({ hasText: 'GgufUnsupportedArchitectureError' });
  await expect(refusal).toContainText(`architecture "${REFUSED_GGUF.architecture}" isn't one the app runs with llama.cpp`);
  await expect(page.getByTestId('model-ready')).toHaveCount(0);

  // Only the head was asked for and sent.
  const gets = mirror.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${REFUSED_GGUF.file}`));
  expect(gets.map((r) => [r.range, r.status])).toEqual([['bytes=0-262143', 206]]);
  expect(gets[0]!.bytes).toBeLessThanOrEqual(256 * 1024);
  // Nothing of the model is in the store.
  const stored = await page.evaluate(async (id) => {
    const cache = await caches.open('transformers-cache');
    return (await cache.keys()).map((request) => request.url).filter((url) => url.includes(`/${id}/`));
  }, REFUSED_GGUF.id);
  expect(stored).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, mirror.url]);
});
