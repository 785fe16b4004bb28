// Runs an answer's code in a fresh dedicated worker (workers/code-sandbox.worker.ts) and kills the
// worker when the time limit passes: an endless loop can't be interrupted any other way.
import type { SandboxReport, SandboxRequest, SandboxWorkerMessage } from './code-sandbox-protocol';
import { WorkerBlockedError, workerGate } from '../security/worker-gate';

/** How long the worker may take to start and lock itself down, apart from the code's own limit. */
const START_LIMIT_MS = 15_000;

export function createSandboxWorker(): Worker {
  workerGate.assertAllowed('sandbox');
  return new Worker(new URL('../../../workers/code-sandbox.worker.ts', import.meta.url), { type: 'module', name: 'code-sandbox' });
}

/**
 * One check in one worker. The time limit runs from handing the code over, so the worker's start
 * (a module fetch, usually from cache) doesn't count against the answer.
 */
export function runInSandbox(request: SandboxRequest, createWorker: () => Worker = createSandboxWorker): Promise<SandboxReport> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = createWorker();
    } catch (error) {
      // Without its own security policy the sandbox is not started (src/lib/security/worker-gate.ts).
      if (!(error instanceof WorkerBlockedError)) throw error;
      resolve({ kind: 'refused', message: error.message, elapsedMs: 0 });
      return;
    }
    let startedAt = 0;
    let timer: ReturnType<typeof setTimeout>;
    const elapsed = () => (startedAt ? performance.now() - startedAt : 0);
    const finish = (report: SandboxReport) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(report);
    };
    timer = setTimeout(() => finish({ kind: 'crashed', message: `the sandbox worker did not start within ${START_LIMIT_MS / 1000} s`, elapsedMs: 0 }), START_LIMIT_MS);
    worker.addEventListener('message', (event: MessageEvent<SandboxWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'ready') {
        clearTimeout(timer);
        worker.postMessage({ type: 'run', source: request.source, functionName: request.functionName, calls: request.calls });
        startedAt = performance.now();
        timer = setTimeout(() => finish({ kind: 'timeout', limitMs: request.timeLimitMs, elapsedMs: elapsed() }), request.timeLimitMs);
      } else if (message.type === 'refused') {
        finish({ kind: 'refused', message: message.message, elapsedMs: 0 });
      } else {
        finish({ ...message.outcome, elapsedMs: elapsed() });
      }
    });
    worker.addEventListener('error', (event) => {
      // Stops the browser from also logging it as the page's own uncaught error.
      event.preventDefault();
      const reason = event.message || 'no reason given';
      finish(
        startedAt
          ? { kind: 'crashed', message: `the code failed outside the tests: ${reason}`, elapsedMs: elapsed() }
          : { kind: 'crashed', message: `the sandbox worker could not start: ${reason}`, elapsedMs: 0 },
      );
    });
    worker.addEventListener('messageerror', () => finish({ kind: 'crashed', message: 'the sandbox returned a result that could not be read', elapsedMs: elapsed() }));
  });
}
