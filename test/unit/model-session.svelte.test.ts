// ModelSession is the only way a view asks a model: load, answer, stop, reload. Here it runs with
// the real ModelWorker and worker API (over a MessageChannel) and a scripted engine, so these
// tests cover the whole answer path below the views.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelSession } from '../../src/state/model-session.svelte';
import type { ModelInspection } from '../../src/lib/models/model-inspection';
import { fakeInferenceWorkers, type ScriptedEngine } from './support/fake-inference-worker';

const ASK = [{ role: 'user' as const, content: 'Hi' }];
const PARAMS = { maxNewTokens: 8, temperature: 0, topP: 1, enableThinking: false };

function setup(configure?: (engine: ScriptedEngine) => void) {
  const settings = {
    modelId: 'org/model',
    hub: 'http://127.0.0.1:9',
    hubFor: () => 'http://127.0.0.1:9',
    backendOverride: null,
    dtypeOverride: null,
    fallbackToWasm: true,
  };
  const inspection: Partial<ModelInspection> = { repoId: 'org/model', modelType: 'qwen3', dtypes: ['q8', 'q4'], files: null, storedDtypes: [] };
  const lookups = { get: vi.fn(async () => inspection), forget: vi.fn() };
  const workers = fakeInferenceWorkers(configure);
  const session = new ModelSession(settings as never, lookups as never, workers.start);
  session.capabilities = { webgpu: { available: false } as never, crossOriginIsolated: false, hardwareConcurrency: 2 };
  return { session, workers };
}

beforeEach(() => vi.stubGlobal('navigator', {}));
afterEach(() => vi.unstubAllGlobals());

describe('ModelSession', () => {
  it('loads the settings’ model on WASM q8 and answers with streamed text and live numbers', async () => {
    const { session, workers } = setup();
    await session.load();
    expect(session.status).toBe('ready');
    expect(workers.started[0].engine.loads[0]).toMatchObject({ backend: 'wasm', dtype: 'q8' });
    const pieces: string[] = [];
    const live: number[] = [];
    const result = await session.answer(ASK, PARAMS, { onText: (t) => pieces.push(t), onLive: (n) => live.push(n.generatedTokens) });
    expect(result.text).toBe('Hello there');
    expect(pieces.join('')).toBe(result.text);
    expect(live.at(-1)).toBe(4);
  });

  it('refuses a hub outside the build policy for both engines, before any lookup or worker', async () => {
    for (const modelId of ['org/model', 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC']) {
      const { session, workers } = setup();
      (session as unknown as { settings: { modelId: string; hubFor: () => string } }).settings.modelId = modelId;
      (session as unknown as { settings: { hubFor: () => string } }).settings.hubFor = () => 'http://127.0.0.2:8080';
      await session.load();
      expect(session.status, modelId).toBe('error');
      expect(session.error?.name).toBe('HubNotAllowedError');
      expect(session.error?.message).toMatch(/^Nothing was downloaded\. This build's security policy only lets the app connect to .*PLAYGROUND_HUBS="http:\/\/127\.0\.0\.2:8080"/);
      expect(workers.started, modelId).toHaveLength(0);
    }
  });

  it('refuses to answer before a model is loaded', async () => {
    const { session } = setup();
    await expect(session.answer(ASK, PARAMS)).rejects.toMatchObject({ name: 'ModelNotLoadedError' });
  });

  it('after a Stop the engine ignored, the model is unloaded with a notice, and reload() brings it back', async () => {
    const { session, workers } = setup((e) => (e.ignoresStop = true));
    await session.load();
    const answering = session.answer(ASK, PARAMS);
    answering.catch(() => {});
    expect(await session.stop()).toBe('ended');
    await expect(answering).rejects.toMatchObject({ name: 'StopTimeoutError' });
    expect(session.status).toBe('idle');
    expect(session.notice).toMatch(/did not stop within 1 s/);
    await session.reload('Reloaded.');
    expect(session.status).toBe('ready');
    expect(session.notice).toBe('Reloaded.');
    expect(workers.started).toHaveLength(2);
  });

  it('a crash mid-answer fails the answer and says the model stopped working', async () => {
    const { session, workers } = setup((e) => (e.ignoresStop = true));
    await session.load();
    const answering = session.answer(ASK, PARAMS);
    await new Promise((resolve) => setTimeout(resolve, 5));
    workers.started[0].crash('the inference worker stopped unexpectedly');
    await expect(answering).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(session.status).toBe('idle');
    expect(session.notice).toMatch(/^The model stopped working\. .*stopped unexpectedly/);
  });

  it('a GPU lost mid-answer throws its worker away; an ordinary error keeps it', async () => {
    const { session, workers } = setup();
    await session.load();
    const engine = workers.started[0].engine;
    engine.failNextGenerate = new Error('something else');
    await expect(session.answer(ASK, PARAMS)).rejects.toThrow('something else');
    expect(session.ready).toBe(true);
    engine.failNextGenerate = Object.assign(new Error('The GPU dropped the model.'), { name: 'GpuDeviceLostError' });
    await expect(session.answer(ASK, PARAMS)).rejects.toMatchObject({ name: 'GpuDeviceLostError' });
    expect(session.ready).toBe(false);
    expect(workers.started[0].terminated).toBe(true);
    expect(session.notice).toMatch(/restarted after the GPU failure/);
  });

  it.each([
    ['init', 'while the model was starting'],
    ['warmup', 'while the model was warming up'],
  ] as const)('Cancel in the %s stage ends the worker at once; the next load starts a fresh one', async (stage, words) => {
    let started = 0;
    const { session, workers } = setup((e) => {
      if (started++ === 0) e.stallIn = stage;
    });
    const loading = session.load();
    await vi.waitFor(() => expect(session.progress?.phase).toBe(stage));
    const cancelling = session.cancelLoad();
    // No grace period: nothing in these stages would see a message.
    expect(workers.started[0].terminated).toBe(true);
    await cancelling;
    await loading;
    expect(session.status).toBe('error');
    expect(session.error).toEqual({ name: 'LoadCancelledError', message: `Loading was cancelled ${words}. Its files stay stored. Press "Load model" to start again.` });
    expect(session.cancelling).toBe(false);
    await session.load();
    expect(session.status).toBe('ready');
    expect(workers.started).toHaveLength(2);
  });

  it('Cancel during a download asks the engine first; one that goes on has its worker ended after the grace period', async () => {
    const { session, workers } = setup((e) => {
      e.stallIn = 'download';
      e.ignoresCancel = true;
    });
    const loading = session.load();
    await vi.waitFor(() => expect(session.progress?.phase).toBe('download'));
    const cancelling = session.cancelLoad();
    expect(workers.started[0].terminated).toBe(false);
    expect(session.cancelling).toBe(true);
    await cancelling;
    await loading;
    expect(workers.started[0].terminated).toBe(true);
    expect(session.error).toMatchObject({ name: 'LoadCancelledError', message: expect.stringContaining('while its files were being fetched or checked. Files that finished are kept.') });
  });

  it('Cancel in a WebGPU warm-up does not retry the model on WASM', async () => {
    const { session, workers } = setup((e) => (e.stallIn = 'warmup'));
    session.capabilities = { webgpu: { available: true, detail: 'test GPU' } as never, crossOriginIsolated: false, hardwareConcurrency: 2 };
    const loading = session.load();
    await vi.waitFor(() => expect(session.progress?.phase).toBe('warmup'));
    expect(session.decision?.backend.value).toBe('webgpu');
    await session.cancelLoad();
    await loading;
    expect(session.error?.name).toBe('LoadCancelledError');
    expect(session.fallback).toBeNull();
    expect(workers.started).toHaveLength(1);
  });

  it('Cancel during the lookup drops it before any worker starts', async () => {
    const { session, workers } = setup();
    (session as unknown as { lookups: { get: () => Promise<never> } }).lookups.get = () => new Promise<never>(() => {});
    void session.load();
    await vi.waitFor(() => expect(session.status).toBe('inspecting'));
    await session.cancelLoad();
    expect(session.status).toBe('error');
    expect(session.error?.name).toBe('LoadCancelledError');
    expect(session.error?.message).toMatch(/^Loading was cancelled while the model was being looked up; nothing was downloaded\./);
    expect(workers.started).toHaveLength(0);
  });

  it('each load runs in a fresh worker, and the previous one is ended: A, then B, then A again', async () => {
    const { session, workers } = setup();
    const hub = 'http://127.0.0.1:9';
    for (const repoId of ['org/a', 'org/b', 'org/a']) {
      await session.loadModel({ repoId, hub, backendOverride: null, dtypeOverride: null });
      expect(session.loadedModelId).toBe(repoId);
    }
    expect(workers.started.map((w) => w.engine.loads.map((l) => l.model.repoId))).toEqual([['org/a'], ['org/b'], ['org/a']]);
    expect(workers.started.map((w) => w.terminated)).toEqual([true, true, false]);
    const pieces: string[] = [];
    expect((await session.answer(ASK, PARAMS, { onText: (t) => pieces.push(t) })).text).toBe('Hello there');
    expect(pieces.length).toBeGreaterThan(1);
    expect(workers.started[2].engine.generations).toHaveLength(1);
  });

  it('a load asked for while another is downloading cancels that download, ends its worker and loads in a fresh one', async () => {
    let started = 0;
    const { session, workers } = setup((e) => {
      if (started++ === 0) e.stallIn = 'download';
    });
    const hub = 'http://127.0.0.1:9';
    const first = session.loadModel({ repoId: 'org/a', hub, backendOverride: null, dtypeOverride: null });
    await vi.waitFor(() => expect(session.progress?.phase).toBe('download'));
    await session.loadModel({ repoId: 'org/b', hub, backendOverride: null, dtypeOverride: null });
    await first;
    expect(workers.started).toHaveLength(2);
    expect(workers.started[0].terminated).toBe(true);
    expect(session.status).toBe('ready');
    expect(session.loadedModelId).toBe('org/b');
    expect(session.error).toBeNull();
  });

  it('dispose() during a load ends it quietly: no error, nothing left waiting', async () => {
    const { session } = setup();
    const loading = session.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    session.dispose();
    await loading;
    expect(session.status).toBe('idle');
    expect(session.error).toBeNull();
  });
});
