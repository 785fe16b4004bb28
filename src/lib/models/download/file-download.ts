// Fetches one model file completely or not at all. The bytes stream straight into a sink (the
// model store) as they arrive, so a 1 GB file never sits in memory; the sink commits only when
// the file is complete and matches the size and sha256 the hub listed, and is aborted otherwise.
// The hash runs in a hashing worker beside the writes, and only the commit waits for its digest.
// A dropped connection resumes with `Range`, the hash continuing from its state at the cut, so the
// digest still covers the whole file; 5xx answers and stalls are retried with backoff.
// Sizes are counted in the bytes the body reader hands over: the browser decodes a compressed
// answer on the way, and a cross-origin page can't see that it did (Content-Encoding is not
// exposed), so a Content-Length may count compressed bytes and only ever serves as a hint.
import { CorruptDownloadError, DownloadCancelledError, FileTooLargeError, ModelFileMissingError, NetworkError } from '../../engines/errors';
import { MAX_ATTEMPTS_WITHOUT_PROGRESS, backoffDelayMs, isRetryableStatus, sleep as defaultSleep } from './retry-policy';
import { sha256Hashing, type RunningHash, type Sha256Hashing } from './hashing-worker';

export interface RemoteFile {
  /** Path inside the repo, e.g. `onnx/model_q4.onnx`. */
  path: string;
  url: string;
  /** Size from the hub listing; null when the listing didn't say. */
  size: number | null;
  /** Lower-case hex sha256 (the hub's `lfs.oid`); null when not listed. */
  sha256: string | null;
  /** A 404 means the repo simply doesn't have it (e.g. generation_config.json). */
  optional?: boolean;
}

export interface FetchedFile {
  size: number;
  contentType: string;
}

/** Where a file's bytes go. Nothing is kept unless close() is reached; abort() discards all. */
export interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Commits the file. */
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

/** A failure of the sink (e.g. the disk is full), passed through as it is: retrying won't help. */
class SinkError extends Error {
  constructor(override readonly cause: unknown) {
    super('storing the file failed');
  }
}

export interface FileDownloadOptions {
  repoId: string;
  fetch: typeof fetch;
  signal: AbortSignal;
  /** Bytes received since the last call; negative when a restart threw bytes away. */
  onBytes(delta: number): void;
  /**
   * The size a server announced for a file the listing doesn't size, for progress only: a
   * compressed answer announces its compressed length, and the body may run past it.
   */
  onAnnouncedSize?(size: number): void;
  /** Opens where the bytes go, with the size the listing gives (null when it gives none). */
  openSink(size: number | null, contentType: string): FileSink;
  /** No byte for this long counts as a dropped connection. */
  stallTimeoutMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Where the hash runs (default: the shared hashing worker). */
  hashing?: Sha256Hashing;
}

const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/**
 * The most an unsized file other than weights may bring, counted in decoded bytes whatever the
 * server announces. Configs and tokenizers are kilobytes to tens of megabytes (Qwen's
 * tokenizer.json: 11 MB); a server that streams one without end, or a small compressed body that
 * inflates to gigabytes, would otherwise fill the disk. Weights are sized by the listing or a HEAD
 * before they download.
 */
export const UNSIZED_FILE_LIMIT = 64 * 2 ** 20;

/** One attempt ended without the whole file; `retry` says whether trying again can help. */
class AttemptFailed extends Error {
  constructor(readonly reason: string, readonly retry: boolean) {
    super(reason);
  }
}

/** Resolves to null only for an optional file the repo doesn't have. */
export async function downloadFile(file: RemoteFile, options: FileDownloadOptions): Promise<FetchedFile | null> {
  const sleep = options.sleep ?? defaultSleep;
  const state = new ReceivedBytes(file, options);
  let contentType = 'application/octet-stream';
  let failuresWithoutProgress = 0;
  let lastFailure = '';
  // Progress is measured against the most ever held, so losing bytes to a restart isn't progress.
  let mostReceived = 0;
  try {
    while (failuresWithoutProgress < MAX_ATTEMPTS_WITHOUT_PROGRESS) {
      throwIfCancelled(options.signal);
      try {
        const outcome = await attempt(file, state, options);
        if (outcome === 'absent') return null;
        contentType = outcome.contentType;
        if (state.complete) break;
        throw new AttemptFailed(`got ${state.received} of ${state.listedSize} bytes`, true);
      } catch (error) {
        if (error instanceof SinkError) throw error.cause;
        if (options.signal.aborted) throw new DownloadCancelledError();
        if (!(error instanceof AttemptFailed)) throw error;
        if (!error.retry) throw new NetworkError(`Downloading "${file.path}" failed: ${error.reason}.`);
        await state.pause();
        lastFailure = error.reason;
        failuresWithoutProgress = state.received > mostReceived ? 1 : failuresWithoutProgress + 1;
        mostReceived = Math.max(mostReceived, state.received);
        if (failuresWithoutProgress >= MAX_ATTEMPTS_WITHOUT_PROGRESS) break;
        await sleep(backoffDelayMs(failuresWithoutProgress, options.random), options.signal).catch(() => {
          throw new DownloadCancelledError();
        });
      }
    }
    if (!state.complete) {
      throw new NetworkError(
        `Downloading "${file.path}" failed ${MAX_ATTEMPTS_WITHOUT_PROGRESS} times in a row (${lastFailure}). ` +
          'Check the connection and press Load to continue where it stopped.',
      );
    }
    await state.verify();
    await state.commit();
    return { size: state.received, contentType };
  } catch (error) {
    await state.discard(error);
    throw error;
  }
}

/** The bytes of one file received so far, across attempts, with their running hash and sink. */
class ReceivedBytes {
  received = 0;
  /** The size the listing gives, the only one a download is held to; null when it gives none. */
  readonly listedSize: number | null;
  /** What the current answer says the file's size is (its Content-Length or Content-Range total); null when it doesn't say. */
  announcedSize: number | null = null;
  /** The hash of this attempt's bytes so far, started with the first; null between attempts, and when the listing gives no sha256. */
  #hash: RunningHash | null = null;
  /** The hash's state at the last cut, which the next attempt continues, and how many bytes it covers. */
  #saved: { state: Uint8Array; bytes: number } | null = null;
  readonly #hashing: Sha256Hashing;
  #sink: FileSink | null = null;
  /** Set once the server has shown it sent everything it has. */
  #ended = false;

  constructor(private readonly file: RemoteFile, private readonly options: FileDownloadOptions) {
    this.listedSize = file.size;
    this.#hashing = options.hashing ?? sha256Hashing;
  }

  get complete(): boolean {
    return this.listedSize !== null ? this.received >= this.listedSize : this.#ended;
  }

  async append(chunk: Uint8Array, contentType: string): Promise<void> {
    // A copy goes to the hashing worker: the chunk itself is queued for the cache.
    if (this.file.sha256) this.#runningHash().update(chunk.slice());
    this.received += chunk.length;
    this.#sink ??= this.options.openSink(this.listedSize, contentType);
    this.options.onBytes(chunk.length);
    if (this.listedSize !== null && this.received > this.listedSize) {
      const announced = this.announcedSize !== null && this.announcedSize > this.listedSize ? this.announcedSize : null;
      throw new CorruptDownloadError(this.file.path, sizeMismatch(this.listedSize, announced === null ? 'sent more' : `announced ${announced}`));
    }
    if (this.listedSize === null && this.received > UNSIZED_FILE_LIMIT && !this.file.path.startsWith('onnx/')) {
      throw new FileTooLargeError(this.file.path, UNSIZED_FILE_LIMIT);
    }
    try {
      await this.#sink.write(chunk);
    } catch (error) {
      throw new SinkError(error);
    }
  }

  markEnded(): void {
    this.#ended = true;
  }

  /** The hash for the next bytes: a new one, or the one saved at the last cut, continued. */
  #runningHash(): RunningHash {
    if (this.#hash) return this.#hash;
    const saved = this.#saved;
    // The saved state must cover exactly the bytes held, or the digest would describe another file.
    if (saved && saved.bytes !== this.received) throw new CorruptDownloadError(this.file.path, `its hash covers ${saved.bytes} of the ${this.received} bytes held`);
    this.#saved = null;
    return (this.#hash = this.#hashing.start(saved?.state ?? null));
  }

  /** An attempt was cut: the hash of what arrived is kept as a state the next attempt continues. */
  async pause(): Promise<void> {
    const hash = this.#hash;
    if (!hash) return;
    this.#hash = null;
    const bytes = this.received;
    try {
      this.#saved = { state: await hash.save(), bytes };
    } finally {
      hash.drop();
    }
  }

  /** Throws away what arrived (the server ignored our Range, or sent a different range). */
  async restart(): Promise<void> {
    this.options.onBytes(-this.received);
    this.received = 0;
    this.#ended = false;
    this.#hash?.drop();
    this.#hash = null;
    this.#saved = null;
    const sink = this.#sink;
    this.#sink = null;
    await sink?.abort(new Error('restarted'));
  }

  async verify(): Promise<void> {
    const { file } = this;
    if (file.size !== null && this.received !== file.size) {
      throw new CorruptDownloadError(file.path, sizeMismatch(file.size, `sent ${this.received}`));
    }
    if (file.sha256) {
      const hash = this.#runningHash();
      this.#hash = null;
      const actual = await hash.digest();
      if (actual !== file.sha256.toLowerCase()) {
        throw new CorruptDownloadError(file.path, `sha256 ${actual.slice(0, 12)}… instead of ${file.sha256.slice(0, 12)}…`);
      }
    }
  }

  async commit(): Promise<void> {
    // An empty file never wrote a chunk, so its sink opens here.
    const sink = this.#sink ?? this.options.openSink(this.listedSize ?? 0, 'application/octet-stream');
    this.#sink = null;
    await sink.close();
  }

  async discard(reason: unknown): Promise<void> {
    this.#hash?.drop();
    this.#hash = null;
    this.#saved = null;
    const sink = this.#sink;
    this.#sink = null;
    await sink?.abort(reason).catch(() => {});
  }
}

async function attempt(
  file: RemoteFile,
  state: ReceivedBytes,
  options: FileDownloadOptions,
): Promise<{ contentType: string } | 'absent'> {
  const resumeFrom = state.received;
  const controller = new AbortController();
  const abortAttempt = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', abortAttempt, { once: true });
  const stall = new StallTimer(options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, () => controller.abort('stalled'));
  try {
    let response: Response;
    try {
      response = await options.fetch(file.url, {
        signal: controller.signal,
        // The HTTP cache and Range don't mix well, and the Cache API is our cache.
        cache: 'no-store',
        headers: resumeFrom > 0 ? { Range: `bytes=${resumeFrom}-` } : {},
      });
    } catch (error) {
      throw new AttemptFailed(controller.signal.reason === 'stalled' ? 'no data for too long' : `network error: ${String(error)}`, true);
    }
    stall.touch();
    const status = response.status;
    if (status === 404) {
      if (file.optional) return 'absent';
      throw new ModelFileMissingError(options.repoId, file.path);
    }
    if (status === 416 && resumeFrom > 0) {
      // Nothing past what we have: either we have it all already or the file is shorter than listed.
      if (state.listedSize !== null && resumeFrom === state.listedSize) return { contentType: contentTypeOf(response) };
      const total = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (total !== undefined && Number(total) === resumeFrom) {
        if (state.listedSize !== null) throw new CorruptDownloadError(file.path, sizeMismatch(state.listedSize, `has ${resumeFrom}`));
        // An unlisted file whose connection failed after its last byte: it is all here.
        state.markEnded();
        return { contentType: contentTypeOf(response) };
      }
      await state.restart();
      throw new AttemptFailed('the server refused the resume range', true);
    }
    if (!response.ok) throw new AttemptFailed(`the server answered ${status}`, isRetryableStatus(status));

    if (resumeFrom > 0 && !continuesAt(response, resumeFrom)) await state.restart();
    state.announcedSize = announcedSize(response);
    if (status === 200 && state.listedSize === null && state.announcedSize !== null && state.announcedSize > 0) {
      options.onAnnouncedSize?.(state.announcedSize);
    }
    if (!response.body) throw new AttemptFailed('the response had no body', true);

    const reader = response.body.getReader();
    const contentType = contentTypeOf(response);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stall.touch();
        await state.append(value, contentType);
      }
    } catch (error) {
      if (error instanceof CorruptDownloadError || error instanceof FileTooLargeError || error instanceof SinkError) {
        void reader.cancel().catch(() => {});
        throw error;
      }
      // Every listed byte is in (the server announced more than it sends): nothing was lost, and the checks decide.
      if (!(state.listedSize !== null && state.complete)) {
        throw new AttemptFailed(controller.signal.reason === 'stalled' ? 'no data for too long' : 'the connection dropped', true);
      }
    }
    state.markEnded();
    return { contentType };
  } finally {
    stall.clear();
    options.signal.removeEventListener('abort', abortAttempt);
  }
}

/**
 * The file's size as the answer gives it: a 206's Content-Range total, else Content-Length. A
 * visibly compressed answer gives none; one whose Content-Encoding is hidden (cross-origin) gives
 * its compressed length, which is why a download only ever quotes or shows it, never holds a file to it.
 */
export function announcedSize(response: Response): number | null {
  if (response.status === 206) {
    const total = /^bytes \d+-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
    return total === undefined ? null : Number(total);
  }
  const length = response.headers.get('content-length');
  if (length === null || response.headers.get('content-encoding')) return null;
  const bytes = Number(length);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : null;
}

/** "the hub listed 1000 bytes, the server has 900": the listing's size and what the server showed of its own. */
function sizeMismatch(listed: number, server: string): string {
  return `the hub listed ${listed} bytes, the server ${server}`;
}

/** True for a 206 whose Content-Range starts exactly where our bytes end. */
function continuesAt(response: Response, offset: number): boolean {
  if (response.status !== 206) return false;
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match !== null && Number(match[1]) === offset;
}

function contentTypeOf(response: Response): string {
  return response.headers.get('content-type') ?? 'application/octet-stream';
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new DownloadCancelledError();
}

class StallTimer {
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ms: number, private readonly onStall: () => void) {
    this.touch();
  }

  touch(): void {
    this.clear();
    this.#timer = setTimeout(this.onStall, this.ms);
  }

  clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
