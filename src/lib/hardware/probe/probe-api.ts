// The probe worker's API (workers/probe.worker.ts exposes it with comlink): runs the hardware
// probe on a backend when asked — never on its own — and keeps the result per device, so later
// visits predict speeds at once. One probe at a time: two would time each other.
import { BackendUnavailableError } from '../../engines/errors';
import type { Backend } from '../../engines/types';
import { type DeviceFacts, type ProbeCache, deviceKey } from './probe-cache';
import { type OrtLike, type ProbeOptions, type ProbeResult, runProbe } from './probe-runner';

export interface ProbeHost {
  /** onnxruntime configured for this realm (runtime files, threads); called once, on first use. */
  loadOrt(): Promise<OrtLike>;
  /**
   * The onnxruntime version this build ships, when known without loading it: then reading cached
   * results at start-up doesn't load the runtime.
   */
  ortVersion?: string;
  threads: number;
  userAgent: string;
  hardwareConcurrency: number;
  /** The WebGPU adapter's description, or null where there is no adapter. */
  adapter(): Promise<string | null>;
  cache: ProbeCache;
  /** Overrides for tests: smaller graphs, another execution provider. */
  probeOptions?: Partial<Pick<ProbeOptions, 'size' | 'executionProvider' | 'budgetMs'>>;
}

export interface ProbeRequest {
  /** Probe again even when a cached result exists (and replace it). */
  rerun?: boolean;
  /** Rough time to spend timing, in ms (default 3000). */
  budgetMs?: number;
}

export function createProbeApi(host: ProbeHost) {
  let ort: Promise<OrtLike> | null = null;
  const loadOrt = () => (ort ??= host.loadOrt());
  let queue: Promise<unknown> = Promise.resolve();

  async function facts(): Promise<DeviceFacts> {
    const versions = host.ortVersion ? { web: host.ortVersion } : ((await loadOrt()).env.versions ?? {});
    return {
      userAgent: host.userAgent,
      hardwareConcurrency: host.hardwareConcurrency,
      adapter: await host.adapter(),
      ortVersion: versions.web ?? versions.node ?? versions.common ?? 'unknown',
      threads: host.threads,
    };
  }

  async function probeNow(backend: Backend, request: ProbeRequest): Promise<ProbeResult> {
    const device = deviceKey(await facts());
    if (!request.rerun) {
      const hit = await host.cache.get(device, backend);
      if (hit) return hit;
    }
    if (backend === 'webgpu' && !(await host.adapter())) {
      throw new BackendUnavailableError('WebGPU has no adapter here, so there is nothing to probe on it.');
    }
    const result = await runProbe(await loadOrt(), {
      backend,
      threads: backend === 'wasm' ? host.threads : 1,
      ...host.probeOptions,
      ...(request.budgetMs ? { budgetMs: request.budgetMs } : {}),
    });
    await host.cache.put(device, result);
    return result;
  }

  return {
    /** Identifies this device for the prediction's learned corrections (see prediction-learning.ts). */
    async deviceKey(): Promise<string> {
      return deviceKey(await facts());
    },
    /** The stored probe for this device and backend, or null: never starts one. */
    async cached(backend: Backend): Promise<ProbeResult | null> {
      return host.cache.get(deviceKey(await facts()), backend);
    },
    /** The probe's numbers for `backend`: from the cache unless `rerun`, else timed now (a few seconds). */
    probe(backend: Backend, request: ProbeRequest = {}): Promise<ProbeResult> {
      const next = queue.then(() => probeNow(backend, request));
      queue = next.catch(() => undefined);
      return next;
    },
    async forget(backend: Backend): Promise<void> {
      await host.cache.delete(deviceKey(await facts()), backend);
    },
  };
}

export type ProbeApi = ReturnType<typeof createProbeApi>;
