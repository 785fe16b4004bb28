// The one contract every inference runtime implements, and the typed events that flow back
// from a worker to the UI. The worker protocol (workers/inference.worker.ts) is this interface
// exposed through comlink; nothing else crosses the thread boundary.

import type { ModelShape } from '../hardware/model-shapes';
import type { PictureSizing } from '../vision/image-budget';

export type Backend = 'webgpu' | 'wasm';

/** Weight formats, named the way transformers.js names its ONNX files. */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export type EngineKind = 'transformers' | 'webllm' | 'llamacpp';

export interface ModelRef {
  engine: EngineKind;
  /** Hub repository id, `org/name`. */
  repoId: string;
  revision: string;
  /** Hub base URL (the public hub or an on-prem mirror), no trailing slash. */
  hub: string;
}

export interface LoadOptions {
  /** WASM threads; ignored on WebGPU. */
  wasmThreads: number;
  /** Size and sha256 of each repo file as the hub listed them; downloads are checked against it. */
  listing?: Record<string, { size: number; sha256: string | null }> | null;
  /** The WebLLM build to run; required when the model's engine is 'webllm'. */
  webllm?: WebLLMModelSpec;
  /** The GGUF file(s) to run; required when the model's engine is 'llamacpp'. */
  gguf?: GgufLoadSpec;
  /** onnxruntime-web choices forced for measuring one against another (`?ort-build=`, `?ort-opt=`). */
  ort?: OrtOverrides;
}

/**
 * onnxruntime-web's WebAssembly builds: asyncify (what WebGPU needs), plain (CPU only) and JSPI
 * (CPU and WebGPU, needs `WebAssembly.Suspending`; the only one that reads external data from a Blob).
 */
export type OrtBuild = 'asyncify' | 'plain' | 'jspi';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtOverrides {
  build?: OrtBuild;
  graphOptimizationLevel?: GraphOptimizationLevel;
}

/** How onnxruntime-web ran a load. */
export interface OrtSetup {
  build: OrtBuild;
  graphOptimizationLevel: GraphOptimizationLevel;
  /** Whether the weights in `.onnx_data` files went to the runtime as Blobs from the store, never whole in JS. */
  externalDataAsBlob: boolean;
}

/** What llama.cpp loads: repo paths of one GGUF file, or of every part of a split one in order. */
export interface GgufLoadSpec {
  files: string[];
}

/** A WebLLM (MLC) build: its WebLLM model id and compiled model library, from the catalog. */
export interface WebLLMModelSpec {
  /** WebLLM's `model_id`, e.g. `Qwen3-0.6B-q4f16_1-MLC`; the repo is `mlc-ai/<modelId>`. */
  modelId: string;
  /** File name of the compiled WebGPU library, e.g. `Qwen3-0.6B-q4f16_1_cs1k-webgpu.wasm`. */
  modelLib: string;
  vramRequiredMB: number;
  requiredFeatures: readonly string[];
  /** Context window the library was compiled for. */
  contextWindow: number;
  modelType: string;
  /** Knows the Qwen3 `enable_thinking` switch. */
  thinkingToggle: boolean;
  /** WebLLM's `max_history_size` override, where its own record sets one (Qwen3.5: 1). */
  maxHistorySize?: number;
}

/** 'tool' carries a tool's result back to the model, after the assistant message that called it. */
export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** A function the model may call, as OpenAI-style chat APIs and chat templates describe it. */
export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments object. */
    parameters: Record<string, unknown>;
  };
}

/** One call the model made: the function's name and its arguments. */
export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * A picture in a message, already resized on the device to exactly what the model reads (see
 * vision/image-budget.ts): the worker feeds these pixels as they are.
 */
export interface ChatImage {
  /** What the user calls it: the file name, or "pasted picture". */
  name: string;
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  rgba: Uint8ClampedArray;
}

export interface ChatMessage {
  role: Role;
  content: string;
  /**
   * Pictures of a user message, shown to the model before its text. An engine whose model can't
   * see refuses them with ImagesUnsupportedError rather than answer without them.
   */
  images?: readonly ChatImage[];
  /** Calls an assistant message made; the template writes them in the model's own call format. */
  toolCalls?: ToolCall[];
}

/** Whether the loaded model reads pictures, declared by the engine once it has loaded. */
export type ImageSupport =
  | ({ supported: true } & PictureSizing)
  | { supported: false; /** Why not, in words a view can show beside a disabled control. */ reason: string };

export interface GenerationParams {
  maxNewTokens: number;
  /** 0 means greedy decoding. */
  temperature: number;
  topP: number;
  /** Qwen3-style reasoning; templates that don't know the flag ignore it. */
  enableThinking: boolean;
  /**
   * Functions the model may call, rendered by the model's own chat template. An engine whose model
   * can't take them rejects with ToolsUnsupportedError rather than answer without them.
   */
  tools?: ToolDefinition[];
}

/**
 * A load's phases, each its own wall-clock time in ms. Some run side by side (the tokenizer is
 * built and the runtime started while the weights are read), so they can add up to more than the load.
 */
export interface LoadPhases {
  /** Reading the weights out of the model store (less the sessions' creation, which is in between). */
  storeReadMs: number;
  /** Building the tokenizer (or processor) from its files. */
  tokenizerMs: number;
  /** The runtime's own start: fetching and compiling its WebAssembly, starting its threads. 0 once started. */
  engineStartMs: number;
  /** Creating the ONNX session(s) from the bytes read: parsing, graph optimisation, weights placed. */
  sessionCreateMs: number;
  /** One tiny forward pass so the first real answer doesn't pay for kernel compilation. */
  warmupMs: number;
}

export interface LoadMetrics extends Partial<Omit<LoadPhases, 'warmupMs'>> {
  /** From load start until every file was in the store (a check only, when it was stored already). */
  downloadMs: number;
  /** From then until the session(s) were created: store read, tokenizer, runtime start and session creation. */
  sessionInitMs: number;
  /** One tiny forward pass so the first real answer doesn't pay for kernel compilation. */
  warmupMs: number;
  totalMs: number;
  /** Bytes of all the model's files. */
  bytes: number;
  /** Bytes that came over the network this time: 0 when the model was already stored. */
  fetchedBytes: number;
  /**
   * Bytes read back out of the model store, by phase, where the engine counts them (llama.cpp):
   * the app's read of the file's header, and the runtime's own load of the model; `weights` are
   * the bytes of all reads that began in the tensor data (one pass over the weights is their size).
   */
  storeBytesRead?: { header: number; model: number; weights: number };
}

export interface GenerationMetrics {
  /** Tokens in the rendered prompt. */
  promptTokens: number;
  /** Prompt tokens already in the KV cache from the previous turn, so not recomputed. */
  cachedTokens: number;
  /** Prompt tokens actually run through the model before the first new token. */
  prefillTokens: number;
  prefillMs: number;
  prefillTokensPerSecond: number;
  timeToFirstTokenMs: number;
  /** New tokens produced, including the first one. */
  generatedTokens: number;
  /** Time from the first token to the last. */
  decodeMs: number;
  /** Tokens after the first one, over decodeMs. */
  decodeTokensPerSecond: number;
  totalMs: number;
  stopReason: StopReason;
  /** Tokens the pictures of the prompt took (part of promptTokens); absent when there were none. */
  imageTokens?: number;
  /** Time the vision encoder took for those pictures (part of the time to first token). */
  imageEncodeMs?: number;
}

/** context-full: the answer stopped because prompt and answer filled the model's context. */
export type StopReason = 'eos' | 'max-tokens' | 'context-full' | 'interrupted';

export interface ProgressFile {
  file: string;
  loadedBytes: number;
  totalBytes: number;
}

export type EngineEvent =
  | {
      type: 'progress';
      phase: 'download' | 'init' | 'warmup';
      /** 0..1 over all files of the download phase; null when totals are unknown. */
      fraction: number | null;
      loadedBytes: number;
      totalBytes: number;
      /** Download speed over the last seconds; null before it can be measured. */
      bytesPerSecond: number | null;
      /** Seconds left at that speed; null when unknown. */
      etaSeconds: number | null;
      files: ProgressFile[];
      /** What the engine is doing, in its own words, where it says more than the phase. */
      stage?: string;
    }
  /** New text of the answer (batched: at most one every STREAM_INTERVAL_MS); the deltas add up to the whole answer. */
  | { type: 'token'; text: string }
  /** The numbers so far, at most one every LIVE_NUMBERS_INTERVAL_MS; the final ones come with the result. */
  | { type: 'live'; numbers: LiveGenerationNumbers };

/** What can be said about an answer while it is still streaming. */
export interface LiveGenerationNumbers {
  generatedTokens: number;
  /** null until the first token arrived. */
  timeToFirstTokenMs: number | null;
  /** null until two tokens arrived. */
  decodeTokensPerSecond: number | null;
}

export type EngineEventHandler = (event: EngineEvent) => void;

export interface RuntimeInfo {
  backend: Backend;
  dtype: Dtype;
  /** Threads onnxruntime-web actually runs with (it silently drops to 1 without isolation). */
  wasmThreads: number;
  crossOriginIsolated: boolean;
  contextLength: number | null;
  modelType: string | null;
  /** The sizes that decide its speed (from the loaded config); null when the engine has no config. */
  shape: ModelShape | null;
  /** Whether it reads pictures; absent from runtimes recorded before pictures existed. */
  images?: ImageSupport;
  /** Weights per ONNX session when the model has several (embeddings, decoder, vision). */
  sessionDtypes?: Readonly<Record<string, Dtype>>;
  /** How onnxruntime-web ran it; absent for other runtimes. */
  onnxRuntime?: OrtSetup;
  /** Layers llama.cpp placed on the GPU, of all it has, on WebGPU; absent for other runtimes and on WASM. */
  gpuLayers?: { offloaded: number; total: number };
}

export interface LoadResult {
  runtime: RuntimeInfo;
  metrics: LoadMetrics;
}

/** A whole answer: its text (the token deltas joined) and its final numbers. */
export interface GenerationResult {
  text: string;
  metrics: GenerationMetrics;
}

/** What `Engine.topTokens` returns: the tokens fed in, and the top-1 prediction after each. */
export interface TopTokens {
  tokens: number[];
  top: number[];
}

export interface Engine {
  /** The worker API's `load` takes the same arguments in the same order. */
  load(model: ModelRef, backend: Backend, dtype: Dtype, options: LoadOptions, onEvent: EngineEventHandler): Promise<LoadResult>;
  /**
   * Streams the answer as `token` and `live` events and resolves with its final numbers.
   * @param interruptFlag shared-memory Stop flag (see interrupt-flag.ts), checked after every
   *   token; null where SharedArrayBuffer is unavailable.
   */
  generate(
    messages: ChatMessage[],
    params: GenerationParams,
    onEvent: EngineEventHandler,
    interruptFlag?: Int32Array | null,
  ): Promise<GenerationMetrics>;
  /** Ask a running generation to stop after the current token. */
  interrupt(): void;
  /** Abort a download in progress; the load rejects with DownloadCancelledError. */
  cancelLoad(): void;
  /** Forget the conversation's KV cache. */
  resetConversation(): Promise<void>;
  /**
   * The most likely next token after each of the first `positions` tokens of `text`, from one
   * forward pass over them all (teacher forcing: the model is fed the text, not its own picks).
   * The GPU correctness check compares these between WebGPU and WASM on the same weights.
   */
  topTokens(text: string, positions: number): Promise<TopTokens>;
  unload(): Promise<void>;
}
