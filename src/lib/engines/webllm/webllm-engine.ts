// The WebLLM (MLC) adapter behind the app's Engine interface: WebGPU-only models compiled ahead of
// time, loaded with WebLLM's own downloader into the Cache API, answering through its
// OpenAI-style streaming API. Everything WebLLM-specific passes through `WebLLMBoundary`, so the
// adapter is unit-tested with a fake engine: WebLLM can't load a model offline (its compiled model
// libraries and MLC weights can't be generated here), so that boundary is where tests stop.
import type { AppConfig, ChatCompletionChunk, ChatCompletionRequestStreaming, InitProgressReport, MLCEngineInterface } from '@mlc-ai/web-llm';
import type {
  Backend,
  ChatMessage,
  Dtype,
  Engine,
  EngineEvent,
  EngineEventHandler,
  GenerationParams,
  GenerationMetrics,
  LoadOptions,
  LoadResult,
  ModelRef,
  TopTokens,
  WebLLMModelSpec,
} from '../types';
import {
  BackendUnavailableError,
  DownloadCancelledError,
  GenerationBusyError,
  asGpuDeviceLost,
  ModelLibraryUnavailableError,
  ModelNotFoundError,
  ModelNotLoadedError,
  NetworkError,
  ToolsUnsupportedError,
  ImagesUnsupportedError,
  UnsupportedModelError,
} from '../errors';
import { FlushGate, LIVE_NUMBERS_INTERVAL_MS } from '../flush-gate';
import { isInterruptRaised } from '../interrupt-flag';
import { TransferRate } from '../../models/download/transfer-rate';
import { parseWebLLMReport } from './webllm-progress';
import { metricsFromUsage } from './webllm-usage';
import { GenerationClock } from '../../metrics/generation-clock';
import { webllmAppConfig, webllmFilesBase, webllmLibUrl } from './webllm-model-record';

/** The part of MLCEngineInterface this adapter uses. */
export type WebLLMEngineHandle = Pick<MLCEngineInterface, 'reload' | 'chatCompletion' | 'interruptGenerate' | 'resetChat' | 'unload'>;

export type WebGpuProbe =
  | { available: true; features: ReadonlySet<string>; description: string }
  | { available: false; reason: string };

/** What the adapter needs from the browser and from WebLLM; the worker passes the real ones. */
export interface WebLLMBoundary {
  /** `new MLCEngine(config)`: an engine with no model yet. */
  createEngine(config: { appConfig: AppConfig; initProgressCallback: (report: InitProgressReport) => void }): WebLLMEngineHandle;
  /** The WebGPU adapter WebLLM will get, or why there is none. */
  probeWebGpu(): Promise<WebGpuProbe>;
  /** Whether WebLLM already stored `url` in the Cache API bucket `cacheName` (offline loads). */
  isCached(cacheName: string, url: string): Promise<boolean>;
  fetch(url: string, init?: RequestInit): Promise<Response>;
  now(): number;
}

/** WebLLM builds name their weights `q4f16_1`, `q4f32_1`, … ; the app's names for the same. */
export function dtypeOfWebLLMBuild(modelId: string): Dtype {
  if (/q4f16/.test(modelId)) return 'q4f16';
  if (/q4f32/.test(modelId)) return 'q4';
  if (/q0f16/.test(modelId)) return 'fp16';
  return 'fp32';
}

interface Loaded {
  spec: WebLLMModelSpec;
  engine: WebLLMEngineHandle;
}

export class WebLLMEngine implements Engine {
  #loaded: Loaded | null = null;
  #loading: WebLLMEngineHandle | null = null;
  #cancelled = false;
  #generating = false;

  constructor(private readonly boundary: WebLLMBoundary) {}

  async load(model: ModelRef, backend: Backend, _dtype: Dtype, options: LoadOptions, onEvent: EngineEventHandler): Promise<LoadResult> {
    const spec = options.webllm;
    if (!spec) throw new UnsupportedModelError(`"${model.repoId}" has no WebLLM build in the catalog.`);
    if (backend !== 'webgpu') throw new BackendUnavailableError(`WebLLM runs only on WebGPU, not ${backend.toUpperCase()}.`);
    await this.unload();
    this.#cancelled = false;

    await this.#checkGpu(spec);
    await this.#checkFilesExist(spec, model);

    const started = this.boundary.now();
    const rate = new TransferRate();
    let fetchedBytes = 0;
    let totalBytes = 0;
    let downloadEndedAt: number | null = null;
    const onReport = (report: InitProgressReport) => {
      const parsed = parseWebLLMReport(report);
      if (parsed.totalBytes) totalBytes = parsed.totalBytes;
      if (parsed.source === 'fetch' && parsed.loadedBytes !== null && parsed.loadedBytes > fetchedBytes) {
        rate.add(parsed.loadedBytes - fetchedBytes);
        fetchedBytes = parsed.loadedBytes;
      }
      if (parsed.phase !== 'download' && downloadEndedAt === null) downloadEndedAt = this.boundary.now();
      const loaded = parsed.loadedBytes ?? 0;
      const downloading = parsed.phase === 'download';
      onEvent({
        type: 'progress',
        phase: parsed.phase,
        fraction: parsed.fraction,
        loadedBytes: loaded,
        totalBytes: parsed.totalBytes ?? totalBytes,
        bytesPerSecond: downloading ? rate.bytesPerSecond : null,
        etaSeconds: downloading && parsed.totalBytes ? rate.etaSeconds(parsed.totalBytes - loaded) : null,
        files: [],
        stage: parsed.stage,
      });
    };

    const engine = this.boundary.createEngine({ appConfig: webllmAppConfig(spec, model.hub), initProgressCallback: onReport });
    this.#loading = engine;
    try {
      await engine.reload(spec.modelId);
    } catch (error) {
      await engine.unload().catch(() => {});
      if (this.#cancelled) throw new DownloadCancelledError();
      throw translateWebLLMError(error);
    } finally {
      this.#loading = null;
    }
    if (this.#cancelled) {
      await engine.unload().catch(() => {});
      throw new DownloadCancelledError();
    }
    this.#loaded = { spec, engine };

    const ended = this.boundary.now();
    const downloadMs = (downloadEndedAt ?? ended) - started;
    return {
      runtime: {
        backend: 'webgpu',
        dtype: dtypeOfWebLLMBuild(spec.modelId),
        wasmThreads: 0,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        contextLength: spec.contextWindow,
        modelType: spec.modelType,
        // WebLLM ships no config.json; the catalog names the same model's published shape.
        shape: null,
        images: { supported: false, reason: `WebLLM's ${spec.modelId} reads text only: load Qwen3.5 (ONNX) to ask about a picture.` },
      },
      metrics: {
        downloadMs,
        // WebLLM creates the pipeline and compiles its shaders in one step after the weights.
        sessionInitMs: ended - started - downloadMs,
        warmupMs: 0,
        totalMs: ended - started,
        bytes: totalBytes,
        fetchedBytes,
      },
    };
  }

  async generate(
    messages: ChatMessage[],
    params: GenerationParams,
    onEvent: EngineEventHandler,
    interruptFlag: Int32Array | null = null,
  ): Promise<GenerationMetrics> {
    const loaded = this.#loaded;
    if (!loaded) throw new ModelNotLoadedError();
    if (this.#generating) throw new GenerationBusyError();
    // WebLLM 0.2.86 takes `tools` only for a few Hermes builds, none of them in the catalog.
    if (params.tools?.length) {
      throw new ToolsUnsupportedError(`WebLLM passes tools only to Hermes builds; "${loaded.spec.modelId}" gets no tool definitions.`);
    }
    if (messages.some((message) => message.images?.length)) {
      throw new ImagesUnsupportedError(`WebLLM's "${loaded.spec.modelId}" reads text only; the pictures were not sent.`);
    }
    this.#generating = true;
    try {
      return await this.#stream(loaded, messages, params, onEvent, interruptFlag);
    } catch (error) {
      throw translateWebLLMError(error);
    } finally {
      this.#generating = false;
    }
  }

  async #stream(
    { spec, engine }: Loaded,
    messages: ChatMessage[],
    params: GenerationParams,
    onEvent: EngineEventHandler,
    interruptFlag: Int32Array | null,
  ): Promise<GenerationMetrics> {
    const request: ChatCompletionRequestStreaming = {
      messages: messages.map((m) => ({ role: m.role, content: m.content })) as ChatCompletionRequestStreaming['messages'],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: params.maxNewTokens,
      // WebLLM treats temperature 0 as greedy decoding, like the app.
      temperature: params.temperature,
      top_p: params.topP,
      ...(spec.thinkingToggle ? { extra_body: { enable_thinking: params.enableThinking } } : {}),
    };
    const chunks: AsyncIterable<ChatCompletionChunk> = await engine.chatCompletion(request);
    let pending = '';
    let finish: ChatCompletionChunk.Choice['finish_reason'] = null;
    let usage: ChatCompletionChunk['usage'];
    // WebLLM's own numbers come only with the last chunk; the live ones are timed here.
    const clock = new GenerationClock();
    clock.start();
    const gate = new FlushGate();
    const liveGate = new FlushGate(LIVE_NUMBERS_INTERVAL_MS);
    const flush = () => {
      if (pending) onEvent({ type: 'token', text: pending } satisfies EngineEvent);
      pending = '';
    };
    for await (const chunk of chunks) {
      if (isInterruptRaised(interruptFlag)) engine.interruptGenerate();
      const choice = chunk.choices[0];
      const delta = choice?.delta?.content ?? '';
      if (delta) {
        // WebLLM sends one chunk per decoded token.
        clock.tokenArrived();
        pending += delta;
        if (gate.pass()) flush();
        if (liveGate.pass()) onEvent({ type: 'live', numbers: clock.live() });
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    flush();
    if (!usage) throw new UnsupportedModelError('WebLLM finished without reporting token usage, so no metrics can be shown.');
    return metricsFromUsage(usage, finish);
  }

  interrupt(): void {
    this.#loaded?.engine.interruptGenerate();
  }

  cancelLoad(): void {
    if (!this.#loading) return;
    this.#cancelled = true;
    // unload() aborts WebLLM's reload, including the weight fetches in flight.
    void this.#loading.unload().catch(() => {});
  }

  async resetConversation(): Promise<void> {
    await this.#loaded?.engine.resetChat();
  }

  topTokens(): Promise<TopTokens> {
    // WebLLM's compiled kernels hand back sampled text, not the logits of every position.
    return Promise.reject(
      new UnsupportedModelError("The correctness check needs every position's scores, which WebLLM builds don't give; load the transformers.js build of this model to check the GPU."),
    );
  }

  async unload(): Promise<void> {
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.engine.unload();
  }

  async #checkGpu(spec: WebLLMModelSpec): Promise<void> {
    const gpu = await this.boundary.probeWebGpu();
    if (!gpu.available) throw new BackendUnavailableError(`WebLLM runs only on WebGPU, and ${gpu.reason}.`);
    const missing = spec.requiredFeatures.filter((feature) => !gpu.features.has(feature));
    if (missing.length > 0) {
      const advice = missing.includes('shader-f16') ? ' Pick a q4f32 build or a transformers.js model instead.' : '';
      throw new BackendUnavailableError(
        `${spec.modelId} needs the WebGPU feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this GPU ` +
          `(${gpu.description}) does not offer.${advice}`,
      );
    }
  }

  /**
   * WebLLM reports a missing library or config as a bare fetch failure deep in its loader; checked
   * first, the user learns which file is missing. Files WebLLM already stored skip the check, so a
   * stored model loads offline.
   */
  async #checkFilesExist(spec: WebLLMModelSpec, model: ModelRef): Promise<void> {
    const libUrl = webllmLibUrl(model.hub, spec.modelLib);
    const libStatus = await this.#status('webllm/wasm', libUrl);
    if (libStatus !== 'ok') throw new ModelLibraryUnavailableError(spec.modelId, libUrl, libStatus);
    const configUrl = `${webllmFilesBase(model.hub, spec.modelId)}mlc-chat-config.json`;
    const configStatus = await this.#status('webllm/config', configUrl);
    if (configStatus !== 'ok') throw new ModelNotFoundError(model.repoId, model.hub);
  }

  async #status(cacheName: string, url: string): Promise<'ok' | string> {
    if (await this.boundary.isCached(cacheName, url).catch(() => false)) return 'ok';
    let response: Response;
    try {
      response = await this.boundary.fetch(url, { method: 'HEAD' });
    } catch (error) {
      throw new NetworkError(`Couldn't reach ${url} (${error instanceof Error ? error.message : String(error)}). Check the connection or the hub address.`);
    }
    return response.ok ? 'ok' : `answered HTTP ${response.status}`;
  }
}

/** WebLLM's errors carry their own names; the ones that mean a lost GPU become one the app acts on. */
export function translateWebLLMError(error: unknown): unknown {
  const lost = asGpuDeviceLost(error);
  if (lost) return lost;
  if (error instanceof Error && (error.name === 'WebGPUNotAvailableError' || error.name === 'WebGPUNotFoundError')) {
    return new BackendUnavailableError(error.message);
  }
  return error;
}
