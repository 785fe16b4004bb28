// Probe results are kept per device: the same browser on the same machine with the same
// onnxruntime build and thread count gets the cached numbers; anything else probes again.
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

export class ProbeCache {
  readonly #store: KeyValueStore;
  readonly #now: () => number;

  constructor(store: KeyValueStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  #key(device: string, backend: Backend): string {
    return `probe|${backend}|${device}`;
  }

  async get(device: string, backend: Backend): Promise<ProbeResult | null> {
    const hit = await this.#store.get<ProbeResult>(this.#key(device, backend));
    if (!hit || this.#now() - Date.parse(hit.takenAt) > PROBE_MAX_AGE_MS) return null;
    return hit;
  }

  async put(device: string, result: ProbeResult): Promise<void> {
    await this.#store.set(this.#key(device, result.backend), result);
  }

  async delete(device: string, backend: Backend): Promise<void> {
    await this.#store.delete(this.#key(device, backend));
  }
}
