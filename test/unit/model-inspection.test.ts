// Model inspection against the project's real mirror serving generated fixture repos: the tree
// listing, the HEAD-probe fallback of a static server, and each kind of bad model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { TINY_QWEN3, generateModelRepo } from '../fixtures/model-repos';
import { TINY_QWEN35, ensureQwen35Models } from '../fixtures/tiny-qwen35';
import { inspectModel } from '../../src/lib/models/model-inspection';

let root: string;
let mirror: MirrorServer;
let staticMirror: MirrorServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'inspect-'));
  await generateModelRepo(root, TINY_QWEN3);
  await ensureQwen35Models(root, [TINY_QWEN35]);
  await mkdir(join(root, 'other/bert-model/onnx'), { recursive: true });
  await writeFile(join(root, 'other/bert-model/config.json'), JSON.stringify({ model_type: 'bert' }));
  await writeFile(join(root, 'other/bert-model/onnx/model.onnx'), 'x');
  await mkdir(join(root, 'other/no-onnx'), { recursive: true });
  await writeFile(join(root, 'other/no-onnx/config.json'), JSON.stringify({ model_type: 'qwen3' }));
  await writeFile(join(root, 'other/no-onnx/model.safetensors'), 'x');
  // Real weights and tokenizer; config.json claims a billion layers (at the top level, or for the
  // text model of a multimodal config).
  const tiny = join(root, 'fixtures/tiny-qwen3');
  const tinyConfig = JSON.parse(await readFile(join(tiny, 'config.json'), 'utf8')) as Record<string, unknown>;
  for (const [id, config] of [
    ['other/billion-layers', { ...tinyConfig, num_hidden_layers: 1e9 }],
    ['other/billion-layers-nested', { model_type: 'qwen3_5', text_config: { ...tinyConfig, num_hidden_layers: 1e9 } }],
  ] as const) {
    await cp(tiny, join(root, id), { recursive: true });
    await writeFile(join(root, id, 'config.json'), JSON.stringify(config));
  }
  mirror = await createMirrorServer({ root, port: 0 });
  staticMirror = await createMirrorServer({ root, port: 0, treeEndpoint: false });
});

afterAll(async () => {
  await mirror.close();
  await staticMirror.close();
  await rm(root, { recursive: true, force: true });
});

describe('inspectModel', () => {
  it('reads type, context length and dtypes with sizes from the tree listing', async () => {
    const info = await inspectModel('fixtures/tiny-qwen3', { hub: mirror.url, revision: 'main' });
    expect(info).toMatchObject({ modelType: 'qwen3', contextLength: 2048, listing: 'tree', shape: { hiddenSize: 64, numLayers: 2, numKvHeads: 2, headDim: 16 } });
    expect(info.dtypes.sort()).toEqual(['fp32', 'q4', 'q8']);
    expect(info.fileSizes['onnx/model_quantized.onnx']).toBeGreaterThan(100_000);
  });

  it('probes file names with HEAD on a static server without the tree API', async () => {
    const info = await inspectModel('fixtures/tiny-qwen3', { hub: staticMirror.url, revision: 'main' });
    expect(info.listing).toBe('probe');
    expect(info.dtypes.sort()).toEqual(['fp32', 'q4', 'q8']);
    const fromTree = await inspectModel('fixtures/tiny-qwen3', { hub: mirror.url, revision: 'main' });
    expect(info.fileSizes).toEqual(fromTree.fileSizes);
    expect(staticMirror.requests.some((r) => r.method === 'HEAD' && r.path.endsWith('model_q4f16.onnx') && r.status === 404)).toBe(true);
    // The probed list is kept, with the sizes HEAD gave, tokenizer files included: a download then
    // knows its true total, and a stored manifest still knows every format the repo has.
    for (const path of ['onnx/model_quantized.onnx', 'onnx/model_q4.onnx', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(info.files?.[path], path).toEqual({ size: fromTree.files![path].size, sha256: null });
    }
  });

  it("finds a Qwen3.5 export's three sessions by probing a static server, asking for no single-graph file", async () => {
    const info = await inspectModel('fixtures/tiny-qwen35', { hub: staticMirror.url, revision: 'main' });
    expect(info).toMatchObject({ modelType: 'qwen3_5', listing: 'probe' });
    expect(info.dtypes.sort()).toEqual(['fp32', 'q4', 'q8']);
    const fromTree = await inspectModel('fixtures/tiny-qwen35', { hub: mirror.url, revision: 'main' });
    expect(info.fileSizes).toEqual(fromTree.fileSizes);
    expect(info.files?.['preprocessor_config.json']?.size).toBeGreaterThan(0);
    expect(staticMirror.requests.filter((r) => r.path.includes('tiny-qwen35/') && /\/onnx\/model[._]/.test(r.path))).toEqual([]);
  });

  it('names a missing model and the hub it asked', async () => {
    await expect(inspectModel('fixtures/nope', { hub: mirror.url, revision: 'main' })).rejects.toMatchObject({
      name: 'ModelNotFoundError',
      message: expect.stringContaining(`"fixtures/nope" was not found on ${mirror.url}`),
    });
  });

  it('rejects ids that are not org/name', async () => {
    await expect(inspectModel('just-a-name', { hub: mirror.url, revision: 'main' })).rejects.toMatchObject({ name: 'InvalidModelIdError' });
  });

  it('rejects model types transformers.js cannot generate with', async () => {
    await expect(inspectModel('other/bert-model', { hub: mirror.url, revision: 'main' })).rejects.toMatchObject({
      name: 'UnsupportedModelError',
      message: expect.stringContaining('"bert"'),
    });
  });

  it('rejects repos without ONNX weights', async () => {
    await expect(inspectModel('other/no-onnx', { hub: mirror.url, revision: 'main' })).rejects.toMatchObject({
      name: 'NoOnnxWeightsError',
      message: expect.stringContaining('has no ONNX weights'),
    });
  });

  it('refuses a config.json with sizes no model has, naming the field, before listing or fetching any weights', async () => {
    for (const [id, field] of [
      ['other/billion-layers', 'num_hidden_layers'],
      ['other/billion-layers-nested', 'text_config.num_hidden_layers'],
    ]) {
      const before = mirror.requests.length;
      await expect(inspectModel(id, { hub: mirror.url, revision: 'main' })).rejects.toMatchObject({
        name: 'ModelConfigError',
        message: `config.json: ${field} is 1000000000; a model this app can run has at most 512.`,
      });
      expect(mirror.requests.slice(before).map((r) => r.path)).toEqual([`/${id}/resolve/main/config.json`]);
    }
  });

  it('reports an unreachable hub as a network error', async () => {
    await expect(inspectModel('fixtures/tiny-qwen3', { hub: 'http://127.0.0.1:9', revision: 'main' })).rejects.toMatchObject({
      name: 'NetworkError',
      message: expect.stringContaining("Can't reach http://127.0.0.1:9"),
    });
  });
});
