// The stored-model list and delete when two hubs' URLs nest: a hub may itself be a path such as
// http://h/o/n/resolve/main, so its files start with the URL prefix of model o/n on hub http://h.
import { describe, expect, it } from 'vitest';
import { MemoryCache } from './support/memory-cache';
import { MANIFEST_PATH, ModelStore, type ModelLocation, type ModelManifest } from '../../src/lib/models/model-store';

const OUTER: ModelLocation = { hub: 'http://h', repoId: 'o/n', revision: 'main' };
const INNER: ModelLocation = { hub: 'http://h/o/n/resolve/main', repoId: 'p/q', revision: 'main' };

function manifest(location: ModelLocation, files: Record<string, number>): ModelManifest {
  const entries = Object.fromEntries(Object.entries(files).map(([path, size]) => [path, { size, sha256: null }]));
  return {
    version: 1,
    ...location,
    modelType: 'qwen3',
    contextLength: 4096,
    files: entries,
    repoFiles: entries,
    completeDtypes: ['q8'],
    filesByDtype: { q8: Object.keys(files) },
    source: 'hub',
    updatedAt: '2026-12-01T00:00:00.000Z',
    lastUsedAt: null,
  };
}

async function storeModel(store: ModelStore, location: ModelLocation, files: Record<string, number>, withManifest = true) {
  for (const [path, size] of Object.entries(files)) {
    await store.put(store.fileUrl(location, path), new Blob([new Uint8Array(size)]), 'application/octet-stream', null);
  }
  if (withManifest) await store.writeManifest(manifest(location, files));
}

const where = (m: ModelLocation) => ({ hub: m.hub, repoId: m.repoId, revision: m.revision });

function setup() {
  const cache = new MemoryCache();
  return { cache, store: new ModelStore(cache as unknown as Cache) };
}

describe('ModelStore with nested hub URLs', () => {
  it('lists each model under its own hub and id, with its own files and bytes', async () => {
    const { store } = setup();
    await storeModel(store, OUTER, { 'config.json': 10, 'onnx/model_quantized.onnx': 1000 });
    await storeModel(store, INNER, { 'config.json': 20, 'onnx/model_quantized.onnx': 3000 });
    // The inner model's URLs really do start with the outer model's prefix.
    expect(store.fileUrl(INNER, 'config.json').startsWith(store.fileUrl(OUTER, 'config.json').replace('config.json', ''))).toBe(true);

    const listed = await store.list();
    expect(listed.map(where)).toEqual([where(INNER), where(OUTER)]);
    const [inner, outer] = listed;
    expect(inner).toMatchObject({ bytes: 3020, fileCount: 2 });
    expect(inner!.manifest).toMatchObject(where(INNER));
    expect(outer).toMatchObject({ bytes: 1010, fileCount: 2 });
    expect(outer!.manifest).toMatchObject(where(OUTER));
    expect(inner!.urls.every((url) => url.startsWith(`${INNER.hub}/p/q/resolve/main/`))).toBe(true);
  });

  it('lists the inner model by its manifest even when it is alone in the store', async () => {
    const { store } = setup();
    await storeModel(store, INNER, { 'config.json': 20, 'tokenizer.json': 5 });
    const [only, ...rest] = await store.list();
    expect(rest).toEqual([]);
    expect(where(only!)).toEqual(where(INNER));
    expect(only!.manifest?.completeDtypes).toEqual(['q8']);
  });

  it('deleting the outer model leaves the inner one whole, and the other way round', async () => {
    const { cache, store } = setup();
    await storeModel(store, OUTER, { 'config.json': 10, 'onnx/model_quantized.onnx': 1000 });
    await storeModel(store, INNER, { 'config.json': 20, 'onnx/model_quantized.onnx': 3000 });

    expect(await store.deleteModel(OUTER)).toBe(3);
    expect((await store.list()).map(where)).toEqual([where(INNER)]);
    expect(await store.readManifest(INNER)).not.toBeNull();
    expect(await store.has(store.fileUrl(INNER, 'onnx/model_quantized.onnx'), 3000)).toBe(true);

    await storeModel(store, OUTER, { 'config.json': 10 });
    expect(await store.deleteModel(INNER)).toBe(3);
    expect((await store.list()).map(where)).toEqual([where(OUTER)]);
    expect([...cache.entries.keys()].sort()).toEqual([store.fileUrl(OUTER, 'config.json'), store.fileUrl(OUTER, MANIFEST_PATH)].sort());
  });

  it('still lists and deletes an unfinished first download, which has no manifest yet', async () => {
    const { cache, store } = setup();
    await storeModel(store, OUTER, { 'config.json': 10, 'tokenizer.json': 7 }, false);
    const [partial] = await store.list();
    expect(partial).toMatchObject({ ...where(OUTER), fileCount: 2, bytes: 17, manifest: null });
    expect(await store.deleteModel(OUTER)).toBe(2);
    expect(cache.entries.size).toBe(0);
  });

  it('ignores a manifest stored under a URL its own location does not give', async () => {
    const { cache, store } = setup();
    await storeModel(store, OUTER, { 'config.json': 10 });
    // A manifest claiming to be the inner model, but sitting at the outer model's manifest URL.
    await cache.put(store.fileUrl(OUTER, MANIFEST_PATH), new Response(JSON.stringify(manifest(INNER, { 'config.json': 10 }))));
    const [only] = await store.list();
    expect(where(only!)).toEqual(where(OUTER));
  });

  it('keeps letters of any script in a stored id', async () => {
    const { store } = setup();
    const local: ModelLocation = { hub: 'http://localhost:4173/local-models', repoId: 'local-folder/模型', revision: 'main' };
    await storeModel(store, local, { 'config.json': 10 });
    await storeModel(store, local, { 'tokenizer.json': 3 }, false);
    const [only, ...rest] = await store.list();
    expect(rest).toEqual([]);
    expect(where(only!)).toEqual(where(local));
    expect(only!.fileCount).toBe(2);
  });
});

describe('ModelStore files stored before their size was known', () => {
  it('count at the size of what was stored: has(), sizeOf() and the list agree', async () => {
    const { store } = setup();
    // No listing gave a size, and a compressed answer's Content-Length counts compressed bytes.
    const url = store.fileUrl(OUTER, 'config.json');
    const writer = store.openWriter(url, null, 'application/json', null);
    await writer.write(new Uint8Array(700));
    await writer.write(new Uint8Array(11));
    await writer.close();
    expect(await store.sizeOf(url)).toBe(711);
    expect(await store.has(url, 711)).toBe(true);
    expect(await store.has(url, 0)).toBe(false);
    const [model] = await store.list();
    expect(model).toMatchObject({ bytes: 711, fileCount: 1 });
  });
});
