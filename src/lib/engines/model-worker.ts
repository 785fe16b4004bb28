// One inference worker and the only way to use it: load a model, answer (text deltas, live
// numbers, final numbers), stop, and come through a crash. Every call races the worker's life,
// so a worker that crashed or was ended never leaves a caller waiting. ModelSession owns one.
//
// Stop: the shared-memory interrupt flag (seen by the engine after every token) plus an
// `interrupt()` message for pages without SharedArrayBuffer. A long prefill can't be stopped
// between tokens, so if the answer hasn't ended within HARD_STOP_AFTER_MS the worker is ended.
//
// Cancel (a load): a download stops when the engine is asked. Creating the sessions and warming up
// are wasm calls that no message reaches, so past the download the worker is ended at once.
import { proxy, type Remote } from 'comlink';
import type { InferenceApi } from './inference-api';
import type { StartInferenceWorker, InferenceEndpoint } from './worker-client';
import { createInterruptFlag, raiseInterrupt, type InterruptFlag } from './interrupt-flag';
import {
  GenerationBusyError,
  LoadCancelledError,
  ModelNotLoadedError,
  StopTimeoutError,
  WorkerCrashedError,
  WorkerEndedError,
} from './errors';
import type {
  Backend,
  ChatMessage,
  Dtype,
  EngineEvent,
  GenerationParams,
  GenerationResult,
  LiveGenerationNumbers,
  LoadOptions,
  LoadResult,
  ModelRef,
  TopTokens,
} from './types';

/** How long Stop waits for the engine to stop by itself before the worker is ended. */
export const HARD_STOP_AFTER_MS = 1000;

export type ProgressEvent = Extract<EngineEvent, { type: 'progress' }>;

export interface AnswerOptions {
  /** Each new piece of the answer (batched by the engine). */
  onText?: (text: string) => void;
  /** Tokens so far, time to first token, decode speed: at most every LIVE_NUMBERS_INTERVAL_MS. */
  onLive?: (numbers: LiveGenerationNumbers) => void;
  /** Aborting stops the answer like stop(); the promise resolves with what was written. */
  signal?: AbortSignal;
  /** Start from an empty KV cache, so the whole prompt is prefilled (one-off questions, measurements). */
  fresh?: boolean;
}

/** idle: nothing was answering; stopped: the engine stopped by itself; ended: the worker was ended. */
export type StopOutcome = 'idle' | 'stopped' | 'ended';

export interface ModelWorkerHooks {
  /** The worker is gone without terminate(): it crashed (WorkerCrashedError) or ignored Stop (StopTimeoutError). */
  onLost(error: Error): void;
}

interface Life {
  endpoint: InferenceEndpoint;
  /** Rejects when this worker ends, for whatever reason. */
  ended: Promise<never>;
  end(error: Error): void;
}

interface Answering {
  settled: Promise<void>;
  flag: InterruptFlag | null;
}

interface Loading {
  settled: Promise<void>;
  /** The stage the engine last reported; null before its first report. */
  phase: ProgressEvent['phase'] | null;
}

export class ModelWorker {
  #life: Life | null = null;
  #starting: Promise<Life> | null = null;
  /** Bumped by terminate(), so a worker that finishes starting afterwards is ended at once. */
  #epoch = 0;
  /** What a call waiting for that worker rejects with. */
  #endedBy: Error = new WorkerEndedError();
  #answering: Answering | null = null;
  #loading: Loading | null = null;

  constructor(
    private readonly start: StartInferenceWorker,
    private readonly hooks: ModelWorkerHooks,
    private readonly hardStopAfterMs = HARD_STOP_AFTER_MS,
  ) {}

  get running(): boolean {
    return this.#life !== null;
  }

  load(
    model: ModelRef,
    backend: Backend,
    dtype: Dtype,
    options: LoadOptions,
    onProgress: (event: ProgressEvent) => void,
  ): Promise<LoadResult> {
    const loading: Loading = { settled: Promise.resolve(), phase: null };
    const events = proxy((event: EngineEvent) => {
      if (event.type !== 'progress') return;
      loading.phase = event.phase;
      onProgress(event);
    });
    const run = this.#call((api) => api.load(model, backend, dtype, options, events));
    loading.settled = run.then(() => {}, () => {});
    this.#loading = loading;
    return run.finally(() => {
      if (this.#loading === loading) this.#loading = null;
    });
  }

  async answer(messages: ChatMessage[], params: GenerationParams, options: AnswerOptions = {}): Promise<GenerationResult> {
    const { onText, onLive, signal, fresh = false } = options;
    signal?.throwIfAborted();
    if (this.#answering) throw new GenerationBusyError();
    const flag = createInterruptFlag();
    let text = '';
    const events = proxy((event: EngineEvent) => {
      if (event.type === 'token') {
        text += event.text;
        onText?.(event.text);
      } else if (event.type === 'live') {
        onLive?.(event.numbers);
      }
    });
    const run = this.#call(async (api) => {
      if (fresh) await api.resetConversation();
      return api.generate(messages, params, events, flag);
    });
    const answering: Answering = { settled: run.then(() => {}, () => {}), flag };
    this.#answering = answering;
    const onAbort = () => void this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const metrics = await run;
      return { text, metrics };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#answering === answering) this.#answering = null;
    }
  }

  /** Asks the answer in progress to stop after its current token; ends the worker if it won't. */
  async stop(): Promise<StopOutcome> {
    const answering = this.#answering;
    if (!answering) return 'idle';
    if (answering.flag) raiseInterrupt(answering.flag);
    void this.#life?.endpoint.api.interrupt().catch(() => {});
    if (await settlesWithin(answering.settled, this.hardStopAfterMs)) return 'stopped';
    const life = this.#life;
    if (!life) return 'ended';
    const error = new StopTimeoutError(this.hardStopAfterMs);
    this.#end(life, error);
    this.hooks.onLost(error);
    return 'ended';
  }

  /**
   * Cancels the load in progress. A download is asked to stop (the load rejects with the engine's
   * DownloadCancelledError, finished files kept); if it hasn't within the hard-stop time, or the
   * load is past the download, the worker is ended and the load rejects with LoadCancelledError.
   * The next call starts a fresh worker.
   */
  async cancelLoad(): Promise<StopOutcome> {
    const loading = this.#loading;
    if (!loading) return 'idle';
    if (loading.phase === 'download') {
      void this.#life?.endpoint.api.cancelLoad().catch(() => {});
      if (await settlesWithin(loading.settled, this.hardStopAfterMs)) return 'stopped';
    }
    this.terminate(new LoadCancelledError(loading.phase === 'init' || loading.phase === 'warmup' ? loading.phase : 'files'));
    return 'ended';
  }

  /** Forgets the conversation's KV cache. */
  async resetConversation(): Promise<void> {
    if (this.#life) await this.#call((api) => api.resetConversation());
  }

  /** The loaded model's top-1 token after each position of `text` (see Engine.topTokens). */
  async topTokens(text: string, positions: number): Promise<TopTokens> {
    if (!this.#life) throw new ModelNotLoadedError();
    return this.#call((api) => api.topTokens(text, positions));
  }

  /** Ends the worker now; calls in flight reject with `error`. The next call starts a fresh one. */
  terminate(error: Error = new WorkerEndedError()): void {
    this.#epoch++;
    this.#endedBy = error;
    if (this.#life) this.#end(this.#life, error);
  }

  async #call<T>(use: (api: Remote<InferenceApi>) => Promise<T>): Promise<T> {
    const life = await this.#alive();
    return Promise.race([use(life.endpoint.api), life.ended]);
  }

  #alive(): Promise<Life> {
    if (this.#life) return Promise.resolve(this.#life);
    this.#starting ??= this.#startWorker().finally(() => (this.#starting = null));
    return this.#starting;
  }

  async #startWorker(): Promise<Life> {
    const epoch = this.#epoch;
    let life: Life | null = null;
    const endpoint = await this.start((reason) => {
      if (life && this.#life === life) {
        const error = new WorkerCrashedError(`The inference worker died: ${reason}.`);
        this.#end(life, error);
        this.hooks.onLost(error);
      }
    });
    if (epoch !== this.#epoch) {
      endpoint.terminate();
      throw this.#endedBy;
    }
    let end: (error: Error) => void = () => {};
    const ended = new Promise<never>((_, reject) => (end = reject));
    ended.catch(() => {});
    life = { endpoint, ended, end };
    this.#life = life;
    return life;
  }

  #end(life: Life, error: Error): void {
    if (this.#life === life) this.#life = null;
    life.endpoint.terminate();
    life.end(error);
  }
}

/** True when `settled` settles within `ms`. */
async function settlesWithin(settled: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    settled.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return outcome;
}
