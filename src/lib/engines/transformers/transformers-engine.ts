// The @huggingface/transformers adapter behind the Engine interface. It runs inside the
// inference worker; the library itself is imported lazily so the UI bundle never contains it.
import type {
  Backend,
  ChatMessage,
  Dtype,
  Engine,
  EngineEventHandler,
  GenerationParams,
  GenerationMetrics,
  LoadOptions,
  LoadResult,
  ModelRef,
  OrtBuild,
  RuntimeInfo,
  StopReason,
  TopTokens,
} from '../types';
import {
  asGpuDeviceLost,
  BackendUnavailableError,
  ContextOverflowError,
  EngineError,
  GenerationBusyError,
  ImagesUnsupportedError,
  ModelFileMissingError,
  ModelNotLoadedError,
  NetworkError,
} from '../errors';
import { planCacheReuse } from '../kv-cache-reuse';
import { GenerationClock } from '../../metrics/generation-clock';
import { storeModelFiles } from './model-files';
import type { DownloadSnapshot } from '../../models/download/model-download';
import { IncrementalDetokenizer } from './incremental-detokenizer';
import { repeatedPrefixLength, tokenizedPrompt, type ChatTemplater } from './chat-prompt';
import { FlushGate, LIVE_NUMBERS_INTERVAL_MS } from '../flush-gate';
import { shapeFromConfig } from '../../hardware/model-shapes';
import { isInterruptRaised } from '../interrupt-flag';
import { REMOTE_PATH_TEMPLATE } from '../../models/hub-urls';
import { checkConfigLimits, contextLengthFromConfig } from '../../models/config-limits';
import { pictureFingerprint, visionInputs, type ImageProcessorLike } from './vision-prompt';
import { correctTextOnlyRopeDeltas, dropEmptyPictureInputs } from './qwen-vl-workarounds';
import { DEFAULT_PIXEL_BUDGET } from '../../vision/image-budget';
import { imageGridFromConfig } from '../../vision/processor-grid';
import { LoadPhaseClock } from './load-phases';
import { chooseOrtBuild, chooseOrtBundle, jspiAvailable, onSessionCreated, sessionOptionsFor, startEngine, type OrtAssets } from './ort-setup';
import { externalDataBlobs, externalDataFormat, graphsWithExternalData } from './external-data';
import { MODEL_CACHE_NAME, ModelStore } from '../../models/model-store';

type Transformers = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type CausalLM = Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;
type KvCache = InstanceType<Transformers['DynamicCache']>;
type Tensor = InstanceType<Transformers['Tensor']>;
/** The onnxruntime-web module transformers.js runs on (the same instance: the build config points it there). */
type OnnxRuntime = typeof import('./ort-bundle');

interface LoadedModel {
  tokenizer: Tokenizer;
  model: CausalLM;
  runtime: RuntimeInfo;
  /** A vision-language model's processor (pictures → patches) and its image pad token; null for text-only models. */
  vision: { processor: ImageProcessorLike; imageTokenId: number } | null;
  /** Linear-attention layers carry a recurrent state that can't be rewound (Qwen3.5). */
  recurrentState: boolean;
}

interface ConversationCache {
  kv: KvCache;
  /** The token ids whose keys/values `kv` holds, in order. */
  ids: bigint[];
  /** Fingerprints of the pictures those tokens include, in order. */
  pictures: string[];
}

const WARMUP_TEXT = 'Hello';
/** The Load line while stored weights are split (see preparingReporter). */
const PREPARING_WEIGHTS = 'Preparing weights';

export class TransformersEngine implements Engine {
  #lib: Transformers | null = null;
  #loaded: LoadedModel | null = null;
  #cache: ConversationCache | null = null;
  #stopper: InstanceType<Transformers['InterruptableStoppingCriteria']> | null = null;
  /** The generation in progress, so load/unload can stop it and wait before disposing. */
  #running: Promise<unknown> | null = null;
  #interruptFlag: Int32Array | null = null;
  #loadAbort: AbortController | null = null;
  /** Time the vision encoder has spent in the current answer. */
  #imageEncodeMs = 0;

  /** The build the runtime was started with: it runs for the worker's life once started. */
  #ortBuild: OrtBuild | null = null;
  #engineStart: Promise<void> | null = null;
  #ort: Promise<OnnxRuntime> | null = null;

  constructor(private readonly ortAssets: OrtAssets | null) {}

  async load(
    model: ModelRef,
    backend: Backend,
    dtype: Dtype,
    options: LoadOptions,
    onEvent: EngineEventHandler,
  ): Promise<LoadResult> {
    await this.unload();
    // The bundle is chosen before transformers.js first imports it, and stays for the worker's life.
    const build = (this.#ortBuild ??= chooseOrtBuild(backend, options.ort, jspiAvailable()));
    chooseOrtBundle(build);
    const ort = await (this.#ort ??= import('./ort-bundle'));
    const tf = await this.#library();
    this.#configure(tf, model, options, build);
    const clock = new LoadPhaseClock();

    const started = performance.now();
    // The runtime's WebAssembly is fetched and compiled while the model's files are checked or downloaded.
    const firstStart = this.#engineStart === null;
    const engineStart = (this.#engineStart ??= startEngine(ort.InferenceSession));
    engineStart.catch(() => {});
    const engineStarted = firstStart ? engineStart.then(() => clock.add('engineStartMs', performance.now() - started)) : engineStart;
    const abort = new AbortController();
    this.#loadAbort = abort;
    let stored;
    try {
      stored = await storeModelFiles({
        tf,
        model,
        backend,
        dtype,
        listing: options.listing ?? null,
        signal: abort.signal,
        onProgress: (snapshot) => onEvent({ type: 'progress', phase: 'download', fraction: fractionOf(snapshot), ...snapshot }),
        onPreparing: preparingReporter(onEvent),
      });
    } catch (error) {
      throw describeLoadError(error, model, backend);
    } finally {
      this.#loadAbort = null;
    }
    const downloadEnd = performance.now();
    const stage = (phase: 'init' | 'warmup') =>
      onEvent({ type: 'progress', phase, fraction: 1, loadedBytes: stored.totalBytes, totalBytes: stored.totalBytes, bytesPerSecond: null, etaSeconds: 0, files: stored.files });
    stage('init');

    try {
      await engineStarted;
    } catch (error) {
      // A runtime that failed to start stays failed; the next load tries again.
      this.#engineStart = null;
      throw describeLoadError(error, model, backend);
    }

    // Everything is in the store now: transformers.js reads it from there and never the network.
    const fromStore = { revision: model.revision, local_files_only: true };
    // Weights split to `.onnx_data` files (every big model once stored) go to the JSPI build as
    // Blobs from the store; other builds get them through transformers.js, each session its own.
    const graphs = graphsWithExternalData(stored.files);
    const asBlobs = build === 'jspi' && graphs.size > 0;
    let externalData: Awaited<ReturnType<typeof externalDataBlobs>> = [];
    if (asBlobs) {
      try {
        const cache = await caches.open(MODEL_CACHE_NAME);
        externalData = await externalDataBlobs(await ModelStore.open(), (url) => cache.match(url), model, graphs);
      } catch (error) {
        throw describeLoadError(error, model, backend);
      }
    }
    const session_options = { ...sessionOptionsFor(options.ort), ...(asBlobs ? { externalData } : {}) };
    // Set either way: it overrides a hub config's own chunk counts, which may not match what is stored.
    const use_external_data_format = asBlobs ? false : (externalDataFormat(graphs) ?? false);
    let modelConfig: Awaited<ReturnType<Transformers['AutoConfig']['from_pretrained']>>;
    try {
      modelConfig = await tf.AutoConfig.from_pretrained(model.repoId, fromStore);
      // Checked here as well as at the lookup: a stored or folder-imported model loads without one,
      // and transformers.js loops over these sizes (one cache name per layer) before the first token.
      checkConfigLimits(modelConfig as unknown as Record<string, unknown>);
    } catch (error) {
      throw describeLoadError(error, model, backend);
    }
    // A vision-language export (Qwen3.5) loads all three sessions and its processor, whose tokenizer is the model's.
    const sessions = stored.sessionDtypes;
    const stopTiming = onSessionCreated(ort.InferenceSession, (ms) => clock.add('sessionCreateMs', ms));
    const sessionsLoad = async () => {
      const loadStarted = performance.now();
      const createdBefore = clock.phases().sessionCreateMs;
      try {
        return await (sessions
          ? tf.AutoModelForImageTextToText.from_pretrained(model.repoId, { ...fromStore, config: modelConfig, device: backend, dtype: sessions, session_options, use_external_data_format })
          : tf.AutoModelForCausalLM.from_pretrained(model.repoId, { ...fromStore, config: modelConfig, device: backend, dtype, session_options, use_external_data_format }));
      } finally {
        clock.addStoreRead(performance.now() - loadStarted, clock.phases().sessionCreateMs - createdBefore);
      }
    };
    const [tokenizerResult, modelResult] = await Promise.allSettled([
      clock.time('tokenizerMs', async (): Promise<unknown> =>
        sessions ? tf.AutoProcessor.from_pretrained(model.repoId, fromStore) : tf.AutoTokenizer.from_pretrained(model.repoId, fromStore),
      ),
      sessionsLoad(),
    ]).finally(stopTiming);
    if (tokenizerResult.status === 'rejected' || modelResult.status === 'rejected') {
      // Don't keep half a model (its sessions hold the weights) when the other half failed.
      if (modelResult.status === 'fulfilled') await modelResult.value.dispose();
      const reason = tokenizerResult.status === 'rejected' ? tokenizerResult.reason : (modelResult as PromiseRejectedResult).reason;
      throw describeLoadError(reason, model, backend);
    }
    const processor = sessions ? (tokenizerResult.value as unknown as ImageProcessorLike & { tokenizer: Tokenizer }) : null;
    const tokenizer = processor ? processor.tokenizer : (tokenizerResult.value as Tokenizer);
    const lm = modelResult.value as CausalLM;
    yieldBetweenForwardPasses(lm, () => this.#interruptFlag === null);
    if (processor) {
      this.#timeImageEncoding(lm);
      correctTextOnlyRopeDeltas(tf, lm);
      dropEmptyPictureInputs(lm);
    }
    const ready = performance.now();
    stage('warmup');
    try {
      await clock.time('warmupMs', () => warmUp(tokenizer, lm));
    } catch (error) {
      await lm.dispose();
      throw describeLoadError(error, model, backend);
    }
    const done = performance.now();

    const config = lm.config as unknown as Record<string, unknown>;
    const runtime: RuntimeInfo = {
      backend,
      dtype,
      wasmThreads: backend === 'wasm' ? actualWasmThreads(tf) : 0,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      contextLength: contextLengthFromConfig(config),
      modelType: typeof config.model_type === 'string' ? config.model_type : null,
      shape: shapeFromConfig(config),
      images: processor
        ? { supported: true, pixelBudget: DEFAULT_PIXEL_BUDGET, grid: imageGridFromConfig(processor.image_processor.config) }
        : { supported: false, reason: `${model.repoId} reads text only: load a model that sees pictures (Qwen3.5, or GLM-OCR for documents) to attach one.` },
      ...(sessions ? { sessionDtypes: sessions } : {}),
      onnxRuntime: { build, graphOptimizationLevel: session_options.graphOptimizationLevel, externalDataAsBlob: asBlobs },
    };
    const imageTokenId = typeof config.image_token_id === 'number' ? config.image_token_id : null;
    this.#loaded = {
      tokenizer,
      model: lm,
      runtime,
      vision: processor && imageTokenId !== null ? { processor, imageTokenId } : null,
      recurrentState: hasLinearAttention(config),
    };
    const { storeReadMs, tokenizerMs, engineStartMs, sessionCreateMs, warmupMs } = clock.phases();
    return {
      runtime,
      metrics: {
        downloadMs: downloadEnd - started,
        sessionInitMs: ready - downloadEnd,
        warmupMs,
        totalMs: done - started,
        storeReadMs,
        tokenizerMs,
        engineStartMs,
        sessionCreateMs,
        bytes: stored.totalBytes,
        fetchedBytes: stored.fetchedBytes,
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
    if (this.#running) throw new GenerationBusyError();
    // With a shared flag, Stop needs no event-loop turn, so the forward passes needn't yield.
    this.#interruptFlag = interruptFlag;
    const run = this.#generate(loaded, messages, params, onEvent);
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = null;
    }
  }

  async #generate(
    { tokenizer, model, runtime, vision, recurrentState }: LoadedModel,
    messages: ChatMessage[],
    params: GenerationParams,
    onEvent: EngineEventHandler,
  ): Promise<GenerationMetrics> {
    const tf = await this.#library();
    // Time to first token counts from the request, so templating and cache preparation are in it.
    const clock = new GenerationClock();
    clock.start();
    const withPictures = messages.some((message) => message.images?.length);
    if (withPictures && !vision) {
      throw new ImagesUnsupportedError(runtime.images && !runtime.images.supported ? runtime.images.reason : 'This model reads text only; the pictures were not sent.');
    }
    const pictureInputs = withPictures && vision ? await visionInputs(tf, vision.processor, messages, params, vision.imageTokenId) : null;
    const inputs = (pictureInputs ?? tokenizedPrompt(tokenizer as unknown as ChatTemplater, messages, params)) as {
      input_ids: Tensor;
      attention_mask: Tensor;
    };
    const promptIds = Array.from(inputs.input_ids.data as BigInt64Array);
    const pictures = (pictureInputs?.images ?? []).map(pictureFingerprint);

    let maxNewTokens = params.maxNewTokens;
    if (runtime.contextLength !== null) {
      if (promptIds.length >= runtime.contextLength) {
        throw new ContextOverflowError(promptIds.length, runtime.contextLength, params.maxNewTokens);
      }
      maxNewTokens = Math.min(maxNewTokens, runtime.contextLength - promptIds.length);
    }

    let pastKeyValues = await this.#reusableCache(tf, promptIds, pictures, runtime.backend);
    const cachedTokens = pastKeyValues ? pastKeyValues.get_seq_length() : 0;

    // A recurrent state can be reused only by a prompt that extends it exactly, and the next turn
    // re-renders this one's ending differently. So the part the next turn repeats is read first,
    // and a copy of the state at that point is kept for it (CPU tensors only: a GPU copy would
    // cost a round trip; a picture prompt is read whole, pictures need the encoder).
    let checkpoint: ConversationCache | null = null;
    if (recurrentState && runtime.backend === 'wasm' && !pictureInputs) {
      const repeated = repeatedPrefixLength(tokenizer as unknown as ChatTemplater, messages, params, promptIds);
      if (repeated > cachedTokens + 1 && repeated < promptIds.length) {
        const ids = promptIds.slice(0, repeated);
        const head = (await model.generate({
          input_ids: new tf.Tensor('int64', BigInt64Array.from(ids), [1, repeated]),
          attention_mask: new tf.Tensor('int64', new BigInt64Array(repeated).fill(1n), [1, repeated]),
          ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
          // One pass over the prefix; the token it picks is never fed back, so the state covers just the prefix.
          max_new_tokens: 1,
          do_sample: false,
          return_dict_in_generate: true,
        } as never)) as unknown as { past_key_values: KvCache };
        checkpoint = { kv: head.past_key_values, ids, pictures: [] };
        pastKeyValues = copyCache(tf, head.past_key_values);
      }
    }

    const stopper = (this.#stopper ??= new tf.InterruptableStoppingCriteria());
    stopper.reset();
    const interruptFlag = this.#interruptFlag;
    const detokenizer = new IncrementalDetokenizer((ids) => tokenizer.decode(ids, { skip_special_tokens: true }));
    // New token ids wait here until the gate opens; they are then decoded and sent in one go.
    const pending: bigint[] = [];
    const gate = new FlushGate();
    const liveGate = new FlushGate(LIVE_NUMBERS_INTERVAL_MS);
    const emitPending = () => {
      const text = detokenizer.pushMany(pending.splice(0));
      if (text) onEvent({ type: 'token', text });
    };
    let promptSeen = false;
    const streamer = {
      put(value: bigint[][]) {
        // generate() first hands the streamer the prompt; everything after is new tokens.
        if (!promptSeen) {
          promptSeen = true;
          return;
        }
        clock.tokenArrived();
        if (isInterruptRaised(interruptFlag)) stopper.interrupt();
        pending.push(value[0][0]);
        if (gate.pass()) emitPending();
        if (liveGate.pass()) onEvent({ type: 'live', numbers: clock.live() });
      },
      end() {},
    };

    const sampling =
      params.temperature > 0
        ? { do_sample: true, temperature: params.temperature, top_p: params.topP }
        : { do_sample: false };
    let output: { sequences: Tensor; past_key_values: KvCache };
    this.#imageEncodeMs = 0;
    try {
      output = (await model.generate({
      input_ids: inputs.input_ids,
      attention_mask: inputs.attention_mask,
      // With a cache, transformers.js computes positions from every picture's grid and skips the encoder.
      ...(pictureInputs ? { pixel_values: pictureInputs.pixel_values, image_grid_thw: pictureInputs.image_grid_thw } : {}),
      ...(pastKeyValues ? { past_key_values: pastKeyValues } : {}),
      max_new_tokens: maxNewTokens,
      ...sampling,
      streamer: streamer as never,
      stopping_criteria: [stopper] as never,
      return_dict_in_generate: true,
    } as never)) as unknown as { sequences: Tensor; past_key_values: KvCache };
    } catch (error) {
      // The cache was taken out of #cache for this run; without this its (GPU) buffers leak.
      await pastKeyValues?.dispose().catch(() => {});
      await checkpoint?.kv.dispose().catch(() => {});
      throw asGpuDeviceLost(error) ?? error;
    }

    emitPending();
    const tail = detokenizer.flush();
    if (tail) onEvent({ type: 'token', text: tail });

    const allIds = Array.from(output.sequences.data as BigInt64Array);
    const kv = output.past_key_values;
    if (this.#loaded?.model === model && checkpoint) {
      this.#cache = checkpoint;
      await kv.dispose();
    } else if (this.#loaded?.model === model) this.#cache = { kv, ids: allIds.slice(0, kv.get_seq_length()), pictures };
    else {
      await kv.dispose();
      await checkpoint?.kv.dispose();
    }

    const stopReason: StopReason = stopper.interrupted
      ? 'interrupted'
      : clock.generatedTokens < maxNewTokens
        ? 'eos'
        : maxNewTokens < params.maxNewTokens
          ? 'context-full'
          : 'max-tokens';
    const metrics = clock.finish({ promptTokens: promptIds.length, cachedTokens }, stopReason);
    return pictureInputs ? { ...metrics, imageTokens: pictureInputs.imageTokens, imageEncodeMs: this.#imageEncodeMs } : metrics;
  }

  /** Adds the vision encoder's time to the answer being generated (it runs inside generate()). */
  #timeImageEncoding(model: CausalLM): void {
    const vision = model as unknown as { encode_image(inputs: unknown): Promise<unknown> };
    const encode = vision.encode_image.bind(vision);
    vision.encode_image = async (inputs: unknown) => {
      const started = performance.now();
      try {
        return await encode(inputs);
      } finally {
        this.#imageEncodeMs += performance.now() - started;
      }
    };
  }

  /** The previous turn's cache, cut to what the new prompt shares with it, or null. */
  async #reusableCache(tf: Transformers, promptIds: bigint[], pictures: string[], backend: Backend): Promise<KvCache | null> {
    const previous = this.#cache;
    this.#cache = null;
    if (!previous) return null;
    // CPU tensors can be sliced; GPU-resident ones can't without a download, so they are dropped.
    // Only attention key/value tensors have a per-token axis to cut; hybrid models (qwen3_5)
    // also carry recurrent/convolution state, which can't be rewound.
    const onlyAttentionKv = Object.keys(previous.kv).every((name) => name.startsWith('past_key_values.'));
    const plan = planCacheReuse(previous.ids, promptIds, backend === 'wasm' && onlyAttentionKv, { cached: previous.pictures, prompt: pictures });
    if (plan.action === 'reuse') return previous.kv;
    if (plan.action === 'discard') {
      await previous.kv.dispose();
      return null;
    }
    const entries: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(previous.kv)) {
      if (!(tensor instanceof tf.Tensor)) continue;
      // [batch, kv_heads, sequence, head_dim]: keep the first keepTokens positions.
      entries[name] = tensor.slice(null, null, [0, plan.keepTokens], null);
    }
    await previous.kv.dispose();
    return new tf.DynamicCache(entries);
  }

  interrupt(): void {
    this.#stopper?.interrupt();
  }

  cancelLoad(): void {
    this.#loadAbort?.abort();
  }

  async topTokens(text: string, positions: number): Promise<TopTokens> {
    const loaded = this.#loaded;
    if (!loaded) throw new ModelNotLoadedError();
    if (this.#running) throw new GenerationBusyError();
    const tf = await this.#library();
    const encoded = loaded.tokenizer(text) as unknown as { input_ids: Tensor };
    const ids = Array.from(encoded.input_ids.data as BigInt64Array).slice(0, positions);
    const input_ids = new tf.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]);
    const attention_mask = new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    // No past: forward() starts an empty cache and returns logits for every position.
    const outputs = (await loaded.model.forward({ input_ids, attention_mask } as never)) as Record<string, unknown>;
    try {
      const logits = outputs.logits as Tensor;
      const [, count, vocab] = logits.dims as number[];
      const data = logits.data as ArrayLike<number>;
      const top: number[] = [];
      for (let p = 0; p < count; p++) {
        let best = 0;
        for (let v = 1; v < vocab; v++) if (data[p * vocab + v] > data[p * vocab + best]) best = v;
        top.push(best);
      }
      return { tokens: ids.map(Number), top };
    } finally {
      for (const value of Object.values(outputs)) if (value instanceof tf.Tensor) value.dispose();
      input_ids.dispose();
      attention_mask.dispose();
    }
  }

  async resetConversation(): Promise<void> {
    const cache = this.#cache;
    this.#cache = null;
    await cache?.kv.dispose();
  }

  async unload(): Promise<void> {
    // A generation still using the model must end before its sessions are released.
    if (this.#running) {
      this.interrupt();
      await this.#running.catch(() => {});
    }
    await this.resetConversation();
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.model.dispose();
  }

  async #library(): Promise<Transformers> {
    this.#lib ??= await import('@huggingface/transformers');
    return this.#lib;
  }

  #configure(tf: Transformers, model: ModelRef, options: LoadOptions, build: OrtBuild): void {
    const { env } = tf;
    env.remoteHost = `${model.hub}/`;
    env.remotePathTemplate = REMOTE_PATH_TEMPLATE;
    env.useBrowserCache = true;
    // Loads use `local_files_only` (the files are in the store by then), which transformers.js
    // allows only with local models on. Its "local" lookups go to a path that answers 404 without
    // touching the network, so a file the repo lacks (generation_config.json) is just absent.
    env.allowLocalModels = true;
    env.localModelPath = STORE_ONLY_PATH;
    env.fetch = storeOnlyFetch;
    // The runtime is started from its same-origin URLs (below), streamed and compiled as it
    // arrives: transformers.js' own copy of the binary would be a second 15-27 MB fetch into JS.
    env.useWasmCache = false;
    const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
    if (onnx.wasm) {
      if (this.ortAssets) onnx.wasm.wasmPaths = { ...this.ortAssets[build] };
      onnx.wasm.numThreads = options.wasmThreads;
    }
  }
}

const STORE_ONLY_PATH = '/__model-store-only__/';

function storeOnlyFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  // transformers.js looks up an id outside its ASCII pattern (a folder import named "模型") at the
  // bare relative path `<id>/<file>` instead of localModelPath: that is a local lookup too.
  const relative = !/^[a-z][a-z\d+.-]*:/i.test(url) && !url.startsWith('/');
  if (relative || url.startsWith(STORE_ONLY_PATH) || url.includes(`//${location.host}${STORE_ONLY_PATH}`)) {
    return Promise.resolve(new Response(null, { status: 404 }));
  }
  return fetch(input, init);
}

/**
 * generate() chains one forward pass to the next through promise callbacks only, so the worker's
 * event loop never turns while it runs and an interrupt() message sent from the UI would wait
 * until the answer is complete. Yielding one macrotask before a pass lets Stop through. Not
 * needed when the UI shares an interrupt flag in memory (cross-origin isolated pages).
 */
function yieldBetweenForwardPasses(model: CausalLM, needed: () => boolean): void {
  const forward = model.forward.bind(model);
  // A yield per token measurably slows decoding; one per stream interval keeps Stop prompt.
  const gate = new FlushGate();
  model.forward = async (inputs: unknown) => {
    if (needed() && gate.pass()) await yieldToEventLoop();
    return forward(inputs as never);
  };
}

/** Whether the model's text layers include linear attention (a recurrent state per layer). */
function hasLinearAttention(config: Record<string, unknown>): boolean {
  const text = (typeof config.text_config === 'object' && config.text_config ? config.text_config : config) as Record<string, unknown>;
  return Array.isArray(text.layer_types) && text.layer_types.includes('linear_attention');
}

/** A cache whose tensors are copies, so generating from it leaves the original as it was. */
function copyCache(tf: Transformers, kv: KvCache): KvCache {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(kv)) {
    if (tensor instanceof tf.Tensor) entries[name] = new tf.Tensor(tensor.type, (tensor.data as Float32Array).slice(), tensor.dims);
  }
  return new tf.DynamicCache(entries);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

async function warmUp(tokenizer: Tokenizer, model: CausalLM): Promise<void> {
  const inputs = tokenizer(WARMUP_TEXT) as unknown as { input_ids: Tensor; attention_mask: Tensor };
  // Two new tokens run both the prefill graph path and one cached decode step.
  await model.generate({ ...inputs, max_new_tokens: 2, do_sample: false } as never);
}

/**
 * Splitting stored weights into graph + data (a model stored by an earlier version, or fetched
 * without a listed size) reads the whole file once: the Load line says so, with how far it is, at
 * most once per whole percent.
 */
function preparingReporter(onEvent: EngineEventHandler): (fraction: number) => void {
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    onEvent({ type: 'progress', phase: 'init', stage: PREPARING_WEIGHTS, fraction, loadedBytes: 0, totalBytes: 0, bytesPerSecond: null, etaSeconds: null, files: [] });
  };
}

function fractionOf(snapshot: DownloadSnapshot): number | null {
  return snapshot.totalBytes > 0 ? Math.min(1, snapshot.loadedBytes / snapshot.totalBytes) : null;
}

function actualWasmThreads(tf: Transformers): number {
  const onnx = tf.env.backends.onnx as { wasm?: { numThreads?: number } };
  return onnx.wasm?.numThreads ?? 1;
}

/** Maps what transformers.js / onnxruntime throw during loading to our named errors. */
export function describeLoadError(error: unknown, model: ModelRef, backend: Backend): Error {
  if (error instanceof EngineError) return error;
  const lost = asGpuDeviceLost(error);
  if (lost) return lost;
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Could not locate file: "([^"]+)"/.exec(message);
  if (missing) {
    const file = missing[1].split(`/resolve/`)[1]?.split('/').slice(1).join('/') ?? missing[1];
    return new ModelFileMissingError(model.repoId, decodeURIComponent(file));
  }
  if (/Failed to fetch|NetworkError|network error|ERR_/i.test(message)) {
    return new NetworkError(`Downloading "${model.repoId}" from ${model.hub} failed: ${message}`);
  }
  if (backend === 'webgpu' && /webgpu|gpu|adapter|device/i.test(message)) {
    return new BackendUnavailableError(`WebGPU could not run "${model.repoId}": ${message}`);
  }
  const wrapped = new EngineError(`Loading "${model.repoId}" failed: ${message}`);
  return wrapped;
}
