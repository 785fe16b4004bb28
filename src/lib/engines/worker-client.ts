// Starts one inference worker and notices when it dies. A dead worker never answers, so
// liveness is tracked with a Web Lock the worker holds for its whole life: when the main thread
// is granted the same lock, the worker is gone.
import { releaseProxy, wrap, type Remote } from 'comlink';
import type { InferenceApi } from './inference-api';

/** A running inference worker as ModelWorker sees it. */
export interface InferenceEndpoint {
  api: Remote<InferenceApi>;
  /** Ends the worker at once, even mid-computation; onExit is not called for it. */
  terminate(): void;
}

/** Starts a worker; `onExit` is called once if it ends by itself (crash, out of memory, killed). */
export type StartInferenceWorker = (onExit: (reason: string) => void) => Promise<InferenceEndpoint>;

type Locks = Pick<LockManager, 'request'>;

let nextWorkerId = 0;

export function inferenceWorkerStarter(createWorker: () => Worker, locks?: Locks): StartInferenceWorker {
  return async (onExit) => {
    const worker = createWorker();
    const lockName = `inference-worker-alive-${nextWorkerId++}-${Math.random().toString(36).slice(2)}`;
    const api = wrap<InferenceApi>(worker);
    let ended = false;
    const end = (reason: string | null) => {
      if (ended) return;
      ended = true;
      api[releaseProxy]();
      worker.terminate();
      if (reason !== null) onExit(reason);
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      end(`the inference worker failed: ${event.message || 'unknown error'}`);
    });
    // The worker takes the lock first (it answers holdLifeLock only once it holds it), then we queue for it.
    await api.holdLifeLock(lockName);
    void (locks ?? navigator.locks).request(lockName, () => end('the inference worker stopped unexpectedly'));
    return { api, terminate: () => end(null) };
  };
}
