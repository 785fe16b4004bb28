// The head of a GGUF file still on the hub, read with Range requests so an architecture llama.cpp
// can't run is refused before a multi-gigabyte download starts. The hub answers a resolve URL with
// a redirect to its CDN, which fetch follows with the Range header kept. A server that ignores
// Range answers 200 with the whole file: only the bytes the reader needs are taken from that body
// and the rest is cancelled, so the file is never fetched in full.
import { type GgufHeadSource, readGgufArchitecture } from './gguf-reader';
import { architectureRefusal } from './gguf-model-info';
import { GgufError, GgufFormatError, GgufUnsupportedArchitectureError } from './gguf-errors';
import { announcedSize } from '../download/file-download';

/** The server could not be asked (offline, an error status): the download that follows reports it. */
class GgufHeadUnavailableError extends Error {
  override name = 'GgufHeadUnavailableError';
}

/** Reads bytes from the start of `url`: Range requests while the server honours them, else one body read as far as needed. */
class RemoteHead implements GgufHeadSource {
  size: number | null = null;
  #bytes = new Uint8Array(0);
  /** Set once the server answered 200: the rest of the file comes from this body, as far as it is read. */
  #body: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #ended = false;
  /** Body bytes the server sent; for a server that ignored Range, more than the reader needed can't have been taken. */
  received = 0;

  constructor(
    private readonly url: string,
    private readonly doFetch: typeof fetch,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async read(end: number): Promise<Uint8Array> {
    if (this.#bytes.byteLength < end && !this.#ended) {
      if (this.#body) await this.#readBody(end);
      else await this.#fetchRange(this.#bytes.byteLength, end);
    }
    return this.#bytes.subarray(0, Math.min(end, this.#bytes.byteLength));
  }

  async #fetchRange(start: number, end: number): Promise<void> {
    let response: Response;
    try {
      response = await this.doFetch(this.url, { headers: { Range: `bytes=${start}-${end - 1}` }, signal: this.signal });
    } catch (error) {
      throw new GgufHeadUnavailableError(`Could not read the head of ${this.url}: ${String(error)}`);
    }
    if (response.status === 416) {
      // Asked past the end: the file ends where the bytes in hand do.
      await response.body?.cancel();
      this.#ended = true;
      return;
    }
    if (response.status === 200) {
      // Range ignored: the body is the whole file from byte 0. Take it from there, and only as far as needed.
      this.size = announcedSize(response);
      this.#bytes = new Uint8Array(0);
      if (!response.body) throw new GgufHeadUnavailableError(`${this.url} answered with no body.`);
      this.#body = response.body.getReader();
      await this.#readBody(end);
      return;
    }
    if (response.status !== 206) {
      await response.body?.cancel();
      throw new GgufHeadUnavailableError(`${this.url} answered ${response.status} to a request for its head.`);
    }
    this.size = announcedSize(response) ?? this.size;
    const chunk = new Uint8Array(await response.arrayBuffer());
    this.received += chunk.byteLength;
    this.#append(chunk);
    if (chunk.byteLength < end - start || (this.size !== null && this.#bytes.byteLength >= this.size)) this.#ended = true;
  }

  async #readBody(end: number): Promise<void> {
    while (this.#bytes.byteLength < end) {
      const { done, value } = await this.#body!.read();
      if (done) {
        this.#ended = true;
        this.size = this.#bytes.byteLength;
        return;
      }
      this.received += value.byteLength;
      this.#append(value);
    }
  }

  #append(chunk: Uint8Array): void {
    const next = new Uint8Array(this.#bytes.byteLength + chunk.byteLength);
    next.set(this.#bytes);
    next.set(chunk, this.#bytes.byteLength);
    this.#bytes = next;
  }

  /** Stops a body read from a server that ignored Range: the rest of the file is not wanted. */
  async close(): Promise<void> {
    const body = this.#body;
    this.#body = null;
    await body?.cancel().catch(() => undefined);
  }
}

export interface RemoteArchitecture {
  /** `general.architecture`, or null for a file that carries none. */
  architecture: string | null;
  /** Body bytes taken from the server to learn it. */
  receivedBytes: number;
}

/** `general.architecture` of the GGUF file at `url`, from as few of its first bytes as hold it. */
export async function fetchGgufArchitecture(url: string, options: { fetch?: typeof fetch; signal?: AbortSignal } = {}): Promise<RemoteArchitecture> {
  const head = new RemoteHead(url, options.fetch ?? fetch.bind(globalThis), options.signal);
  try {
    return { architecture: await readGgufArchitecture(head), receivedBytes: head.received };
  } finally {
    await head.close();
  }
}

/**
 * Refuses, with GgufUnsupportedArchitectureError, the GGUF file at `url` when its architecture is
 * not one the bundled llama.cpp runs; any other GGUF error (not a GGUF file, a damaged head) is
 * thrown too. Resolves when it runs, and when the server couldn't be asked: the download says why.
 */
export async function assertRemoteGgufRunnable(url: string, options: { fetch?: typeof fetch; signal?: AbortSignal } = {}): Promise<void> {
  let architecture: string | null;
  try {
    ({ architecture } = await fetchGgufArchitecture(url, options));
  } catch (error) {
    // What the bytes say is refused here; a server that couldn't be read (offline, an error status,
    // a connection cut, a timeout) is left to the download, which retries and says why.
    if (error instanceof GgufError) throw error;
    return;
  }
  if (architecture === null) throw new GgufFormatError('The GGUF file has no general.architecture, so no engine can tell what model it holds.');
  const reason = architectureRefusal(architecture);
  if (reason !== null) throw new GgufUnsupportedArchitectureError(architecture, reason);
}
