// Splitting a weight file as it downloads: the store ends with the same graph and data file the
// split after a download gives, never holds the original, commits nothing before the whole file
// has matched its sha256 (a cut download resumes into the same split), and stores a file the
// splitter can't handle whole, fetched again. Files come from the real mirror over loopback; the
// store's Cache is the in-memory stand-in.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRepoMirror } from './support/repo-mirror';
import { MemoryCache } from './support/memory-cache';
import { downloadModelFiles } from '../../src/lib/models/download/model-download';
import { ModelStore, type ModelLocation } from '../../src/lib/models/model-store';
import type { RemoteFile } from '../../src/lib/models/download/file-download';
import { SPLIT_MIN_BYTES, splitStoredFile } from '../../src/lib/models/onnx-split/split-stored-file';
import { openSplittingWriter } from '../../src/lib/models/onnx-split/split-while-storing';
import { OnnxSplitError } from '../../src/lib/models/onnx-split/onnx-split';
import { DT, GraphBuilder } from '../fixtures/onnx-graph-builder';
import { mulberry32 } from '../fixtures/tiny-transformer';

const REPO = 'org/big';
const WEIGHTS = 'onnx/model_quantized.onnx';
const ODD = 'onnx/model_q4.onnx';
const WIDTH = Math.ceil(SPLIT_MIN_BYTES / (64 * 4)) + 16;

/** y = x · W with W just over the split size, and a second small weight that stays in the graph. */
function bigModel(): Buffer {
  const random = mulberry32(5);
  const g = new GraphBuilder('big');
  const x = g.addInput('x', DT.FLOAT, [1, 64]);
  const w = g.addInitializer('w', DT.FLOAT, [64, WIDTH], Float32Array.from({ length: 64 * WIDTH }, () => random() - 0.5));
  const b = g.addInitializer('b', DT.FLOAT, [WIDTH], Float32Array.from({ length: WIDTH }, () => random()));
  const y = g.op('MatMul', [x, w]);
  g.op('Add', [y, b], {}, { output: 'z' });
  g.addOutput('z', DT.FLOAT, [1, WIDTH]);
  return Buffer.from(g.serialize());
}

const model = bigModel();
const notAModel = Buffer.alloc(SPLIT_MIN_BYTES + 10, 0xff);
const mirror = useRepoMirror(REPO, { [WEIGHTS]: model, [ODD]: notAModel });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function remote(path: string, bytes: Buffer): RemoteFile {
  return { path, url: `${mirror.server.url}/${REPO}/resolve/main/${path}`, size: bytes.length, sha256: sha256(bytes) };
}

function download(store: ModelStore, files: RemoteFile[]) {
  return downloadModelFiles(files, {
    label: REPO,
    repoId: REPO,
    store,
    fetch: globalThis.fetch.bind(globalThis),
    signal: new AbortController().signal,
    onProgress: () => {},
    splitWhileStoring: () => true,
  });
}

async function storedBytes(cache: MemoryCache, url: string): Promise<Buffer | null> {
  const response = await cache.match(url);
  return response ? Buffer.from(await response.arrayBuffer()) : null;
}

/** What the split after a download stores for the same file: the graph and data file as bytes. */
async function splitAfterStoring(bytes: Buffer): Promise<{ graph: Buffer; data: Buffer }> {
  const cache = new MemoryCache();
  const store = new ModelStore(cache as unknown as Cache);
  const location: ModelLocation = { hub: 'http://hub.test', repoId: REPO, revision: 'main' };
  await store.put(store.fileUrl(location, WEIGHTS), new Blob([new Uint8Array(bytes)]), 'application/octet-stream', null);
  const outcome = await splitStoredFile(store, location, WEIGHTS, bytes.length);
  expect(outcome.split).not.toBeNull();
  return { graph: (await storedBytes(cache, store.fileUrl(location, WEIGHTS)))!, data: (await storedBytes(cache, store.fileUrl(location, `${WEIGHTS}_data`)))! };
}

describe('openSplittingWriter', () => {
  const target = { path: WEIGHTS, url: 'http://hub.test/org/big/resolve/main/onnx/model_quantized.onnx', dataPath: `${WEIGHTS}_data`, dataUrl: 'http://hub.test/org/big/resolve/main/onnx/model_quantized.onnx_data' };

  it('stores, from chunks of any size, the graph and data file the split after storing gives, and nothing before close', async () => {
    const cache = new MemoryCache();
    const writer = openSplittingWriter(new ModelStore(cache as unknown as Cache), target);
    // Chunks that cut through tags, lengths and weights alike.
    for (let at = 0, size = 1; at < model.length; at += size, size = (size * 7 + 3) % 65_521 || 1) await writer.write(model.subarray(at, at + size));
    expect(cache.entries.size).toBe(0);
    await writer.close();
    const expected = await splitAfterStoring(model);
    expect((await storedBytes(cache, target.url))!.equals(expected.graph)).toBe(true);
    expect((await storedBytes(cache, target.dataUrl))!.equals(expected.data)).toBe(true);
    expect(writer.split).toEqual({ graph: { path: WEIGHTS, size: expected.graph.length }, data: { path: `${WEIGHTS}_data`, size: expected.data.length } });
  });

  it('leaves nothing when aborted part way', async () => {
    const cache = new MemoryCache();
    const writer = openSplittingWriter(new ModelStore(cache as unknown as Cache), target);
    await writer.write(model.subarray(0, model.length / 2));
    await writer.abort(new Error('cut'));
    expect(cache.entries.size).toBe(0);
  });

  it('fails with OnnxSplitError for a file that is no ONNX model, and stores nothing', async () => {
    const cache = new MemoryCache();
    const writer = openSplittingWriter(new ModelStore(cache as unknown as Cache), target);
    const written = (async () => {
      for (let at = 0; at < notAModel.length; at += 65_536) await writer.write(notAModel.subarray(at, at + 65_536));
      await writer.close();
    })();
    await expect(written).rejects.toBeInstanceOf(OnnxSplitError);
    await writer.abort(new Error('failed'));
    expect(cache.entries.size).toBe(0);
  });

  it('fails with OnnxSplitError for a model cut short, at close, and stores nothing', async () => {
    const cache = new MemoryCache();
    const writer = openSplittingWriter(new ModelStore(cache as unknown as Cache), target);
    await writer.write(model.subarray(0, model.length - 100));
    await expect(writer.close()).rejects.toMatchObject({ name: 'OnnxSplitError', failure: 'truncated' });
    expect(cache.entries.size).toBe(0);
  });
});

describe('downloadModelFiles with splitWhileStoring', () => {
  it('stores the download as graph + data file, never the original, and reports the split with the original size and sha256', async () => {
    const cache = new MemoryCache();
    const file = remote(WEIGHTS, model);
    const result = await download(new ModelStore(cache as unknown as Cache), [file]);
    const expected = await splitAfterStoring(model);
    expect((await storedBytes(cache, file.url))!.equals(expected.graph)).toBe(true);
    expect((await storedBytes(cache, `${file.url}_data`))!.equals(expected.data)).toBe(true);
    expect(result.stored).toEqual([
      { path: WEIGHTS, size: model.length, sha256: file.sha256, split: { graph: { path: WEIGHTS, size: expected.graph.length }, data: { path: `${WEIGHTS}_data`, size: expected.data.length } } },
    ]);
    expect(result.fetchedBytes).toBe(model.length);
  });

  it('resumes a cut download into the same split, verifying the whole original', async () => {
    mirror.server.setFaults([{ kind: 'drop-after-bytes', path: WEIGHTS, bytes: 5_000_000 }]);
    const cache = new MemoryCache();
    const file = remote(WEIGHTS, model);
    await download(new ModelStore(cache as unknown as Cache), [file]);
    const gets = mirror.server.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(2);
    expect(gets[1]).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), status: 206 });
    const expected = await splitAfterStoring(model);
    expect((await storedBytes(cache, file.url))!.equals(expected.graph)).toBe(true);
    expect((await storedBytes(cache, `${file.url}_data`))!.equals(expected.data)).toBe(true);
  });

  it('stores nothing when the whole file does not match its sha256', async () => {
    mirror.server.setFaults([{ kind: 'corrupt', path: WEIGHTS, bytes: 3 }]);
    const cache = new MemoryCache();
    await expect(download(new ModelStore(cache as unknown as Cache), [remote(WEIGHTS, model)])).rejects.toMatchObject({ name: 'CorruptDownloadError' });
    expect(cache.entries.size).toBe(0);
  });

  it('stores a file the splitter cannot handle whole, fetched again, and says why', async () => {
    const cache = new MemoryCache();
    const file = remote(ODD, notAModel);
    const result = await download(new ModelStore(cache as unknown as Cache), [file]);
    expect((await storedBytes(cache, file.url))!.equals(notAModel)).toBe(true);
    expect(await cache.match(`${file.url}_data`)).toBeUndefined();
    expect(result.stored).toEqual([{ path: ODD, size: notAModel.length, sha256: file.sha256, keptInline: expect.stringContaining("Can't split this ONNX file") }]);
  });
});
