// Probe results are kept per device: the same browser on the same machine with the same
// runtime build and thread count gets the cached numbers; anything else probes again. onnxruntime's
// and llama.cpp's probes are kept alike, each under its own key prefix.
import type { Backend } from '../../engines/types';
import type { KeyValueStore } from '../key-value-store';
import type { ProbeResult } from './probe-runner';

/** What makes two probes comparable. */
export interface DeviceFacts {
  userAgent: string;
  hardwareConcurrency: number;
  /** WebGPU adapter vendor / architecture / description, null without one. */
  adapter: string | null;
  ortVersion: string;
  threads: number;
}

/** Identifies this device (browser, cores, GPU, runtime build) for probes and learned corrections. */
export function deviceKey(facts: DeviceFacts): string {
  return [facts.userAgent, `cores=${facts.hardwareConcurrency}`, `gpu=${facts.adapter ?? 'none'}`, `ort=${facts.ortVersion}`, `threads=${facts.threads}`].join('|');
}

/** A probe older than this is taken again: browsers and drivers update. */
export const PROBE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** What the cache reads of a stored probe: the backend it is kept under and when it was taken. */
export interface StoredProbe {
  backend: Backend;
  /** ISO 8601. */
  takenAt: string;
}

export class ProbeCache<T extends StoredProbe = ProbeResult> {
  readonly #store: KeyValueStore;
  readonly #now: () => number;
  readonly #prefix: string;

  /** `prefix` starts every key: `probe` for onnxruntime's results, `llamacpp-probe` for llama.cpp's. */
  constructor(store: KeyValueStore, now: () => number = Date.now, prefix = 'probe') {
    this.#store = store;
    this.#now = now;
    this.#prefix = prefix;
  }

  #key(device: string, backend: Backend): string {
    return `${this.#prefix}|${backend}|${device}`;
  }

  async get(device: string, backend: Backend): Promise<T | null> {
    const hit = await this.#store.get<T>(this.#key(device, backend));
    if (!hit || this.#now() - Date.parse(hit.takenAt) > PROBE_MAX_AGE_MS) return null;
    return hit;
  }

  async put(device: string, result: T): Promise<void> {
    await this.#store.set(this.#key(device, result.backend), result);
  }

  async delete(device: string, backend: Backend): Promise<void> {
    await this.#store.delete(this.#key(device, backend));
  }
}
