// Streaming SHA-256 off the thread that writes to the cache. Downloads post each chunk to a
// hashing worker (workers/sha256.worker.ts) with its buffer transferred, and never wait for the
// hash until the file is complete: only the commit waits for the digest. One worker serves every
// download at once and goes away when it has been idle a while. Where no worker can be started
// (no nested workers, unit tests in node) the same jobs run on this thread.
import { workerGate } from '../../security/worker-gate';
import { Sha256Jobs, type HashReply, type HashRequest } from './sha256-jobs';

/** The hash of one file as its bytes arrive. */
export interface RunningHash {
  /** Hashes the chunk next. Takes its buffer: the caller must not touch it afterwards. */
  update(chunk: Uint8Array): void;
  /** The state after every chunk so far; `Sha256Hashing.start(state)` continues from it. */
  save(): Promise<Uint8Array>;
  /** Lower-case hex, the form the hub uses in `lfs.oid`. Ends the hash. */
  digest(): Promise<string>;
  /** Ends the hash without a result. */
  drop(): void;
}

/** What the hashing worker looks like from here (a Worker, or the same jobs run in place). */
export interface HashPort {
  postMessage(message: HashRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<HashReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** How long an idle hashing worker is kept for the next file. */
const IDLE_MS = 10_000;

export class Sha256Hashing {
  #port: HashPort | null = null;
  /** A worker failed: every later job runs on this thread. */
  #inPlace = false;
  #nextJob = 1;
  #nextReply = 1;
  #openJobs = 0;
  #pending = new Map<number, { resolve(reply: HashReply): void; reject(error: Error): void }>();
  /** Workers that failed, with why: their jobs can't finish. */
  #failed = new WeakMap<HashPort, Error>();
  #idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly startWorker: () => HashPort | null = startHashingWorker) {}

  start(state: Uint8Array | null = null): RunningHash {
    const job = this.#nextJob++;
    this.#openJobs++;
    this.#stopIdleTimer();
    const port = this.#openPort();
    port.postMessage({ type: 'start', job, state }, []);
    let open = true;
    const end = () => {
      if (!open) return false;
      open = false;
      if (--this.#openJobs === 0) this.#startIdleTimer();
      return true;
    };
    return {
      update: (chunk) => {
        if (open) port.postMessage({ type: 'update', job, chunk }, [chunk.buffer]);
      },
      save: async () => {
        if (!open) throw new Error('the hash has ended');
        const reply = await this.#ask(port, (id) => ({ type: 'save', job, reply: id }));
        if (!('state' in reply)) throw new Error('the hashing worker sent no state');
        return reply.state;
      },
      digest: async () => {
        if (!end()) throw new Error('the hash has ended');
        const reply = await this.#ask(port, (id) => ({ type: 'digest', job, reply: id }));
        if (!('digest' in reply)) throw new Error('the hashing worker sent no digest');
        return reply.digest;
      },
      drop: () => {
        if (end()) port.postMessage({ type: 'drop', job }, []);
      },
    };
  }

  #openPort(): HashPort {
    if (this.#port) return this.#port;
    let port = this.#inPlace ? null : this.startWorker();
    if (!port) {
      this.#inPlace = true;
      port = inPlacePort();
    }
    port.onmessage = (event) => this.#settle(event.data);
    port.onerror = (event) => this.#fail(port, new Error(`The hashing worker failed: ${event.message || 'it could not start'}.`));
    this.#port = port;
    return port;
  }

  #ask(port: HashPort, request: (id: number) => HashRequest): Promise<HashReply> {
    const failure = this.#failed.get(port);
    if (failure) return Promise.reject(failure);
    const id = this.#nextReply++;
    return new Promise<HashReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      port.postMessage(request(id), []);
    }).then((reply) => {
      if ('error' in reply) throw new Error(`Hashing failed: ${reply.error}.`);
      return reply;
    });
  }

  #settle(reply: HashReply): void {
    const waiting = this.#pending.get(reply.reply);
    this.#pending.delete(reply.reply);
    waiting?.resolve(reply);
  }

  /** The jobs on a failed worker are lost, and their downloads fail; later ones hash on this thread. */
  #fail(port: HashPort, error: Error): void {
    if (this.#port !== port) return;
    this.#failed.set(port, error);
    port.terminate();
    this.#port = null;
    this.#inPlace = true;
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }

  #startIdleTimer(): void {
    // Jobs run in place have no worker to give back.
    if (this.#inPlace) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      this.#port?.terminate();
      this.#port = null;
    }, IDLE_MS);
  }

  #stopIdleTimer(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}

/**
 * The hashing worker, or null where this realm can't start one. Downloads run in the inference
 * worker: the page's gate let that worker start and does not reach into its realm, and that worker's
 * own policy (worker-src 'self' blob:) bounds what it starts, as it does onnxruntime's thread
 * workers. Started from the page, the hashing worker asks the page's gate like every other worker.
 */
function startHashingWorker(): HashPort | null {
  if (typeof Worker === 'undefined') return null;
  if ('document' in globalThis) workerGate.assertAllowed('model');
  return new Worker(new URL('../../../../workers/sha256.worker.ts', import.meta.url), { type: 'module', name: 'sha256' }) as unknown as HashPort;
}

/** The same jobs on this thread, answering asynchronously as the worker would. */
function inPlacePort(): HashPort {
  const jobs = new Sha256Jobs();
  const port: HashPort = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => jobs.handle(message, (reply) => port.onmessage?.({ data: reply } as MessageEvent<HashReply>)),
    terminate: () => {},
  };
  return port;
}

/** Every download's hashing, one worker for all. */
export const sha256Hashing = new Sha256Hashing();
