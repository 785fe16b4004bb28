// llama.cpp probe results are kept per device, like onnxruntime's (probe-cache.ts): the same
// device key (browser, cores, GPU, threads) and the same wllama release get the stored numbers.
import type { Backend } from '../../engines/types';
import type { KeyValueStore } from '../key-value-store';
import { PROBE_MAX_AGE_MS } from './probe-cache';
import type { LlamaCppProbeResult } from './llamacpp-probe-runner';

export class LlamaCppProbeCache {
  readonly #store: KeyValueStore;
  readonly #now: () => number;

  constructor(store: KeyValueStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  #key(device: string, backend: Backend, wllamaVersion: string): string {
    return `llamacpp-probe|${backend}|wllama=${wllamaVersion}|${device}`;
  }

  async get(device: string, backend: Backend, wllamaVersion: string): Promise<LlamaCppProbeResult | null> {
    const hit = await this.#store.get<LlamaCppProbeResult>(this.#key(device, backend, wllamaVersion));
    if (!hit || this.#now() - Date.parse(hit.takenAt) > PROBE_MAX_AGE_MS) return null;
    return hit;
  }

  async put(device: string, result: LlamaCppProbeResult): Promise<void> {
    await this.#store.set(this.#key(device, result.backend, result.wllamaVersion), result);
  }
}
