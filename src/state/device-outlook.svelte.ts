// The device outlook: this device's probe results (onnxruntime's timed in the probe worker,
// llama.cpp's in a worker of its own; both cached per device), what earlier runs here taught the
// prediction, and the speeds measured here — everything the Models view and the model details need.
import { wrap, type Remote } from 'comlink';
import type { ProbeApi } from '../lib/hardware/probe/probe-api';
import type { ProbeResult } from '../lib/hardware/probe/probe-runner';
import type { LlamaCppProbeApi } from '../lib/hardware/probe/llamacpp-probe-api';
import { ProbeCache } from '../lib/hardware/probe/probe-cache';
import type { LlamaCppProbeResult } from '../lib/hardware/probe/llamacpp-probe-runner';
import { PredictionLearning, type Correction, type LearningKey } from '../lib/hardware/prediction-learning';
import { indexedDbStore, type KeyValueStore } from '../lib/hardware/key-value-store';
import { CATALOG_SHAPES, type ModelShape } from '../lib/hardware/model-shapes';
import { catalogShape, outlookModelOf, outlookRow, predictRaw, type OutlookEngine, type OutlookModel, type OutlookRow } from '../lib/hardware/device-outlook';
import { deviceBudgetFromReport } from '../lib/hardware/fit-verdict';
import type { HardwareReport } from '../lib/hardware/hardware-report';
import { chooseWasmThreads, type DeviceCapabilities } from '../lib/engines/backend-selection';
import type { Backend, Dtype, GenerationMetrics, RuntimeInfo } from '../lib/engines/types';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import { ALL_MODELS, findCatalogEntry } from '../lib/models/catalog';
import { workerGate } from '../lib/security/worker-gate';
// The wllama release the app runs GGUF models with: a new one is probed again.
import { dependencies } from '../../package.json';

const BACKENDS: Backend[] = ['wasm', 'webgpu'];
const DTYPES: Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
const ENGINES: readonly OutlookEngine[] = ['transformers', 'webllm', 'llamacpp'];
/** Shorter answers measure decode too coarsely to learn from. */
const MIN_TOKENS_TO_LEARN = 8;

export type ProbeStatus = 'idle' | 'probing' | 'ready' | 'error';

/** The model that just answered, as the outlook needs it. */
export interface FinishedRun {
  repoId: string;
  engine: OutlookEngine;
  runtime: RuntimeInfo;
  metrics: GenerationMetrics;
}

export class DeviceOutlook {
  probes = $state.raw<Partial<Record<Backend, ProbeResult>>>({});
  /** llama.cpp's own probe per backend (GGUF builds are predicted from it). */
  llamaCppProbes = $state.raw<Partial<Record<Backend, LlamaCppProbeResult>>>({});
  status = $state<ProbeStatus>('idle');
  /** The backend being probed right now. */
  probing = $state<Backend | null>(null);
  error = $state.raw<ErrorSummary | null>(null);
  corrections = $state.raw<Record<string, Correction>>({});
  /** Last decode tok/s measured here, by `repoId|backend|dtype`. */
  measured = $state.raw<Record<string, number>>({});
  /** Models outside the catalog that ran here (a custom id, a folder, a mirror's own models). */
  extraModels = $state.raw<OutlookModel[]>([]);

  #api: Remote<ProbeApi> | null = null;
  #device: Promise<string> | null = null;
  readonly #learning: PredictionLearning;
  readonly #llamaCppCache: ProbeCache<LlamaCppProbeResult>;

  constructor(
    private readonly createWorker: () => Worker = defaultProbeWorker,
    store: KeyValueStore = indexedDbStore('playground-learning'),
    private readonly createLlamaCppWorker: () => Worker = defaultLlamaCppProbeWorker,
    probeStore: KeyValueStore = indexedDbStore('playground-probe'),
  ) {
    this.#learning = new PredictionLearning(store);
    this.#llamaCppCache = new ProbeCache(probeStore, Date.now, 'llamacpp-probe');
  }

  /** Reads what earlier visits stored (probes, learned corrections) without timing anything. */
  async init(caps: DeviceCapabilities): Promise<void> {
    try {
      const api = this.#probeApi();
      const cached: Partial<Record<Backend, ProbeResult>> = {};
      for (const backend of this.#backends(caps)) {
        const hit = await api.cached(backend);
        if (hit) cached[backend] = hit;
      }
      this.probes = cached;
      const device = await this.#llamaCppDeviceKey();
      const llamaCpp: Partial<Record<Backend, LlamaCppProbeResult>> = {};
      for (const backend of this.#backends(caps)) {
        const hit = await this.#llamaCppCache.get(device, backend);
        if (hit) llamaCpp[backend] = hit;
      }
      this.llamaCppProbes = llamaCpp;
      if (Object.keys(cached).length > 0) this.status = 'ready';
      await this.#reloadLearning();
    } catch (error) {
      this.error = summarizeError(error);
    }
  }

  /** Times this device (15–60 s per backend); `rerun` replaces stored results. */
  async measure(caps: DeviceCapabilities, rerun = false): Promise<void> {
    if (this.status === 'probing') return;
    this.status = 'probing';
    this.error = null;
    try {
      const api = this.#probeApi();
      for (const backend of this.#backends(caps)) {
        this.probing = backend;
        const result = await api.probe(backend, { rerun });
        this.probes = { ...this.probes, [backend]: result };
      }
      await this.#measureLlamaCpp(caps, rerun);
      this.status = 'ready';
    } catch (error) {
      this.error = summarizeError(error);
      this.status = 'error';
    } finally {
      this.probing = null;
    }
  }

  /**
   * Times llama.cpp on each backend (a few seconds each) in a worker started for it and ended after,
   * so llama.cpp's memory goes with it. A failure doesn't fail the measurement: onnxruntime's predictions stand.
   */
  async #measureLlamaCpp(caps: DeviceCapabilities, rerun: boolean): Promise<void> {
    const device = await this.#llamaCppDeviceKey();
    let worker: Worker | null = null;
    try {
      for (const backend of this.#backends(caps)) {
        // What `init` read from the store stands unless asked to measure again.
        if (!rerun && this.llamaCppProbes[backend]) continue;
        this.probing = backend;
        worker ??= this.createLlamaCppWorker();
        const result = await wrap<LlamaCppProbeApi>(worker).probe(backend, chooseWasmThreads(caps).value);
        await this.#llamaCppCache.put(device, result);
        this.llamaCppProbes = { ...this.llamaCppProbes, [backend]: result };
      }
    } catch (error) {
      const summary = summarizeError(error);
      // Shown where the probe's errors are: onnxruntime's predictions stand, the GGUF builds get none.
      this.error = { name: summary.name, message: `llama.cpp couldn't be timed here, so the GGUF builds have no predicted speed: ${summary.message}` };
    } finally {
      worker?.terminate();
    }
  }

  rows(caps: DeviceCapabilities, report: HardwareReport | null): OutlookRow[] {
    if (!report) return [];
    const input = {
      caps,
      budget: deviceBudgetFromReport(report),
      probes: this.probes,
      llamaCppProbes: this.llamaCppProbes,
      correction: (engine: OutlookEngine, backend: Backend, dtype: Dtype) =>
        this.corrections[correctionKey(engine, backend, dtype)] ?? { factor: 1, runs: 0 },
      measured: (repoId: string, backend: Backend, dtype: Dtype) => this.measured[measuredKey(repoId, backend, dtype)] ?? null,
    };
    const catalog = ALL_MODELS.map((entry) => outlookModelOf(entry, caps));
    return [...catalog, ...this.extraModels].map((model) => outlookRow(model, input));
  }

  /**
   * Learns from an answer: measured decode speed against what the probe predicts for the model
   * that gave it. Needs a probe of that backend; without one there is nothing to compare.
   */
  async recordRun(run: FinishedRun): Promise<void> {
    const { runtime, metrics } = run;
    if (metrics.generatedTokens < MIN_TOKENS_TO_LEARN || metrics.decodeTokensPerSecond <= 0) return;
    const shape = this.#shapeOf(run);
    if (shape && !findCatalogEntry(run.repoId) && !this.extraModels.some((m) => m.repoId === run.repoId)) {
      this.extraModels = [
        ...this.extraModels,
        {
          repoId: run.repoId,
          label: run.repoId,
          engine: run.engine,
          shape,
          dtypes: { wasm: [], webgpu: [] },
          ranWith: { backend: runtime.backend, dtype: runtime.dtype },
        },
      ];
    }
    if (!shape) return;
    const predicted = predictRaw(run.engine, shape, runtime.dtype, runtime.backend, { probes: this.probes, llamaCppProbes: this.llamaCppProbes }, metrics.promptTokens + metrics.generatedTokens / 2);
    if (!predicted) return;
    await this.#learning.record(await this.#learningKey(run.engine, runtime.backend, runtime.dtype), predicted.tokensPerSecond, metrics.decodeTokensPerSecond, run.repoId);
    await this.#reloadLearning();
  }

  #shapeOf(run: FinishedRun): ModelShape | null {
    if (run.runtime.shape) return run.runtime.shape;
    const entry = findCatalogEntry(run.repoId);
    return entry ? catalogShape(entry) : (CATALOG_SHAPES[run.repoId] ?? null);
  }

  async #reloadLearning(): Promise<void> {
    const corrections: Record<string, Correction> = {};
    const measured: Record<string, number> = {};
    for (const engine of ENGINES) {
      for (const backend of BACKENDS) {
        for (const dtype of DTYPES) {
          const key = await this.#learningKey(engine, backend, dtype);
          const runs = await this.#learning.runs(key);
          if (runs.length === 0) continue;
          corrections[correctionKey(engine, backend, dtype)] = await this.#learning.correction(key);
          // Oldest first: the last one written per model wins.
          for (const run of runs) if (run.repoId) measured[measuredKey(run.repoId, backend, dtype)] = run.measured;
        }
      }
    }
    this.corrections = corrections;
    this.measured = measured;
  }

  /**
   * WebLLM's and llama.cpp's kernels are not onnxruntime's: their corrections are learned apart.
   * llama.cpp's are ratios to its own probe's predictions (`probe=llamacpp`), not to the
   * onnxruntime-based ones runs were once compared with.
   */
  async #learningKey(engine: OutlookEngine, backend: Backend, dtype: Dtype): Promise<LearningKey> {
    const device = await this.#deviceKey();
    const apart = engine === 'llamacpp' ? `|engine=llamacpp|probe=llamacpp` : `|engine=${engine}`;
    return { device: engine === 'transformers' ? device : `${device}${apart}`, backend, dtype };
  }

  #deviceKey(): Promise<string> {
    return (this.#device ??= this.#probeApi().deviceKey());
  }

  /** llama.cpp's probes are kept per device and wllama release, as onnxruntime's are per device and onnxruntime build. */
  async #llamaCppDeviceKey(): Promise<string> {
    return `wllama=${WLLAMA_VERSION}|${await this.#deviceKey()}`;
  }

  #backends(caps: DeviceCapabilities): Backend[] {
    return caps.webgpu.available ? ['wasm', 'webgpu'] : ['wasm'];
  }

  #probeApi(): Remote<ProbeApi> {
    return (this.#api ??= wrap<ProbeApi>(this.createWorker()));
  }
}

function correctionKey(engine: OutlookEngine, backend: Backend, dtype: Dtype): string {
  return `${engine}|${backend}|${dtype}`;
}

function measuredKey(repoId: string, backend: Backend, dtype: Dtype): string {
  return `${repoId}|${backend}|${dtype}`;
}

const WLLAMA_VERSION = dependencies['@wllama/wllama'];

function defaultLlamaCppProbeWorker(): Worker {
  workerGate.assertAllowed('probe');
  return new Worker(new URL('../../workers/llamacpp-probe.worker.ts', import.meta.url), { type: 'module', name: 'llamacpp-probe' });
}

function defaultProbeWorker(): Worker {
  workerGate.assertAllowed('probe');
  return new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module', name: 'probe' });
}
