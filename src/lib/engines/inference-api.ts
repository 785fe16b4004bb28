// The API object the inference worker exposes through comlink. It lives in its own module so it
// can be unit-tested without a Worker; workers/inference.worker.ts only `expose`s it.
// Protocol: every method is async from the UI's side; `onEvent` arrives as a Comlink.proxy and
// receives the EngineEvent union (progress, token, generation-metrics) while a call runs.
import type {
  Backend,
  ChatMessage,
  Dtype,
  Engine,
  EngineEventHandler,
  GenerationParams,
  GenerationResult,
  LoadOptions,
  LoadResult,
  ModelRef,
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
        return await engine.load(model, backend, dtype, onEvent, options);
      } finally {
        release(onEvent);
      }
    },

    async generate(
      messages: ChatMessage[],
      params: GenerationParams,
      onEvent: EngineEventHandler,
      interruptFlag: Int32Array | null = null,
    ): Promise<GenerationResult> {
      if (!engine) throw new ModelNotLoadedError();
      try {
        return await engine.generate(messages, params, onEvent, interruptFlag);
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

/** Closes the port behind a comlink-proxied callback now rather than whenever GC gets to it. */
function release(callback: EngineEventHandler): void {
  (callback as unknown as { [releaseProxy]?: () => void })[releaseProxy]?.();
}
