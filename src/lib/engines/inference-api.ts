// The API object the inference worker exposes through comlink. It lives in its own module so it
// can be unit-tested without a Worker; workers/inference.worker.ts only `expose`s it.
// Protocol: every method is async from the UI's side; `onEvent` arrives as a Comlink.proxy and
// receives the EngineEvent union (progress, token, live) while a call runs. `generate` resolves
// with the final numbers only: the text has already arrived as `token` deltas.
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
  TopTokens,
} from './types';
import { releaseProxy } from 'comlink';
import { ModelNotLoadedError } from './errors';

export type EngineFactory = (kind: ModelRef['engine']) => Promise<Engine>;

export function createInferenceApi(createEngine: EngineFactory) {
  let engine: Engine | null = null;
  let engineKind: ModelRef['engine'] | null = null;

  return {
    async load(model: ModelRef, backend: Backend, dtype: Dtype, options: LoadOptions, onEvent: EngineEventHandler): Promise<LoadResult> {
      if (engine && engineKind !== model.engine) {
        await engine.unload();
        engine = null;
      }
      if (!engine) {
        engine = await createEngine(model.engine);
        engineKind = model.engine;
      }
      try {
        return await engine.load(model, backend, dtype, options, onEvent);
      } finally {
        release(onEvent);
      }
    },

    async generate(
      messages: ChatMessage[],
      params: GenerationParams,
      onEvent: EngineEventHandler,
      interruptFlag: Int32Array | null = null,
    ): Promise<GenerationMetrics> {
      if (!engine) throw new ModelNotLoadedError();
      const events = deliveredInOrder(onEvent);
      try {
        const metrics = await engine.generate(messages, params, events.handler, interruptFlag);
        // The result travels on the API's port, the events on the callback's own port: without
        // this the result could overtake the last text delta.
        await events.allDelivered();
        return metrics;
      } finally {
        release(onEvent);
      }
    },

    interrupt(): void {
      engine?.interrupt();
    },

    cancelLoad(): void {
      engine?.cancelLoad();
    },

    async resetConversation(): Promise<void> {
      await engine?.resetConversation();
    },

    async topTokens(text: string, positions: number): Promise<TopTokens> {
      if (!engine) throw new ModelNotLoadedError();
      return engine.topTokens(text, positions);
    },

    async unload(): Promise<void> {
      await engine?.unload();
    },

    /**
     * Takes a Web Lock and keeps it until this worker ends. The main thread queues for the same
     * lock, so being granted it means the worker died. Resolves once the lock is held.
     */
    holdLifeLock(name: string): Promise<void> {
      return new Promise<void>((held) => {
        void navigator.locks.request(name, () => {
          held();
          return new Promise<never>(() => {});
        });
      });
    },
  };
}

export type InferenceApi = ReturnType<typeof createInferenceApi>;

/**
 * Wraps a comlink-proxied callback so the caller can wait until the page has handled every event
 * sent so far: each call returns a promise that settles once it was handled, and calls on one
 * port are handled in order, so the last one settling means all did.
 */
function deliveredInOrder(callback: EngineEventHandler) {
  let last: Promise<unknown> = Promise.resolve();
  return {
    handler: (event: Parameters<EngineEventHandler>[0]) => {
      last = Promise.resolve(callback(event) as unknown).catch(() => {});
    },
    allDelivered: () => last.then(() => {}),
  };
}

/** Closes the port behind a comlink-proxied callback now rather than whenever GC gets to it. */
function release(callback: EngineEventHandler): void {
  (callback as unknown as { [releaseProxy]?: () => void })[releaseProxy]?.();
}
