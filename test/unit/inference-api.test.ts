// The worker's API object, without a Worker: one engine at a time (switching kinds unloads the
// old one), calls before a load are refused, and every callback's port is released when its
// call ends, whether it succeeded or not.
import { releaseProxy } from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import { createInferenceApi } from '../../src/lib/engines/inference-api';
import type { EngineEventHandler, ModelRef } from '../../src/lib/engines/types';
import { ScriptedEngine } from './support/fake-inference-worker';

const ref = (engine: ModelRef['engine']): ModelRef => ({ engine, repoId: 'org/m', revision: 'main', hub: 'http://hub.test' });
const PARAMS = { maxNewTokens: 4, temperature: 0, topP: 1, enableThinking: false };

/** A callback as comlink hands it to the worker: callable, with a port to release. */
function proxiedCallback(events: unknown[] = []) {
  const handler = vi.fn((event: unknown) => void events.push(event)) as unknown as EngineEventHandler & { [releaseProxy]: () => void };
  handler[releaseProxy] = vi.fn();
  return handler;
}

describe('createInferenceApi', () => {
  it('creates an engine on first load, reuses it for the same kind and unloads it for another', async () => {
    const engines: ScriptedEngine[] = [];
    const create = vi.fn(async () => {
      const engine = new ScriptedEngine();
      vi.spyOn(engine, 'unload');
      engines.push(engine);
      return engine;
    });
    const api = createInferenceApi(create);
    await api.load(ref('transformers'), 'wasm', 'q8', { wasmThreads: 1 }, proxiedCallback());
    await api.load(ref('transformers'), 'wasm', 'q4', { wasmThreads: 1 }, proxiedCallback());
    expect(create).toHaveBeenCalledOnce();
    await api.load(ref('webllm'), 'webgpu', 'q4f16', { wasmThreads: 0 }, proxiedCallback());
    expect(create.mock.calls.map((c) => c[0 as never])).toEqual(['transformers', 'webllm']);
    expect(engines[0].unload).toHaveBeenCalledOnce();
    expect(engines[1].loads[0]).toMatchObject({ backend: 'webgpu', dtype: 'q4f16' });
  });

  it('refuses to answer before a load', async () => {
    const api = createInferenceApi(async () => new ScriptedEngine());
    await expect(api.generate([], PARAMS, proxiedCallback())).rejects.toMatchObject({ name: 'ModelNotLoadedError' });
  });

  it('answers with the final numbers only after every event reached the page, and releases the callback', async () => {
    const api = createInferenceApi(async () => new ScriptedEngine());
    await api.load(ref('transformers'), 'wasm', 'q8', { wasmThreads: 1 }, proxiedCallback());
    const events: { type: string }[] = [];
    const callback = proxiedCallback(events);
    const metrics = await api.generate([{ role: 'user', content: 'Hi' }], PARAMS, callback);
    expect(metrics.generatedTokens).toBe(4);
    expect(events.filter((e) => e.type === 'token')).toHaveLength(4);
    expect(callback[releaseProxy]).toHaveBeenCalledOnce();
  });

  it('releases the callback of a load that failed', async () => {
    const engine = new ScriptedEngine();
    engine.failLoad = Object.assign(new Error('Model "org/m" was not found.'), { name: 'ModelNotFoundError' });
    const api = createInferenceApi(async () => engine);
    const callback = proxiedCallback();
    await expect(api.load(ref('transformers'), 'wasm', 'q8', { wasmThreads: 1 }, callback)).rejects.toMatchObject({ name: 'ModelNotFoundError' });
    expect(callback[releaseProxy]).toHaveBeenCalledOnce();
  });
});
