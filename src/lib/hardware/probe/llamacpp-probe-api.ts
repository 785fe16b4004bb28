// The llama.cpp probe worker's API (workers/llamacpp-probe.worker.ts exposes it with comlink):
// times wllama on the probe models when asked, one probe at a time. The page keeps the results
// (probe-cache.ts) and ends the worker afterwards, so llama.cpp's memory goes with it.
import { BackendUnavailableError } from '../../engines/errors';
import type { Backend } from '../../engines/types';
import { type LlamaCppProbeResult, type WllamaLike, runLlamaCppProbe } from './llamacpp-probe-runner';

export interface LlamaCppProbeHost {
  /** A fresh wllama on this origin's WebAssembly (one per probe model: each load ends with `exit`). */
  createWllama(): Promise<() => WllamaLike>;
  wllamaVersion: string;
  /** Whether WebGPU offers an adapter here. */
  hasAdapter(): Promise<boolean>;
}

export function createLlamaCppProbeApi(host: LlamaCppProbeHost) {
  let queue: Promise<unknown> = Promise.resolve();

  async function probeNow(backend: Backend, threads: number): Promise<LlamaCppProbeResult> {
    if (backend === 'webgpu' && !(await host.hasAdapter())) {
      throw new BackendUnavailableError('WebGPU has no adapter here, so llama.cpp has nothing to probe on it.');
    }
    return runLlamaCppProbe(await host.createWllama(), { backend, threads: backend === 'wasm' ? threads : 1, wllamaVersion: host.wllamaVersion });
  }

  return {
    /** Times llama.cpp on `backend` now (a few seconds): `threads` as the engine would load a model with. */
    probe(backend: Backend, threads: number): Promise<LlamaCppProbeResult> {
      const next = queue.then(() => probeNow(backend, threads));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

export type LlamaCppProbeApi = ReturnType<typeof createLlamaCppProbeApi>;
