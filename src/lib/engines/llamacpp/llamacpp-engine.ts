// llama.cpp (wllama: llama.cpp compiled to WebAssembly, with WebGPU where the browser offers it)
// behind the app's Engine interface, for GGUF models. It runs inside its own worker
// (workers/llamacpp.worker.ts); wllama starts its own worker and threads beneath it. The GGUF
// files come from the app's model store, never from wllama's downloader, and its WebAssembly from
// this origin: nothing here reaches a CDN.
import type { ChatCompletionChunk, LoadModelParams, Wllama } from '@wllama/wllama';
import type {
  Backend,
  ChatMessage,
  Dtype,
  Engine,
  EngineEventHandler,
  GenerationMetrics,
  GenerationParams,
  LoadOptions,
  LoadResult,
  ModelRef,
  RuntimeInfo,
  TopTokens,
} from '../types';
import { DownloadCancelledError, GenerationBusyError, ImagesUnsupportedError, ModelNotLoadedError, ToolsUnsupportedError, UnsupportedModelError } from '../errors';
import { FlushGate, LIVE_NUMBERS_INTERVAL_MS } from '../flush-gate';
import { isInterruptRaised } from '../interrupt-flag';
import { GenerationClock } from '../../metrics/generation-clock';
import type { DownloadSnapshot } from '../../models/download/model-download';
import { storeGgufFiles } from './gguf-files';
import { isWllamaAbort, translateWllamaError } from './llamacpp-errors';
import { metricsFromTimings, stopReasonOf, type LlamaCppFinishReason, type LlamaCppTimings } from './llamacpp-metrics';
import { describeAdapter, LlamaCppLoadLog, noGpuLayersError } from './llamacpp-load-log';
import { templateTakesTools, toWllamaMessages } from './llamacpp-chat-request';
import { LlamaCppAnswerText, type LlamaCppDelta } from './llamacpp-answer-text';
import { splitByVocabulary, topTokenOf, vocabularyOf } from './llamacpp-top-tokens';
import { readGgufHeader } from '../../models/gguf/gguf-reader';
import { wasmMemoryParams } from './llamacpp-memory';

/**
 * The context llama.cpp is started with: the model's own where smaller. Its KV cache is allocated
 * whole at load, so a model's full 40k context would cost hundreds of MB before the first word;
 * 4096 is what WebLLM's builds are compiled for, so the two read alike.
 */
export const LLAMA_CPP_CONTEXT = 4096;

/** What wllama logs once its runtime is up, just before llama.cpp loads the model. */
const WLLAMA_LOADING_LINE = 'Loading model...';

interface Loaded {
  wllama: Wllama;
  model: ModelRef;
  runtime: RuntimeInfo;
  /** The GGUF's first part, whose header holds the vocabulary. */
  firstPart: File;
  /** tokenizer.chat_template from the GGUF's header; null when it has none. */
  chatTemplate: string | null;
}

export class LlamaCppEngine implements Engine {
  #loaded: Loaded | null = null;
  #loadAbort: AbortController | null = null;
  #answerAbort: AbortController | null = null;
  #running: Promise<unknown> | null = null;

  /** @param wasmUrl wllama's WebAssembly, served from this origin. */
  constructor(private readonly wasmUrl: string) {}

  async load(model: ModelRef, backend: Backend, dtype: Dtype, options: LoadOptions, onEvent: EngineEventHandler): Promise<LoadResult> {
    const spec = options.gguf;
    if (!spec?.files.length) throw new UnsupportedModelError(`"${model.repoId}" names no GGUF file to load for ${dtype}.`);
    await this.unload();
    const started = performance.now();
    const abort = new AbortController();
    this.#loadAbort = abort;
    let stored;
    try {
      stored = await storeGgufFiles({
        model,
        dtype,
        files: spec.files,
        listing: options.listing ?? null,
        signal: abort.signal,
        onProgress: (snapshot) => onEvent({ type: 'progress', phase: 'download', fraction: fractionOf(snapshot), ...snapshot }),
      });
    } catch (error) {
      if (abort.signal.aborted) throw new DownloadCancelledError();
      throw error;
    } finally {
      this.#loadAbort = null;
    }
    const downloadEnd = performance.now();
    onEvent({ type: 'progress', phase: 'init', fraction: 1, loadedBytes: stored.totalBytes, totalBytes: stored.totalBytes, bytesPerSecond: null, etaSeconds: 0, files: stored.files, stage: 'Starting llama.cpp' });

    const { Wllama } = await import('@wllama/wllama');
    // llama.cpp's load log is read, not printed (it lists every key and tensor): where the layers
    // went is only said there. Warnings and errors still reach the console.
    const log = new LlamaCppLoadLog();
    const add = (...parts: unknown[]) => log.add(...parts);
    // wllama starts its WebAssembly and threads, then says "Loading model..." and has llama.cpp
    // read the file: that line splits the runtime's start from the model's load.
    let modelLoadFrom: number | null = null;
    const debug = (...parts: unknown[]) => {
      if (modelLoadFrom === null && parts[0] === WLLAMA_LOADING_LINE) modelLoadFrom = performance.now();
      add(...parts);
    };
    const runtimeFrom = performance.now();
    const wllama = new Wllama({ default: this.wasmUrl }, { suppressNativeLog: false, logger: { debug, log: add, warn: console.warn, error: console.error } });
    // Without this wllama fetches a "compat" build from a CDN for some browsers.
    wllama.setCompat(null);
    const contextLength = Math.min(stored.info.contextLength ?? LLAMA_CPP_CONTEXT, LLAMA_CPP_CONTEXT);
    const params: LoadModelParams = {
      n_threads: Math.max(1, options.wasmThreads),
      // Every layer on the GPU with WebGPU, none on WASM (wllama would offload whenever navigator.gpu exists).
      n_gpu_layers: backend === 'webgpu' ? 999 : 0,
      n_ctx: contextLength,
      ...(backend === 'wasm' ? wasmMemoryParams(stored.heads) : {}),
      // The model's own text, think blocks and tool calls included, as the other engines stream it:
      // the app splits thinking and reads tool calls itself.
      reasoning_format: 'none',
      skip_chat_parsing: true,
    };
    try {
      await wllama.loadModel(stored.blobs, params);
    } catch (error) {
      await wllama.exit().catch(() => {});
      throw translateWllamaError(error, { repoId: model.repoId, backend, contextLength });
    }
    // The output layer is offloaded as one more layer, so llama.cpp counts blocks + 1.
    const gpuLayers = backend === 'webgpu' ? log.gpuLayers((stored.info.blockCount ?? 0) + 1) : undefined;
    if (gpuLayers && gpuLayers.offloaded === 0) {
      await wllama.exit().catch(() => {});
      throw noGpuLayersError(model.repoId, gpuLayers, await describeAdapter());
    }
    const done = performance.now();
    const modelLoadStart = modelLoadFrom ?? runtimeFrom;
    const runtime: RuntimeInfo = {
      backend,
      dtype,
      wasmThreads: backend === 'wasm' ? wllama.getNumThreads() : 0,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      contextLength,
      modelType: stored.info.architecture,
      // The header's sizes leave head size and tied embeddings to guess: no shape rather than a wrong one.
      shape: null,
      images: { supported: false, reason: `${model.repoId} runs in llama.cpp as text only: load Qwen3.5 (ONNX) to ask about a picture.` },
      ...(gpuLayers ? { gpuLayers } : {}),
    };
    this.#loaded = { wllama, model, runtime, firstPart: stored.blobs[0]!, chatTemplate: stored.info.chatTemplate };
    return {
      runtime,
      metrics: {
        downloadMs: downloadEnd - started,
        sessionInitMs: done - downloadEnd,
        // llama.cpp runs its own warm-up pass inside loadModel.
        warmupMs: 0,
        totalMs: done - started,
        bytes: stored.totalBytes,
        fetchedBytes: stored.fetchedBytes,
        // The shared phase words, for llama.cpp: its files opened in the store, the GGUF header read
        // (vocabulary and chat template live there), wllama's WebAssembly and threads started, and
        // llama.cpp's own load (the weights read out of the store, the KV cache allocated, its warm-up).
        storeReadMs: stored.timings.openMs + stored.timings.manifestMs,
        tokenizerMs: stored.timings.headerMs,
        engineStartMs: modelLoadStart - runtimeFrom,
        sessionCreateMs: done - modelLoadStart,
        storeBytesRead: { header: stored.headerBytesRead, model: stored.reads.bytes - stored.headerBytesRead, weights: stored.reads.tensorBytes },
      },
    };
  }

  async generate(messages: ChatMessage[], params: GenerationParams, onEvent: EngineEventHandler, interruptFlag: Int32Array | null = null): Promise<GenerationMetrics> {
    const loaded = this.#loaded;
    if (!loaded) throw new ModelNotLoadedError();
    if (this.#running) throw new GenerationBusyError();
    if (messages.some((message) => message.images?.length)) {
      throw new ImagesUnsupportedError(`${loaded.model.repoId} runs in llama.cpp as text only; the pictures were not sent.`);
    }
    if (params.tools?.length && !templateTakesTools(loaded.chatTemplate)) {
      throw new ToolsUnsupportedError(`The chat template in ${loaded.model.repoId} has no place for tools; llama.cpp would describe them in its own generic words instead, so they were not sent.`);
    }
    return this.#exclusive(this.#generate(loaded, messages, params, onEvent, interruptFlag));
  }

  /** One answer or check at a time: unload interrupts it and waits for it to end. */
  async #exclusive<T>(run: Promise<T>): Promise<T> {
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = null;
    }
  }

  async #generate(loaded: Loaded, messages: ChatMessage[], params: GenerationParams, onEvent: EngineEventHandler, interruptFlag: Int32Array | null): Promise<GenerationMetrics> {
    const { wllama } = loaded;
    const abort = new AbortController();
    this.#answerAbort = abort;
    const clock = new GenerationClock();
    clock.start();
    const gate = new FlushGate();
    const liveGate = new FlushGate(LIVE_NUMBERS_INTERVAL_MS);
    let pending = '';
    const flush = () => {
      if (pending) onEvent({ type: 'token', text: pending });
      pending = '';
    };
    let finish: LlamaCppFinishReason = null;
    let timings: LlamaCppTimings | null = null;
    let promptProgress: { total: number; cache: number } | null = null;
    const answer = new LlamaCppAnswerText();
    try {
      const stream = await wllama.createChatCompletion({
        messages: toWllamaMessages(messages),
        ...(params.tools?.length ? { tools: params.tools as never } : {}),
        max_tokens: params.maxNewTokens,
        temperature: params.temperature,
        top_p: params.topP,
        chat_template_kwargs: { enable_thinking: params.enableThinking },
        stream: true,
        // The prompt's size as llama.cpp counted it, early: Stop can end the stream before the timings.
        return_progress: true,
        abortSignal: abort.signal,
      });
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        if (isInterruptRaised(interruptFlag)) abort.abort();
        const choice = chunk.choices[0];
        const text = answer.add(choice?.delta as LlamaCppDelta | undefined);
        if (text) {
          // One chunk per sampled token.
          clock.tokenArrived();
          pending += text;
          if (gate.pass()) flush();
          if (liveGate.pass()) onEvent({ type: 'live', numbers: clock.live() });
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.timings) timings = chunk.timings;
        if (chunk.prompt_progress) promptProgress = chunk.prompt_progress;
      }
    } catch (error) {
      if (!(abort.signal.aborted && isWllamaAbort(error))) {
        flush();
        throw translateWllamaError(error, errorContext(loaded));
      }
    } finally {
      this.#answerAbort = null;
    }
    pending += answer.end(abort.signal.aborted);
    flush();
    const interrupted = abort.signal.aborted;
    const stopReason = stopReasonOf(finish, interrupted, clock.generatedTokens < params.maxNewTokens);
    // Without timings (Stop ended the stream) the prompt's size comes from llama.cpp's progress
    // report and the times from the clock.
    const measured = clock.finish({ promptTokens: promptProgress?.total ?? 0, cachedTokens: promptProgress?.cache ?? 0 }, stopReason);
    return metricsFromTimings(measured, timings);
  }

  interrupt(): void {
    this.#answerAbort?.abort();
  }

  cancelLoad(): void {
    this.#loadAbort?.abort();
  }

  /** llama.cpp keeps the previous prompt's KV cache and reuses the part a new prompt shares: nothing to drop. */
  async resetConversation(): Promise<void> {}

  /** See llamacpp-top-tokens.ts: one one-token completion per prefix of the text, the top token from llama.cpp's `n_probs`. */
  async topTokens(text: string, positions: number): Promise<TopTokens> {
    const loaded = this.#loaded;
    if (!loaded) throw new ModelNotLoadedError();
    if (this.#running) throw new GenerationBusyError();
    return this.#exclusive(this.#topTokens(loaded, text, positions));
  }

  async #topTokens(loaded: Loaded, text: string, positions: number): Promise<TopTokens> {
    const pieces = splitByVocabulary(text, vocabularyOf((await readGgufHeader(loaded.firstPart)).metadata));
    const tokens = pieces.ids.slice(0, positions);
    const top: number[] = [];
    for (const prompt of pieces.prefixes.slice(0, positions)) {
      try {
        const response = await loaded.wllama.createCompletion({
          prompt,
          max_tokens: 1,
          temperature: 0,
          n_probs: 1,
          cache_prompt: true,
        } as never);
        top.push(topTokenOf(response));
      } catch (error) {
        throw translateWllamaError(error, errorContext(loaded));
      }
    }
    return { tokens, top };
  }

  async unload(): Promise<void> {
    if (this.#running) {
      this.interrupt();
      await this.#running.catch(() => {});
    }
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.wllama.exit();
  }
}

/** What a wllama error is translated against: the model, its backend and the context it was given. */
function errorContext({ model, runtime }: Loaded): Parameters<typeof translateWllamaError>[1] {
  return { repoId: model.repoId, backend: runtime.backend, contextLength: runtime.contextLength };
}

function fractionOf(snapshot: DownloadSnapshot): number | null {
  return snapshot.totalBytes > 0 ? Math.min(1, snapshot.loadedBytes / snapshot.totalBytes) : null;
}
