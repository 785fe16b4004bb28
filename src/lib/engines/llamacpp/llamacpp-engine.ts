// llama.cpp (wllama: llama.cpp compiled to WebAssembly, with WebGPU where the browser offers it)
// behind the app's Engine interface, for GGUF models. It runs inside its own worker
// (workers/llamacpp.worker.ts); wllama starts its own worker and threads beneath it. The GGUF
// files come from the app's model store, never from wllama's downloader, and its WebAssembly from
// this origin: nothing here reaches a CDN.
import type { ChatCompletionChunk, ChatCompletionMessage, LoadModelParams, Wllama } from '@wllama/wllama';
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
import { DownloadCancelledError, GenerationBusyError, ImagesUnsupportedError, ModelNotLoadedError, UnsupportedModelError } from '../errors';
import { FlushGate, LIVE_NUMBERS_INTERVAL_MS } from '../flush-gate';
import { isInterruptRaised } from '../interrupt-flag';
import { GenerationClock } from '../../metrics/generation-clock';
import type { DownloadSnapshot } from '../../models/download/model-download';
import { storeGgufFiles } from './gguf-files';
import { isWllamaAbort, translateWllamaError } from './llamacpp-errors';
import { metricsFromTimings, stopReasonOf, type LlamaCppFinishReason, type LlamaCppTimings } from './llamacpp-metrics';
import { LlamaCppLoadLog, noGpuLayersError } from './llamacpp-load-log';
import { splitByVocabulary, topTokenOf, vocabularyOf } from './llamacpp-top-tokens';
import { readGgufHeader } from '../../models/gguf/gguf-reader';

/**
 * The context llama.cpp is started with: the model's own where smaller. Its KV cache is allocated
 * whole at load, so a model's full 40k context would cost hundreds of MB before the first word;
 * 4096 is what WebLLM's builds are compiled for, so the two read alike.
 */
export const LLAMA_CPP_CONTEXT = 4096;

interface Loaded {
  wllama: Wllama;
  model: ModelRef;
  runtime: RuntimeInfo;
  /** The GGUF's first part, whose header holds the vocabulary. */
  firstPart: File;
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
    const wllama = new Wllama({ default: this.wasmUrl }, { suppressNativeLog: false, logger: { debug: add, log: add, warn: console.warn, error: console.error } });
    // Without this wllama fetches a "compat" build from a CDN for some browsers.
    wllama.setCompat(null);
    const contextLength = Math.min(stored.info.contextLength ?? LLAMA_CPP_CONTEXT, LLAMA_CPP_CONTEXT);
    const params: LoadModelParams = {
      n_threads: Math.max(1, options.wasmThreads),
      // Every layer on the GPU with WebGPU, none on WASM (wllama would offload whenever navigator.gpu exists).
      n_gpu_layers: backend === 'webgpu' ? 999 : 0,
      n_ctx: contextLength,
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
    this.#loaded = { wllama, model, runtime, firstPart: stored.blobs[0]! };
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
    const run = this.#generate(loaded, messages, params, onEvent, interruptFlag);
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = null;
    }
  }

  async #generate({ wllama, model, runtime }: Loaded, messages: ChatMessage[], params: GenerationParams, onEvent: EngineEventHandler, interruptFlag: Int32Array | null): Promise<GenerationMetrics> {
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
    let thinkingOpen = false;
    try {
      const stream = await wllama.createChatCompletion({
        messages: toWllamaMessages(messages),
        ...(params.tools?.length ? { tools: params.tools as never } : {}),
        max_tokens: params.maxNewTokens,
        temperature: params.temperature,
        top_p: params.topP,
        chat_template_kwargs: { enable_thinking: params.enableThinking },
        stream: true,
        abortSignal: abort.signal,
      });
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        if (isInterruptRaised(interruptFlag)) abort.abort();
        const choice = chunk.choices[0];
        const delta = choice?.delta as { content?: string | null; reasoning_content?: string | null } | undefined;
        // Reasoning parsed apart (should a template force it) goes back inside <think>, as the app reads it.
        let text = '';
        if (delta?.reasoning_content) {
          text += (thinkingOpen ? '' : '<think>') + delta.reasoning_content;
          thinkingOpen = true;
        }
        if (delta?.content) {
          text += (thinkingOpen ? '</think>' : '') + delta.content;
          thinkingOpen = false;
        }
        if (text) {
          // One chunk per sampled token.
          clock.tokenArrived();
          pending += text;
          if (gate.pass()) flush();
          if (liveGate.pass()) onEvent({ type: 'live', numbers: clock.live() });
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.timings) timings = chunk.timings;
      }
    } catch (error) {
      if (!(abort.signal.aborted && isWllamaAbort(error))) {
        flush();
        throw translateWllamaError(error, { repoId: model.repoId, backend: runtime.backend, contextLength: runtime.contextLength });
      }
    } finally {
      this.#answerAbort = null;
    }
    if (thinkingOpen && !abort.signal.aborted) pending += '</think>';
    flush();
    const interrupted = abort.signal.aborted;
    const stopReason = stopReasonOf(finish, interrupted, clock.generatedTokens < params.maxNewTokens);
    // Without timings (Stop ended the stream) the prompt's size is unknown; the clock's numbers stand.
    const measured = clock.finish({ promptTokens: 0, cachedTokens: 0 }, stopReason);
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
    const run = (async () => {
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
          throw translateWllamaError(error, { repoId: loaded.model.repoId, backend: loaded.runtime.backend, contextLength: loaded.runtime.contextLength });
        }
      }
      return { tokens, top };
    })();
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = null;
    }
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

/** The app's messages in the OpenAI shape wllama renders with the GGUF's own chat template. */
export function toWllamaMessages(messages: readonly ChatMessage[]): ChatCompletionMessage[] {
  let callId = 0;
  let lastCallIds: string[] = [];
  return messages.map((message): ChatCompletionMessage => {
    switch (message.role) {
      case 'assistant': {
        lastCallIds = (message.toolCalls ?? []).map(() => `call_${callId++}`);
        return {
          role: 'assistant',
          content: message.content,
          ...(message.toolCalls?.length
            ? { tool_calls: message.toolCalls.map((call, i) => ({ id: lastCallIds[i]!, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) }
            : {}),
        };
      }
      case 'tool':
        // Results follow the calls in order; the template pairs them by position.
        return { role: 'tool', content: message.content, tool_call_id: lastCallIds.shift() ?? `call_${callId++}` };
      default:
        return { role: message.role, content: message.content };
    }
  });
}

/** The WebGPU adapter this worker gets, in words, and whether it offers shader-f16; null when there is none. */
async function describeAdapter(): Promise<{ description: string; shaderF16: boolean } | null> {
  // Typed here: the worker's lib has no WebGPU types.
  interface Adapter {
    features: ReadonlySet<string>;
    info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  }
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture || info?.description].filter(Boolean).join(' ') || 'unnamed';
  return { description: `${name}${info?.isFallbackAdapter ? ', software' : ''}`, shaderF16: adapter.features.has('shader-f16') };
}

function fractionOf(snapshot: DownloadSnapshot): number | null {
  return snapshot.totalBytes > 0 ? Math.min(1, snapshot.loadedBytes / snapshot.totalBytes) : null;
}
