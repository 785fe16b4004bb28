// An inference "worker" for node tests: the real worker API (createInferenceApi) exposed through
// comlink over a MessageChannel, driving a scripted engine instead of transformers.js. Everything
// between ModelWorker and the engine is the real code; only the thread and the model are stand-ins.
import { expose, wrap } from 'comlink';
import { createInferenceApi, type InferenceApi } from '../../../src/lib/engines/inference-api';
import type { StartInferenceWorker } from '../../../src/lib/engines/worker-client';
import { isInterruptRaised } from '../../../src/lib/engines/interrupt-flag';
import { GenerationClock } from '../../../src/lib/metrics/generation-clock';
import { DownloadCancelledError } from '../../../src/lib/engines/errors';
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
  TopTokens,
} from '../../../src/lib/engines/types';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `tokens` one every `tokenDelayMs`, checking Stop between them, like the real engines. */
export class ScriptedEngine implements Engine {
  tokens = ['Hel', 'lo', ' the', 're'];
  tokenDelayMs = 5;
  /** A long prefill: neither the flag nor interrupt() ends it. */
  ignoresStop = false;
  /** Thrown by the next generate(), once. */
  failNextGenerate: Error | null = null;
  failLoad: Error | null = null;
  loadDelayMs = 0;
  /**
   * The load reports this stage and stays in it: a download until cancelLoad() (then it rejects
   * with DownloadCancelledError, like the real engines); starting and warm-up for good, like the
   * wasm calls there that no message reaches.
   */
  stallIn: 'download' | 'init' | 'warmup' | null = null;
  /** A download that goes on despite cancelLoad() (a file read the abort doesn't reach). */
  ignoresCancel = false;
  #cancelDownload: (() => void) | null = null;
  loads: { model: ModelRef; backend: Backend; dtype: Dtype; options: LoadOptions }[] = [];
  generations: ChatMessage[][] = [];
  resets = 0;
  /**
   * The top-1 token this engine predicts after each fed token; by default the next character of
   * the text (a model that reads perfectly). A test makes a "GPU" that gets some wrong here.
   */
  predict: (tokens: number[]) => number[] = (tokens) => tokens.map((_, i) => tokens[i + 1] ?? 0);
  #interrupted = false;

  async load(model: ModelRef, backend: Backend, dtype: Dtype, options: LoadOptions, onEvent: EngineEventHandler): Promise<LoadResult> {
    this.loads.push({ model, backend, dtype, options });
    onEvent({ type: 'progress', phase: 'download', fraction: 0.5, loadedBytes: 5, totalBytes: 10, bytesPerSecond: null, etaSeconds: null, files: [] });
    if (this.stallIn === 'download') {
      await new Promise((_, reject) => (this.#cancelDownload = () => reject(new DownloadCancelledError())));
    } else if (this.stallIn) {
      onEvent({ type: 'progress', phase: this.stallIn, fraction: 1, loadedBytes: 10, totalBytes: 10, bytesPerSecond: null, etaSeconds: 0, files: [] });
      await new Promise<never>(() => {});
    }
    await delay(this.loadDelayMs);
    if (this.failLoad) throw this.failLoad;
    return {
      runtime: { backend, dtype, wasmThreads: options.wasmThreads, crossOriginIsolated: false, contextLength: 2048, modelType: 'qwen3', shape: null },
      metrics: { downloadMs: 1, sessionInitMs: 1, warmupMs: 1, totalMs: 3, bytes: 10, fetchedBytes: 10 },
    };
  }

  async generate(messages: ChatMessage[], _params: GenerationParams, onEvent: EngineEventHandler, flag: Int32Array | null = null): Promise<GenerationMetrics> {
    this.generations.push(messages);
    this.#interrupted = false;
    const failure = this.failNextGenerate;
    this.failNextGenerate = null;
    if (failure) throw failure;
    if (this.ignoresStop) return new Promise<never>(() => {});
    const clock = new GenerationClock();
    clock.start();
    const prompt = { promptTokens: 7, cachedTokens: 0 };
    for (const token of this.tokens) {
      await delay(this.tokenDelayMs);
      if (this.#interrupted || isInterruptRaised(flag)) return clock.finish(prompt, 'interrupted');
      clock.tokenArrived();
      onEvent({ type: 'token', text: token });
      onEvent({ type: 'live', numbers: clock.live() });
    }
    return clock.finish(prompt, 'eos');
  }

  interrupt(): void {
    this.#interrupted = true;
  }

  cancelLoad(): void {
    if (!this.ignoresCancel) this.#cancelDownload?.();
  }

  async resetConversation(): Promise<void> {
    this.resets++;
  }

  async topTokens(text: string, positions: number): Promise<TopTokens> {
    const tokens = [...text].slice(0, positions).map((c) => c.codePointAt(0)!);
    return { tokens, top: this.predict(tokens) };
  }

  async unload(): Promise<void> {}
}

export interface FakeWorker {
  engine: ScriptedEngine;
  terminated: boolean;
  /** The worker dies by itself (what a crash or an out-of-memory kill looks like from the page). */
  crash(reason: string): void;
}

/** A starter for ModelWorker/ModelSession and the workers it started, newest last. */
export function fakeInferenceWorkers(configure: (engine: ScriptedEngine) => void = () => {}) {
  const started: FakeWorker[] = [];
  const start: StartInferenceWorker = async (onExit) => {
    const engine = new ScriptedEngine();
    configure(engine);
    const { port1, port2 } = new MessageChannel();
    expose(createInferenceApi(async () => engine), port2);
    const api = wrap<InferenceApi>(port1);
    const close = () => {
      port1.close();
      port2.close();
    };
    const worker: FakeWorker = {
      engine,
      terminated: false,
      crash: (reason) => {
        close();
        onExit(reason);
      },
    };
    started.push(worker);
    return {
      api,
      terminate: () => {
        worker.terminated = true;
        close();
      },
    };
  };
  return { start, started };
}
