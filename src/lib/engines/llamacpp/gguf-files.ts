// Brings a GGUF model's file(s) into the model store through the app's download manager
// (progress, resume, sha256 against the hub's lfs.oid, quota, cancel), then hands them to
// llama.cpp as Files backed by the store: the weights are never copied into JS memory.
import type { Dtype, ModelRef, ProgressFile } from '../types';
import { MODEL_CACHE_NAME, ModelStore, type ManifestFile } from '../../models/model-store';
import { downloadModelFiles, type DownloadSnapshot } from '../../models/download/model-download';
import { ModelFileMissingError } from '../errors';
import { assertRunnableArchitecture, describeGgufModel, type GgufModelInfo } from '../../models/gguf/gguf-model-info';
import { readGgufHeader } from '../../models/gguf/gguf-reader';
import { CountingFile, ReadCounter } from './counting-file';
import type { HeadSizes } from './llamacpp-memory';

export interface StoreGgufOptions {
  model: ModelRef;
  dtype: Dtype;
  /** Repo paths of the GGUF file, or of every part of a split one in order. */
  files: readonly string[];
  listing: Record<string, ManifestFile> | null;
  signal: AbortSignal;
  onProgress(snapshot: DownloadSnapshot): void;
}

export interface StoredGguf {
  fetchedBytes: number;
  totalBytes: number;
  files: ProgressFile[];
  /** The stored parts as llama.cpp reads them: Files named like the repo's, backed by the store. */
  blobs: CountingFile[];
  /** What the first part's header says. */
  info: GgufModelInfo;
  /** The attention head sizes the first part's header names, for the KV cache's layout. */
  heads: HeadSizes;
  /** Counts every byte read from `blobs`, the header reads here included. */
  reads: ReadCounter;
  /** Bytes the header reads here took. */
  headerBytesRead: number;
  /** Where the time went: the download manager's pass (a size check when stored), the files opened, their headers read, the manifest written. */
  timings: StoreGgufTimings;
}

export interface StoreGgufTimings {
  checkMs: number;
  openMs: number;
  headerMs: number;
  manifestMs: number;
}

export async function storeGgufFiles(options: StoreGgufOptions): Promise<StoredGguf> {
  const { model, dtype } = options;
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const store = await ModelStore.open();
  const manifest = await store.readManifest(model);
  const known = (path: string): ManifestFile | undefined => options.listing?.[path] ?? manifest?.files[path];
  const result = await downloadModelFiles(
    options.files.map((path) => ({ path, url: store.fileUrl(model, path), size: known(path)?.size ?? null, sha256: known(path)?.sha256 ?? null })),
    {
      label: `"${model.repoId}" (${dtype})`,
      repoId: model.repoId,
      store,
      fetch: globalThis.fetch.bind(globalThis),
      signal: options.signal,
      onProgress: options.onProgress,
      estimate: () => navigator.storage.estimate(),
    },
  );

  const checkMs = lap();
  const cache = await caches.open(MODEL_CACHE_NAME);
  const reads = new ReadCounter();
  const blobs: CountingFile[] = [];
  for (const path of options.files) {
    const response = await cache.match(store.fileUrl(model, path));
    if (!response) throw new ModelFileMissingError(model.repoId, path);
    // A Blob from the Cache API is backed by the stored file; wrapping it in a File copies nothing.
    blobs.push(new CountingFile(await response.blob(), path.slice(path.lastIndexOf('/') + 1), reads));
  }
  const openMs = lap();
  // Every part's header, before llama.cpp sees any: a cut or foreign file, or an architecture the
  // bundled llama.cpp can't run, is refused by name. Parts after the first carry no architecture.
  const infos: GgufModelInfo[] = [];
  let heads: HeadSizes = { key: null, value: null };
  for (const blob of blobs) {
    const header = await readGgufHeader(blob);
    if (infos.length === 0) heads = headSizesOf(header.metadata);
    const partInfo = describeGgufModel(header);
    assertRunnableArchitecture(partInfo);
    infos.push(partInfo);
    blob.dataOffset = header.dataOffset;
  }
  const info = infos[0]!;
  const headerMs = lap();
  const headerBytesRead = reads.bytes;

  const files: Record<string, ManifestFile> = { ...manifest?.files };
  for (const file of result.stored) files[file.path] = { size: file.size, sha256: file.sha256 };
  await store.writeManifest({
    version: 1,
    hub: model.hub,
    repoId: model.repoId,
    revision: model.revision,
    modelType: info.architecture,
    contextLength: info.contextLength,
    files,
    repoFiles: options.listing ?? manifest?.repoFiles ?? null,
    completeDtypes: [...new Set([...(manifest?.completeDtypes ?? []), dtype])],
    filesByDtype: { ...manifest?.filesByDtype, [dtype]: [...options.files] },
    source: manifest?.source ?? 'hub',
    ...(manifest?.folderName ? { folderName: manifest.folderName } : {}),
    updatedAt: new Date().toISOString(),
    lastUsedAt: new Date().toISOString(),
  });
  const manifestMs = lap();
  const totalBytes = result.stored.reduce((sum, f) => sum + f.size, 0);
  return {
    fetchedBytes: result.fetchedBytes,
    totalBytes,
    files: result.stored.map((f) => ({ file: f.path, loadedBytes: f.size, totalBytes: f.size })),
    blobs,
    info,
    heads,
    reads,
    headerBytesRead,
    timings: { checkMs, openMs, headerMs, manifestMs },
  };
}

function headSizesOf(metadata: ReadonlyMap<string, unknown>): HeadSizes {
  const arch = metadata.get('general.architecture');
  const size = (key: string): number | null => {
    const value = metadata.get(`${String(arch)}.attention.${key}`);
    return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
  };
  return { key: size('key_length'), value: size('value_length') };
}
