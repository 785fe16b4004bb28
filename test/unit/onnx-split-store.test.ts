// Splitting in the model store: a big inline weight file becomes graph + `<file>_data` (what the
// engine loads as a Blob) with the original's size and sha256 kept on record; a folder import
// splits on the way in; anything that stops a split leaves the model inline and loadable.
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { MemoryCache } from './support/memory-cache';
import { ModelStore, type ModelLocation } from '../../src/lib/models/model-store';
import { importFolderModel, planFolderImport, type PickedFile } from '../../src/lib/models/folder-import';
import { SPLIT_MIN_BYTES, isSplittable, splitStoredFile, withDataFiles } from '../../src/lib/models/onnx-split/split-stored-file';
import { DT, GraphBuilder } from '../fixtures/onnx-graph-builder';
import { mulberry32 } from '../fixtures/tiny-transformer';

const LOCATION: ModelLocation = { hub: 'http://hub.test', repoId: 'org/big', revision: 'main' };
const ORIGIN = 'http://app.test';
const WIDTH = Math.ceil(SPLIT_MIN_BYTES / (64 * 4)) + 16;

/** y = x · W with W just over the split size (64 × WIDTH floats). */
function bigModel(): Uint8Array<ArrayBuffer> {
  const random = mulberry32(11);
  const g = new GraphBuilder('big');
  const x = g.addInput('x', DT.FLOAT, [1, 64]);
  const w = g.addInitializer('w', DT.FLOAT, [64, WIDTH], Float32Array.from({ length: 64 * WIDTH }, () => random() - 0.5));
  g.op('MatMul', [x, w], {}, { output: 'y' });
  g.addOutput('y', DT.FLOAT, [1, WIDTH]);
  return g.serialize() as Uint8Array<ArrayBuffer>;
}

async function run(graph: Uint8Array, data?: Blob): Promise<Float32Array> {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(graph, {
    executionProviders: ['wasm'],
    ...(data ? { externalData: [{ path: 'model_quantized.onnx_data', data }] } : {}),
  });
  const x = Float32Array.from({ length: 64 }, (_, i) => (i % 7) - 3);
  const out = (await session.run({ x: new ortWeb.Tensor('float32', x, [1, 64]) })).y!.data as Float32Array;
  await session.release();
  return out;
}

/** Byte equality without a deep-equal walk (or a diff) over megabytes of elements. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const stored = async (store: ModelStore, path: string) => {
  const body = await store.body(store.fileUrl(LOCATION, path));
  return body ? new Uint8Array(await new Response(body).arrayBuffer()) : null;
};

describe('isSplittable', () => {
  it('takes a session graph of at least 16 MiB with no data file beside it', () => {
    expect(isSplittable('onnx/model_q4.onnx', SPLIT_MIN_BYTES, [])).toBe(true);
    expect(isSplittable('onnx/model_q4.onnx', SPLIT_MIN_BYTES - 1, [])).toBe(false);
    expect(isSplittable('onnx/model_q4.onnx', SPLIT_MIN_BYTES, ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'])).toBe(false);
    expect(isSplittable('onnx/model_q4.onnx', SPLIT_MIN_BYTES, ['onnx/model_q4.onnx_data_1'])).toBe(false);
    expect(isSplittable('model.onnx', SPLIT_MIN_BYTES, [])).toBe(false);
    expect(isSplittable('onnx/model.onnx_data', SPLIT_MIN_BYTES, [])).toBe(false);
  });
});

describe('splitStoredFile', () => {
  const model = bigModel();
  const path = 'onnx/model_quantized.onnx';

  it('replaces the stored model with its graph and a data file that load to the same outputs', async () => {
    const store = new ModelStore(new MemoryCache() as unknown as Cache);
    await store.put(store.fileUrl(LOCATION, path), new Blob([model]), 'application/octet-stream', 'abc');
    const outcome = await splitStoredFile(store, LOCATION, path, model.length, async () => ({ quota: 10 * model.length, usage: model.length }));
    expect(outcome.split).toEqual({ graph: { path, size: expect.any(Number) }, data: { path: `${path}_data`, size: expect.any(Number) } });
    const graph = (await stored(store, path))!;
    const data = (await stored(store, `${path}_data`))!;
    expect(graph.length).toBeLessThan(1000);
    expect(data.length).toBe(64 * WIDTH * 4);
    const [split, inline] = [await run(graph, new Blob([data])), await run(model)];
    expect(sameBytes(new Uint8Array(split.buffer), new Uint8Array(inline.buffer))).toBe(true);
  });

  it('leaves the model inline, and no data file, when storage has no room for the data file', async () => {
    const store = new ModelStore(new MemoryCache() as unknown as Cache);
    await store.put(store.fileUrl(LOCATION, path), new Blob([model]), 'application/octet-stream', null);
    const outcome = await splitStoredFile(store, LOCATION, path, model.length, async () => ({ quota: model.length * 1.5, usage: model.length }));
    expect(outcome).toMatchObject({ split: null, final: false });
    expect((await stored(store, path))!.length).toBe(model.length);
    expect(await stored(store, `${path}_data`)).toBeNull();
  });

  it('leaves the model inline when the store refuses the data file part way (the quota the estimate missed)', async () => {
    const store = new ModelStore(new MemoryCache(model.length * 1.5) as unknown as Cache);
    await store.put(store.fileUrl(LOCATION, path), new Blob([model]), 'application/octet-stream', null);
    const outcome = await splitStoredFile(store, LOCATION, path, model.length);
    expect(outcome).toMatchObject({ split: null, final: false });
    expect(sameBytes((await stored(store, path))!, model)).toBe(true);
    expect(await stored(store, `${path}_data`)).toBeNull();
  });

  it('says for good when the file is no model it can split, and leaves it as it was', async () => {
    const store = new ModelStore(new MemoryCache() as unknown as Cache);
    const notAModel = new Uint8Array(SPLIT_MIN_BYTES).fill(0xff);
    await store.put(store.fileUrl(LOCATION, path), new Blob([notAModel]), 'application/octet-stream', null);
    const outcome = await splitStoredFile(store, LOCATION, path, notAModel.length);
    expect(outcome).toMatchObject({ split: null, final: true, reason: expect.stringContaining("Can't split this ONNX file") });
    expect((await stored(store, path))!.length).toBe(notAModel.length);
    expect(await stored(store, `${path}_data`)).toBeNull();
  });
});

describe('withDataFiles', () => {
  it('puts the data file right after each split graph in every dtype that names it, once', () => {
    const byDtype = { q8: ['config.json', 'onnx/vision.onnx', 'onnx/model_quantized.onnx'], q4: ['onnx/vision.onnx', 'onnx/vision.onnx_data'] };
    expect(withDataFiles(byDtype, ['onnx/vision.onnx'])).toEqual({
      q8: ['config.json', 'onnx/vision.onnx', 'onnx/vision.onnx_data', 'onnx/model_quantized.onnx'],
      q4: ['onnx/vision.onnx', 'onnx/vision.onnx_data'],
    });
  });
});

describe('folder import of big inline weights', () => {
  const file = (text: string) => new Blob([text]);
  const folder = (weights: Uint8Array<ArrayBuffer>): PickedFile[] => [
    { path: 'config.json', file: file(JSON.stringify({ model_type: 'qwen3', max_position_embeddings: 2048 })) },
    { path: 'tokenizer.json', file: file('{}') },
    { path: 'tokenizer_config.json', file: file('{}') },
    { path: 'onnx/model_quantized.onnx', file: new Blob([weights]) },
  ];
  const hubOf = `${ORIGIN}/local-models`;

  it('stores graph and data file, lists the data file for the dtype, and keeps the original size on record', async () => {
    const model = bigModel();
    const store = new ModelStore(new MemoryCache() as unknown as Cache);
    const plan = await planFolderImport('Big', folder(model), ORIGIN);
    const result = await importFolderModel(plan, 'Big', store, () => {});
    const location = { hub: hubOf, repoId: result.repoId, revision: 'main' };
    const manifest = (await store.readManifest(location))!;
    expect(manifest.filesByDtype.q8).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx', 'onnx/model_quantized.onnx_data']);
    expect(result.filesByDtype).toEqual(manifest.filesByDtype);
    const graphEntry = manifest.files['onnx/model_quantized.onnx']!;
    expect(graphEntry.splitFrom).toEqual({ size: model.length, sha256: null });
    expect(graphEntry.size).toBeLessThan(1000);
    expect(manifest.files['onnx/model_quantized.onnx_data']).toEqual({ size: 64 * WIDTH * 4, sha256: null });
    // What the store holds is what the manifest says.
    for (const path of manifest.filesByDtype.q8!) expect(await store.has(store.fileUrl(location, path), manifest.files[path]!.size), path).toBe(true);
  });

  it('stores a weight file it cannot split whole, and says why in the manifest', async () => {
    const store = new ModelStore(new MemoryCache() as unknown as Cache);
    const notAModel = new Uint8Array(SPLIT_MIN_BYTES).fill(0xff) as Uint8Array<ArrayBuffer>;
    const plan = await planFolderImport('Odd', folder(notAModel), ORIGIN);
    const result = await importFolderModel(plan, 'Odd', store, () => {});
    const manifest = (await store.readManifest({ hub: hubOf, repoId: result.repoId, revision: 'main' }))!;
    expect(manifest.filesByDtype.q8).not.toContain('onnx/model_quantized.onnx_data');
    expect(manifest.files['onnx/model_quantized.onnx']).toMatchObject({ size: notAModel.length, keptInline: expect.stringContaining("Can't split") });
  });
});
