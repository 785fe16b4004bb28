// Owns one inference worker: starts it, wraps it with comlink, notices when it dies and can
// replace it. A dead worker never answers, so liveness is tracked with a Web Lock the worker
// holds for its whole life: when the main thread is granted the same lock, the worker is gone.
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { InferenceApi } from './inference-api';
import type { EngineEventHandler } from './types';

export type WorkerFactory = () => Worker;

export interface WorkerClientHooks {
  /** The worker ended without being asked to (crash, out of memory, killed). */
  onUnexpectedExit(reason: string): void;
}

let nextWorkerId = 0;

export class InferenceWorkerClient {
  #worker: Worker | null = null;
  #api: Remote<InferenceApi> | null = null;
  #lockName = '';
  #expectedExit = false;

  constructor(
    private readonly createWorker: WorkerFactory,
    private readonly hooks: WorkerClientHooks,
  ) {}

  /** The typed worker API, starting a worker if none is running. */
  async api(): Promise<Remote<InferenceApi>> {
    if (this.#api) return this.#api;
    const worker = this.createWorker();
    const lockName = `inference-worker-alive-${nextWorkerId++}-${Math.random().toString(36).slice(2)}`;
    this.#worker = worker;
    this.#lockName = lockName;
    this.#expectedExit = false;
    this.#api = wrap<InferenceApi>(worker);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#died(`the inference worker failed: ${event.message || 'unknown error'}`);
    });
    // The worker takes the lock first (it answers holdLifeLock only once it holds it), then we queue for it.
    await this.#api.holdLifeLock(lockName);
    void navigator.locks.request(lockName, () => {
      if (this.#lockName === lockName && !this.#expectedExit) this.#died('the inference worker stopped unexpectedly');
    });
    return this.#api;
  }

  /** Forwards engine events; the callback must cross the thread boundary as a proxy. */
  events(handler: EngineEventHandler): EngineEventHandler {
    return proxy(handler);
  }

  get running(): boolean {
    return this.#worker !== null;
  }

  /** Ends the worker at once, even mid-computation. The next api() call starts a fresh one. */
  terminate(): void {
    this.#expectedExit = true;
    this.#api?.[releaseProxy]();
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
    this.#lockName = '';
  }

  #died(reason: string): void {
    if (this.#expectedExit || !this.#worker) return;
    this.terminate();
    this.hooks.onUnexpectedExit(reason);
  }
}
