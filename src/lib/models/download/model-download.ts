// Downloads a model's files into the model store: several at once, with per-file and total
// progress, speed and ETA. Each file is stored only after it is complete and verified, so the
// cache never holds a partial or corrupt file; a full disk removes what this run stored.
import type { ProgressFile } from '../../engines/types';
import { DownloadCancelledError, QuotaExceededError } from '../../engines/errors';
import type { ModelStore } from '../model-store';
import { downloadFile, type FileSink, type RemoteFile } from './file-download';
import { OnnxSplitError } from '../onnx-split/onnx-split-error';
import { openSplittingWriter, type SplittingWriter } from '../onnx-split/split-while-storing';
import { dataPathOf, type SplitFile } from '../onnx-split/split-stored-file';
import { assertFits, freeBytes, isQuotaError, isStorageRefusal, quotaMessage, storageRefusedMessage, type StorageNumbers } from './storage-budget';
import { TransferRate } from './transfer-rate';

export interface DownloadSnapshot {
  loadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  files: ProgressFile[];
}

export interface ModelDownloadOptions {
  /** Names the model in messages ("Qwen3 0.6B needs 570 MB ..."). */
  label: string;
  repoId: string;
  store: ModelStore;
  fetch: typeof fetch;
  signal: AbortSignal;
  onProgress(snapshot: DownloadSnapshot): void;
  estimate?: () => Promise<StorageNumbers>;
  /** Files fetched at once: enough to fill a fast link, few enough not to starve each other. */
  concurrency?: number;
  /** Least time between two progress reports. */
  progressIntervalMs?: number;
  /**
   * Whether to split this inline weight file into graph + `<path>_data` as it streams in (see
   * split-while-storing.ts), instead of storing it as the hub has it. A file the splitter turns
   * out not to handle is fetched again and stored whole.
   */
  splitWhileStoring?(file: RemoteFile): boolean;
  now?: () => number;
}

export interface StoredFile {
  path: string;
  /** The file as the hub has it (for a split file: the original, as listed and verified). */
  size: number;
  sha256: string | null;
  /** Set when the file was split as it streamed in: what the store holds instead of it. */
  split?: SplitFile;
  /** Set when a file meant to be split while stored could not be (why): it is stored whole. */
  keptInline?: string;
}

export interface ModelDownloadResult {
  /** Files present after the run (fetched now or already stored). Optional files the repo lacks are absent. */
  stored: StoredFile[];
  fetchedBytes: number;
  alreadyStoredBytes: number;
}

export async function downloadModelFiles(files: RemoteFile[], options: ModelDownloadOptions): Promise<ModelDownloadResult> {
  const { store } = options;
  const now = options.now ?? (() => performance.now());
  const storedSizes = await Promise.all(files.map((file) => store.sizeOf(file.url)));
  // A stored file counts only at the listed size; a different one is replaced.
  const present = files.map((file, i) => storedSizes[i] !== null && (file.size === null || storedSizes[i] === file.size));
  const stored: StoredFile[] = [];
  const missing: RemoteFile[] = [];
  let alreadyStoredBytes = 0;
  for (const [i, file] of files.entries()) {
    if (present[i]) {
      stored.push({ path: file.path, size: storedSizes[i]!, sha256: file.sha256 });
      alreadyStoredBytes += storedSizes[i]!;
    } else {
      missing.push(file);
    }
  }
  if (missing.length === 0) return { stored, fetchedBytes: 0, alreadyStoredBytes };

  const neededBytes = missing.reduce((sum, file) => sum + (file.size ?? 0), 0);
  const estimate = options.estimate ? await options.estimate().catch(() => ({})) : {};
  assertFits(options.label, neededBytes, estimate);

  const progress = new ProgressTracker(files, files.map((_, i) => (present[i] ? storedSizes[i] : null)), options, now);
  const runAbort = new AbortController();
  const onOuterAbort = () => runAbort.abort(options.signal.reason);
  options.signal.addEventListener('abort', onOuterAbort, { once: true });
  const storedNow: string[] = [];
  let fetchedBytes = 0;

  const fetchOnce = (file: RemoteFile, openSink: (size: number | null, contentType: string) => FileSink) =>
    downloadFile(file, {
      repoId: options.repoId,
      fetch: options.fetch,
      signal: runAbort.signal,
      onBytes: (delta) => progress.add(file.path, delta),
      // An unlisted file's size arrives with its first answer; the bar grows against it from then on.
      onAnnouncedSize: (size) => progress.setTotal(file.path, size),
      openSink,
    });
  const plainSink = (file: RemoteFile) => (size: number | null, contentType: string) => store.openWriter(file.url, size, contentType, file.sha256);

  const fetchAndStore = async (file: RemoteFile) => {
    let fetched;
    let splitting: SplittingWriter | null = null;
    let keptInline: string | undefined;
    const dataPath = dataPathOf(file.path);
    const dataUrl = `${file.url}_data`;
    try {
      if (options.splitWhileStoring?.(file)) {
        try {
          fetched = await fetchOnce(file, () => (splitting = openSplittingWriter(store, { path: file.path, url: file.url, dataPath, dataUrl })));
        } catch (error) {
          if (!(error instanceof OnnxSplitError)) throw error;
          // Not a model the splitter handles: stored as the hub has it, from the start again.
          splitting = null;
          keptInline = `${file.path}: ${error.message}`;
          progress.restart(file.path);
          fetched = await fetchOnce(file, plainSink(file));
        }
      } else {
        fetched = await fetchOnce(file, plainSink(file));
      }
    } catch (error) {
      if (isQuotaError(error)) {
        const free = freeBytes(await (options.estimate?.() ?? Promise.resolve({})).catch(() => ({})));
        throw new QuotaExceededError(neededBytes, free, quotaMessage(options.label, neededBytes, free));
      }
      if (isStorageRefusal(error)) throw new QuotaExceededError(neededBytes, null, storageRefusedMessage(options.label, file.path, file.size));
      throw error;
    }
    if (!fetched) {
      progress.drop(file.path);
      return;
    }
    const split = (splitting as SplittingWriter | null)?.split ?? null;
    storedNow.push(file.url, ...(split ? [dataUrl] : []));
    fetchedBytes += fetched.size;
    stored.push({ path: file.path, size: fetched.size, sha256: file.sha256, ...(split ? { split } : {}), ...(keptInline ? { keptInline } : {}) });
    progress.finish(file.path, fetched.size);
  };

  try {
    await runPool(missing, options.concurrency ?? 4, fetchAndStore, runAbort);
  } catch (error) {
    if (error instanceof QuotaExceededError) {
      // Half a model is of no use and holds the space the user needs back.
      await store.deleteUrls(storedNow).catch(() => {});
    }
    if (options.signal.aborted) throw new DownloadCancelledError();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onOuterAbort);
    progress.flush();
  }
  return { stored, fetchedBytes, alreadyStoredBytes };
}

/**
 * Runs `task` over `items`, `limit` at a time, and throws the first failure once all have
 * settled: one damaged file shouldn't throw away the others, which are whole and verified.
 * Failures that doom every file (a full disk, a cancel) abort the rest at once.
 */
async function runPool<T>(items: T[], limit: number, task: (item: T) => Promise<void>, abort: AbortController): Promise<void> {
  let next = 0;
  let firstError: unknown = null;
  const worker = async () => {
    while (next < items.length && !abort.signal.aborted) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        firstError ??= error;
        if (error instanceof QuotaExceededError || error instanceof DownloadCancelledError) abort.abort(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError !== null) throw firstError;
}

/** Per-file byte counts, throttled into snapshots for the progress bar. */
class ProgressTracker {
  #files = new Map<string, ProgressFile>();
  #rate: TransferRate;
  #lastReport = -Infinity;

  constructor(
    files: RemoteFile[],
    /** Size of each file already stored, null for the ones to fetch. */
    storedSizes: (number | null)[],
    private readonly options: ModelDownloadOptions,
    private readonly now: () => number,
  ) {
    this.#rate = new TransferRate(3000, now);
    files.forEach((file, i) => {
      const have = storedSizes[i];
      const total = file.size ?? have ?? 0;
      this.#files.set(file.path, { file: file.path, loadedBytes: have === null ? 0 : total, totalBytes: total });
    });
  }

  add(path: string, delta: number): void {
    const entry = this.#files.get(path)!;
    entry.loadedBytes += delta;
    if (entry.loadedBytes > entry.totalBytes) entry.totalBytes = entry.loadedBytes;
    if (delta > 0) this.#rate.add(delta);
    if (this.now() - this.#lastReport >= (this.options.progressIntervalMs ?? 100)) this.flush();
  }

  /** The file's bytes so far were thrown away: it is fetched again from its start. */
  restart(path: string): void {
    const entry = this.#files.get(path)!;
    entry.loadedBytes = 0;
    this.flush();
  }

  setTotal(path: string, size: number): void {
    const entry = this.#files.get(path)!;
    entry.totalBytes = Math.max(size, entry.loadedBytes);
  }

  finish(path: string, size: number): void {
    const entry = this.#files.get(path)!;
    entry.loadedBytes = entry.totalBytes = size;
    this.flush();
  }

  /** An optional file the repo doesn't have. */
  drop(path: string): void {
    this.#files.delete(path);
  }

  flush(): void {
    this.#lastReport = this.now();
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const f of this.#files.values()) {
      loadedBytes += f.loadedBytes;
      totalBytes += f.totalBytes;
    }
    this.options.onProgress({
      loadedBytes,
      totalBytes,
      bytesPerSecond: this.#rate.bytesPerSecond,
      etaSeconds: this.#rate.etaSeconds(totalBytes - loadedBytes),
      files: [...this.#files.values()].map((f) => ({ ...f })),
    });
  }
}
