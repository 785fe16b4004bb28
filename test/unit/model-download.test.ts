// Downloading a whole model into the store: parallel files, progress, atomic commits, quota.
// Files come from the real mirror over loopback; the store's Cache is an in-memory stand-in
// (node has no Cache API) — the real one is exercised by the e2e suite in Chromium.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRepoMirror } from './support/repo-mirror';
import { MemoryCache } from './support/memory-cache';
import { downloadModelFiles, type DownloadSnapshot } from '../../src/lib/models/download/model-download';
import { ModelStore } from '../../src/lib/models/model-store';
import type { RemoteFile } from '../../src/lib/models/download/file-download';

const REPO = 'org/model';
const contents: Record<string, Buffer> = {
  'config.json': Buffer.from('{"model_type":"qwen3"}'),
  'tokenizer.json': randomBytes(20_000),
  'onnx/model_q4.onnx': randomBytes(150_000),
  'onnx/model_q4.onnx_data': randomBytes(250_000),
};
const mirror = useRepoMirror(REPO, contents);

function remoteFiles(): RemoteFile[] {
  return Object.entries(contents).map(([file, data]) => ({
    path: file,
    url: `${mirror.server.url}/${REPO}/resolve/main/${file}`,
    size: data.length,
    sha256: file.startsWith('onnx/') ? createHash('sha256').update(data).digest('hex') : null,
  }));
}

function setup(cache = new MemoryCache(), extra: Partial<Parameters<typeof downloadModelFiles>[1]> = {}) {
  const snapshots: DownloadSnapshot[] = [];
  const options = {
    label: '"org/model"',
    repoId: REPO,
    store: new ModelStore(cache as unknown as Cache),
    fetch: globalThis.fetch.bind(globalThis),
    signal: new AbortController().signal,
    onProgress: (s: DownloadSnapshot) => snapshots.push(s),
    progressIntervalMs: 0,
    ...extra,
  };
  return { cache, snapshots, options };
}

const total = Object.values(contents).reduce((sum, b) => sum + b.length, 0);

describe('downloadModelFiles', () => {
  it('stores every file verified, with progress that ends at the total', async () => {
    const { cache, snapshots, options } = setup();
    const result = await downloadModelFiles(remoteFiles(), options);
    expect(result.fetchedBytes).toBe(total);
    expect(result.stored.map((f) => f.path).sort()).toEqual(Object.keys(contents).sort());
    for (const file of remoteFiles()) {
      const stored = await cache.match(file.url);
      expect(Buffer.from(await stored!.arrayBuffer()).equals(contents[file.path]), file.path).toBe(true);
      expect(stored!.headers.get('content-length')).toBe(String(contents[file.path].length));
    }
    const last = snapshots.at(-1)!;
    expect(last).toMatchObject({ loadedBytes: total, totalBytes: total });
    expect(last.files.every((f) => f.loadedBytes === f.totalBytes)).toBe(true);
    for (let i = 1; i < snapshots.length; i++) expect(snapshots[i].loadedBytes).toBeGreaterThanOrEqual(snapshots[i - 1].loadedBytes);
  });

  it('an unlisted file counts toward the total as soon as its Content-Length arrives, never past it', async () => {
    const { snapshots, options } = setup();
    const unlisted = remoteFiles().map((file) => ({ ...file, size: null, sha256: null }));
    await downloadModelFiles(unlisted, options);
    // Every snapshot after a file's first bytes counts that file's whole length in the total.
    for (const snapshot of snapshots) {
      for (const file of snapshot.files) {
        if (file.loadedBytes > 0) expect(file.totalBytes, file.file).toBe(contents[file.file].length);
      }
    }
    expect(snapshots.at(-1)).toMatchObject({ loadedBytes: total, totalBytes: total });
  });

  it('an unlisted file announced longer than it is is stored whole; the bar never passes 100 % nor shows negative time', async () => {
    mirror.server.setFaults([{ kind: 'content-length', path: 'model_q4.onnx_data', bytes: 100_000, times: Infinity }]);
    const { cache, snapshots, options } = setup();
    const unlisted = remoteFiles().map((file) => ({ ...file, size: null, sha256: null }));
    const result = await downloadModelFiles(unlisted, options);
    expect(result.fetchedBytes).toBe(total);
    const data = unlisted.find((f) => f.path === 'onnx/model_q4.onnx_data')!;
    expect(Buffer.from(await (await cache.match(data.url))!.arrayBuffer()).equals(contents[data.path])).toBe(true);
    expect(await options.store.sizeOf(data.url)).toBe(contents[data.path].length);
    for (const snapshot of snapshots) {
      expect(snapshot.loadedBytes).toBeLessThanOrEqual(snapshot.totalBytes);
      for (const f of snapshot.files) expect(f.loadedBytes, f.file).toBeLessThanOrEqual(f.totalBytes);
      if (snapshot.etaSeconds !== null) expect(snapshot.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(snapshots.at(-1)).toMatchObject({ loadedBytes: total, totalBytes: total });
  });

  it('skips files already stored at the listed size', async () => {
    const { cache, options } = setup();
    await downloadModelFiles(remoteFiles(), options);
    mirror.server.requests.length = 0;
    const again = await downloadModelFiles(remoteFiles(), setup(cache).options);
    expect(again).toMatchObject({ fetchedBytes: 0, alreadyStoredBytes: total });
    expect(mirror.server.requests).toEqual([]);
  });

  it('refuses up front when the storage estimate says it will not fit, and fetches nothing', async () => {
    const { cache, options } = setup(new MemoryCache(), { estimate: async () => ({ quota: 100_000, usage: 10_000 }) });
    await expect(downloadModelFiles(remoteFiles(), options)).rejects.toMatchObject({
      name: 'QuotaExceededError',
      neededBytes: total,
      freeBytes: 90_000,
    });
    expect(mirror.server.requests).toEqual([]);
    expect(cache.entries.size).toBe(0);
  });

  it('a quota error while storing removes every file this run stored', async () => {
    const { cache, options } = setup(new MemoryCache(200_000), { concurrency: 1 });
    await expect(downloadModelFiles(remoteFiles(), options)).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(cache.entries.size).toBe(0);
  });

  it('a corrupt file fails the download, is not stored, and the good files stay', async () => {
    mirror.server.setFaults([{ kind: 'corrupt', path: 'model_q4.onnx_data', times: Infinity }]);
    const { cache, options } = setup(new MemoryCache(), { concurrency: 1 });
    await expect(downloadModelFiles(remoteFiles(), options)).rejects.toMatchObject({ name: 'CorruptDownloadError' });
    const stored = [...cache.entries.keys()].map((url) => url.split('/resolve/main/')[1]);
    expect(stored).not.toContain('onnx/model_q4.onnx_data');
    expect(stored).toContain('config.json');
  });

  it('cancel stops every file and says so', async () => {
    mirror.server.setFaults([{ kind: 'throttle', bytesPerSecond: 50_000, times: Infinity }]);
    const controller = new AbortController();
    const { cache, options } = setup(new MemoryCache(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(downloadModelFiles(remoteFiles(), options)).rejects.toMatchObject({ name: 'DownloadCancelledError' });
    // Whatever did finish is whole; nothing partial.
    for (const [url, entry] of cache.entries) {
      expect(entry.body.byteLength, url).toBe(contents[url.split('/resolve/main/')[1]].length);
    }
  });
});
