// The loaded model and its worker: inspection, backend/dtype choice, loading with progress,
// answering, stopping, crashes. Every view asks its model through answer() and stop(); the
// worker mechanics live in ModelWorker (src/lib/engines/model-worker.ts).
import { ModelWorker, type AnswerOptions, type ProgressEvent } from '../lib/engines/model-worker';
import { inferenceWorkerStarter, type StartInferenceWorker } from '../lib/engines/worker-client';
import {
  chooseBackend,
  chooseDtype,
  chooseWasmThreads,
  type Choice,
  type DeviceCapabilities,
} from '../lib/engines/backend-selection';
import type {
  Backend,
  ChatMessage,
  Dtype,
  EngineKind,
  GenerationParams,
  GenerationResult,
  LoadMetrics,
  LoadOptions,
  LoadResult,
  ModelRef,
  RuntimeInfo,
  TopTokens,
} from '../lib/engines/types';
import {
  BackendUnavailableError,
  GPU_LOSS_ERRORS,
  HubNotAllowedError,
  LoadCancelledError,
  ModelNotLoadedError,
  summarizeError,
  type ErrorSummary,
} from '../lib/engines/errors';
import { findCatalogEntry, type LlamaCppCatalogEntry, type WebLLMCatalogEntry } from '../lib/models/catalog';
import { namesGgufRepo, planGgufLoad } from '../lib/models/gguf/gguf-lookup';
import { ModelStore } from '../lib/models/model-store';
import { webGpuFailureWorthFallback, webllmUnavailableReason } from '../lib/engines/backend-fallback';
import type { EngineChoice } from '../lib/engines/engine-choice';
import { detectCapabilities } from '../lib/hardware/capabilities';
import type { ModelInspection } from '../lib/models/model-inspection';
import { InspectionLookups } from '../lib/models/inspection-lookups';
import type { Settings } from './settings.svelte';
import { announceModelReady } from './model-ready-events';
import { hubPolicyProblem } from '../lib/security/allowed-hubs';
import { workerGate } from '../lib/security/worker-gate';
import { ortOverridesFromQuery } from '../lib/engines/transformers/ort-setup';

export type LoadStatus = 'idle' | 'inspecting' | 'loading' | 'ready' | 'error';

export interface LoadDecision {
  backend: Choice<Backend>;
  dtype: Choice<Dtype>;
  threads: Choice<number>;
}

const REVISION = 'main';

export interface LoadRequest {
  repoId: string;
  hub: string;
  backendOverride: Backend | null;
  dtypeOverride: Dtype | null;
  /** Why this build of the model was picked among its engines (see engine-choice.ts); absent for a build named outright. */
  engineReason?: string;
}

export class ModelSession {
  status = $state<LoadStatus>('idle');
  capabilities = $state.raw<DeviceCapabilities | null>(null);
  inspection = $state.raw<ModelInspection | null>(null);
  decision = $state.raw<LoadDecision | null>(null);
  /** The engine the last load runs on, and why, when it was chosen among a model's builds. */
  engine = $state.raw<Choice<EngineKind> | null>(null);
  progress = $state.raw<ProgressEvent | null>(null);
  runtime = $state.raw<RuntimeInfo | null>(null);
  loadMetrics = $state.raw<LoadMetrics | null>(null);
  loadedModelId = $state<string | null>(null);
  error = $state.raw<ErrorSummary | null>(null);
  /** A one-line notice about something that happened to the worker (crash, hard stop). */
  notice = $state<string | null>(null);
  /** Set when WebGPU failed and the model was loaded on WASM instead: what failed, in words. */
  fallback = $state<string | null>(null);
  /** Cancel was pressed and the load is winding down (a download gets a moment to stop by itself). */
  cancelling = $state(false);

  #worker: ModelWorker;
  /** The engine the next worker is started for: GGUF models run in a worker of their own. */
  #workerEngine: EngineKind = 'transformers';
  #lastRequest = $state.raw<LoadRequest | null>(null);
  #loadSeq = 0;

  constructor(
    private readonly settings: Settings,
    private readonly lookups: InspectionLookups = new InspectionLookups(),
    startWorker: StartInferenceWorker = inferenceWorkerStarter(() => defaultWorker(this.#workerEngine)),
  ) {
    this.#worker = new ModelWorker(startWorker, {
      onLost: (error) => this.#workerLost(error),
    });
  }

  get ready(): boolean {
    return this.status === 'ready';
  }

  /** The model the last load asked for, whether it loaded or not. */
  get requestedModelId(): string | null {
    return this.#lastRequest?.repoId ?? null;
  }

  async detect(): Promise<DeviceCapabilities> {
    this.capabilities ??= await detectCapabilities();
    return this.capabilities;
  }

  /** What the device's probes measured per backend: from then on Auto follows the faster one. */
  useProbedSpeeds(speeds: DeviceCapabilities['probedSpeeds']): void {
    const caps = this.capabilities;
    if (!caps || caps.probedSpeeds === speeds) return;
    this.capabilities = { ...caps, probedSpeeds: speeds };
  }

  /**
   * Loads the model the settings name (an imported folder model from its local address), or the
   * build of it the engine choice picked, with the reason it was picked.
   */
  load(choice: EngineChoice | null = null): Promise<void> {
    const repoId = choice?.variant.repoId ?? this.settings.modelId.trim();
    return this.#load({
      repoId,
      hub: this.settings.hubFor(repoId),
      backendOverride: this.settings.backendOverride,
      dtypeOverride: this.settings.dtypeOverride,
      ...(choice ? { engineReason: choice.reason } : {}),
    });
  }

  /**
   * Loads a model named here rather than in the settings: the benchmark, the scorecard and
   * side-by-side panes each drive their own session (and worker) this way.
   */
  loadModel(request: LoadRequest): Promise<void> {
    return this.#load({ ...request, repoId: request.repoId.trim() });
  }

  /** Ends this session's worker for good (a side-by-side pane closed, a benchmark case done). */
  dispose(): void {
    this.#loadSeq++;
    this.#worker.terminate();
    this.status = 'idle';
    this.runtime = null;
    this.loadedModelId = null;
    this.progress = null;
  }

  async #load(request: LoadRequest): Promise<void> {
    const seq = ++this.#loadSeq;
    this.#lastRequest = request;
    this.#resetForLoad();
    // Refused before any lookup or worker starts: a deep link (?hub=…&model=…&preset=…) must not
    // reach a host the build doesn't allow, whichever engine would have fetched from it.
    const refusal = hubPolicyProblem(request.hub);
    if (refusal) {
      this.#failed(new HubNotAllowedError(`Nothing was downloaded. ${refusal}`));
      return;
    }
    await this.#endPreviousWorker();
    if (seq !== this.#loadSeq) return;
    const entry = findCatalogEntry(request.repoId);
    this.#workerEngine = entry?.engine ?? (namesGgufRepo(request.repoId) ? 'llamacpp' : 'transformers');
    this.engine = request.engineReason ? { value: this.#workerEngine, reason: request.engineReason } : null;
    if (entry?.engine === 'webllm') return this.#loadWebLLM(seq, request, entry);
    if (this.#workerEngine === 'llamacpp') return this.#loadLlamaCpp(seq, request, entry?.engine === 'llamacpp' ? entry : null);
    return this.#loadTransformers(seq, request);
  }

  /**
   * Every load runs in a worker of its own. WASM memory grows but never shrinks, so a worker that
   * held one model keeps its high-water mark for the next; only ending the worker gives that memory
   * back, and the same model loaded again in the old worker would stand on the old high-water mark.
   * A load still in flight there is cancelled first (a download gets its moment to stop by itself),
   * then the worker ends, one still starting included; the old model goes with it.
   */
  async #endPreviousWorker(): Promise<void> {
    await this.#worker.cancelLoad();
    this.#worker.terminate();
  }

  async #loadTransformers(seq: number, request: LoadRequest): Promise<void> {
    const { repoId, hub } = request;
    try {
      const caps = await this.detect();
      const inspection = await this.lookups.get(repoId, hub);
      if (seq !== this.#loadSeq) return;
      this.inspection = inspection;
      const backend = chooseBackend(caps, request.backendOverride);
      const decision: LoadDecision = {
        backend,
        dtype: chooseDtype(backend.value, caps, inspection.dtypes, request.dtypeOverride),
        threads: chooseWasmThreads(caps),
      };
      this.decision = decision;
      this.status = 'loading';
      // Without this the browser may evict a 1 GB model under storage pressure; it can say no.
      void navigator.storage?.persist?.().catch(() => false);
      const model: ModelRef = { engine: 'transformers', repoId, revision: REVISION, hub };
      const options: LoadOptions = { wasmThreads: decision.threads.value, listing: inspection.files, ort: ortOverridesFromQuery(globalThis.location?.search ?? '') };
      const result = await this.#loadFallingBackToWasm(seq, model, decision, options, () =>
        chooseDtype('wasm', caps, inspection.dtypes, request.dtypeOverride),
      );
      // The load stored the model (or more of it): what the next lookup says has changed.
      this.lookups.forget(repoId, hub);
      if (seq !== this.#loadSeq) return;
      this.#ready(repoId, result);
    } catch (error) {
      this.lookups.forget(repoId, hub);
      if (seq !== this.#loadSeq) return;
      this.#failed(error);
    }
  }

  /** WebLLM builds skip the hub inspection: WebLLM fetches and checks its own files. */
  async #loadWebLLM(seq: number, request: LoadRequest, entry: WebLLMCatalogEntry): Promise<void> {
    this.inspection = null;
    try {
      const caps = await this.detect();
      if (seq !== this.#loadSeq) return;
      const unavailable = webllmUnavailableReason(entry, caps);
      if (unavailable) throw new BackendUnavailableError(unavailable);
      const dtype = entry.dtypes.webgpu[0] ?? 'q4f16';
      const decision: LoadDecision = {
        backend: { value: 'webgpu', reason: 'WebLLM runs only on WebGPU.' },
        dtype: { value: dtype, reason: `${dtype}: WebLLM's ${entry.webllmModelId.replace(/^.*-(q\d+f\d+(?:_\d)?)-MLC$/, '$1')} build.` },
        threads: { value: 0, reason: 'WebLLM runs on the GPU.' },
      };
      this.decision = decision;
      this.status = 'loading';
      void navigator.storage?.persist?.().catch(() => false);
      const result = await this.#loadInWorker(
        seq,
        { engine: 'webllm', repoId: request.repoId, revision: REVISION, hub: request.hub },
        decision,
        {
          wasmThreads: 0,
          webllm: {
            modelId: entry.webllmModelId,
            modelLib: entry.modelLib,
            vramRequiredMB: entry.vramRequiredMB,
            requiredFeatures: entry.requiredFeatures,
            contextWindow: entry.contextLength,
            modelType: entry.modelType,
            thinkingToggle: entry.thinkingToggle === true,
          },
        },
      );
      if (seq !== this.#loadSeq) return;
      this.#ready(request.repoId, result);
    } catch (error) {
      if (seq !== this.#loadSeq) return;
      this.#failed(error);
    }
  }

  /** GGUF models: the file(s) for this backend and dtype from the catalog or the hub's listing, run by llama.cpp. */
  async #loadLlamaCpp(seq: number, request: LoadRequest, entry: LlamaCppCatalogEntry | null): Promise<void> {
    this.inspection = null;
    try {
      const caps = await this.detect();
      const backend = chooseBackend(caps, request.backendOverride);
      const plan = await planGgufLoad({
        repoId: request.repoId,
        hub: request.hub,
        revision: REVISION,
        backend: backend.value,
        entry,
        dtypeOverride: request.dtypeOverride,
        store: await ModelStore.tryOpen(),
      });
      if (seq !== this.#loadSeq) return;
      const decision: LoadDecision = { backend, dtype: { value: plan.dtype, reason: plan.dtypeReason }, threads: chooseWasmThreads(caps) };
      this.decision = decision;
      this.status = 'loading';
      void navigator.storage?.persist?.().catch(() => false);
      const model: ModelRef = { engine: 'llamacpp', repoId: request.repoId, revision: REVISION, hub: request.hub };
      const options: LoadOptions = { wasmThreads: decision.threads.value, listing: plan.listing, gguf: { files: plan.files } };
      // The same stored GGUF file on llama.cpp's CPU backend.
      const result = await this.#loadFallingBackToWasm(seq, model, decision, options, () => decision.dtype);
      if (seq !== this.#loadSeq) return;
      this.#ready(request.repoId, result);
    } catch (error) {
      if (seq !== this.#loadSeq) return;
      this.#failed(error);
    }
  }

  /**
   * Loads in the worker; should WebGPU fail in a way WASM may not (and the settings allow a retry),
   * the model loads again on WASM with the weights `wasmDtype` picks there, in a fresh worker: a
   * failed WebGPU session can leave the device in a bad state.
   */
  async #loadFallingBackToWasm(seq: number, model: ModelRef, decision: LoadDecision, options: LoadOptions, wasmDtype: () => Choice<Dtype>): Promise<LoadResult> {
    try {
      return await this.#loadInWorker(seq, model, decision, options);
    } catch (error) {
      if (seq !== this.#loadSeq || decision.backend.value !== 'webgpu' || !this.settings.fallbackToWasm || !webGpuFailureWorthFallback(error)) throw error;
      this.#worker.terminate();
      const failure = summarizeError(error);
      const wasmDecision: LoadDecision = {
        backend: { value: 'wasm', reason: `WebGPU failed to load the model (${failure.message}); fell back to WASM.` },
        dtype: wasmDtype(),
        threads: decision.threads,
      };
      this.decision = wasmDecision;
      this.progress = null;
      this.fallback = `WebGPU couldn't load ${model.repoId} (${failure.name}: ${failure.message}). Running it on WASM (CPU) instead.`;
      return this.#loadInWorker(seq, model, wasmDecision, options);
    }
  }

  #loadInWorker(seq: number, model: ModelRef, decision: LoadDecision, options: LoadOptions): Promise<LoadResult> {
    return this.#worker.load(model, decision.backend.value, decision.dtype.value, options, (event) => {
      if (seq === this.#loadSeq) this.progress = event;
    });
  }

  #resetForLoad(): void {
    this.status = 'inspecting';
    this.error = null;
    this.notice = null;
    this.fallback = null;
    this.progress = null;
    this.runtime = null;
    this.loadMetrics = null;
    this.loadedModelId = null;
    this.decision = null;
    this.engine = null;
  }

  #ready(repoId: string, result: LoadResult): void {
    this.runtime = result.runtime;
    this.loadMetrics = result.metrics;
    this.loadedModelId = repoId;
    this.status = 'ready';
    announceModelReady(repoId);
  }

  #failed(error: unknown): void {
    this.error = summarizeError(error);
    this.status = 'error';
    if (GPU_LOSS_ERRORS.has(this.error.name)) this.#discardWorker();
  }

  /**
   * Asks the loaded model. Text arrives through `onText` as it is written and the numbers so far
   * through `onLive`; the promise resolves with the whole text and the final numbers. `fresh`
   * drops the conversation's KV cache first; aborting `signal` is the same as stop().
   */
  async answer(messages: ChatMessage[], params: GenerationParams, options: AnswerOptions = {}): Promise<GenerationResult> {
    if (!this.ready) throw new ModelNotLoadedError();
    try {
      return await this.#worker.answer(messages, params, options);
    } catch (error) {
      // The GPU went away mid-answer: the worker's WebGPU state is gone with it.
      if (GPU_LOSS_ERRORS.has(summarizeError(error).name)) this.#discardWorker();
      throw error;
    }
  }

  /**
   * Stops the answer in progress after its current token. A long prefill can't be interrupted
   * that way, so after HARD_STOP_AFTER_MS the worker is ended and the model is no longer loaded:
   * the answer rejects with StopTimeoutError and this resolves to 'ended' (reload() brings it back).
   */
  stop() {
    return this.#worker.stop();
  }

  /** Loads the last model again, in a fresh worker if the old one ended; it comes from storage. */
  async reload(notice: string): Promise<void> {
    if (this.#lastRequest) await this.#load(this.#lastRequest);
    this.notice = notice;
  }

  /** The loaded model's top-1 token after each of the first `positions` tokens of `text`. */
  topTokens(text: string, positions: number): Promise<TopTokens> {
    if (!this.ready) return Promise.reject(new ModelNotLoadedError());
    return this.#worker.topTokens(text, positions);
  }

  /** Forgets the conversation, so the next answer starts from an empty KV cache. */
  async resetConversation(): Promise<void> {
    if (this.ready) await this.#worker.resetConversation();
  }

  /**
   * Cancels the load in progress, at any stage: a lookup is dropped, a download stops (finished
   * files stay stored), and past the download the worker is ended, since creating the sessions
   * and warming up can't be interrupted otherwise. The load ends with the error that says where
   * it stopped, and the next Load starts a fresh worker.
   */
  async cancelLoad(): Promise<void> {
    if (this.status === 'inspecting') {
      this.#loadSeq++;
      this.#failed(new LoadCancelledError('lookup'));
      return;
    }
    if (this.status !== 'loading' || this.cancelling) return;
    this.cancelling = true;
    try {
      await this.#worker.cancelLoad();
    } finally {
      this.cancelling = false;
    }
  }

  /**
   * Throws away the worker after its GPU device was lost: its WebGPU state can't be trusted, and
   * the next load starts in a fresh one. The error itself stays on screen.
   */
  #discardWorker(): void {
    this.#worker.terminate();
    this.#loadSeq++;
    this.runtime = null;
    this.loadedModelId = null;
    if (this.status !== 'error') this.status = 'idle';
    this.notice = "The model's worker was restarted after the GPU failure; load a model to continue.";
  }

  #workerLost(error: Error): void {
    this.#loadSeq++;
    this.status = 'idle';
    this.runtime = null;
    this.loadedModelId = null;
    this.progress = null;
    const what = error.name === 'StopTimeoutError' ? error.message : `The model stopped working. ${error.message}`;
    this.notice = `${what} Press "Load model" to start it again.`;
  }
}

function defaultWorker(engine: EngineKind): Worker {
  workerGate.assertAllowed('model');
  if (engine === 'llamacpp') return new Worker(new URL('../../workers/llamacpp.worker.ts', import.meta.url), { type: 'module', name: 'llamacpp' });
  return new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), {
    type: 'module',
    name: 'inference',
  });
}
