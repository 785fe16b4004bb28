// ModelWorker, the one owner of an inference worker, against the real worker API over comlink
// (a MessageChannel in place of the thread) and a scripted engine: streaming, live numbers, Stop
// soft and hard, crashes, and calls that never hang on a worker that is gone.
import { describe, expect, it, vi } from 'vitest';
import { ModelWorker } from '../../src/lib/engines/model-worker';
import type { ChatMessage, LiveGenerationNumbers, ModelRef } from '../../src/lib/engines/types';
import { fakeInferenceWorkers, type ScriptedEngine } from './support/fake-inference-worker';

const MODEL: ModelRef = { engine: 'transformers', repoId: 'org/model', revision: 'main', hub: 'http://hub.test' };
const ASK: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
const PARAMS = { maxNewTokens: 8, temperature: 0, topP: 1, enableThinking: false };
const HARD_STOP_MS = 60;

function setup(configure?: (engine: ScriptedEngine) => void) {
  const workers = fakeInferenceWorkers(configure);
  const onLost = vi.fn();
  const worker = new ModelWorker(workers.start, { onLost }, HARD_STOP_MS);
  const load = () => worker.load(MODEL, 'wasm', 'q8', { wasmThreads: 1 }, () => {});
  return { worker, workers, onLost, load };
}

describe('ModelWorker', () => {
  it('starts a worker on first use, reports load progress and loads with one argument order', async () => {
    const { worker, workers } = setup();
    const progress: number[] = [];
    const result = await worker.load(MODEL, 'wasm', 'q8', { wasmThreads: 2 }, (event) => progress.push(event.fraction ?? -1));
    expect(workers.started).toHaveLength(1);
    expect(workers.started[0].engine.loads[0]).toMatchObject({ model: MODEL, backend: 'wasm', dtype: 'q8', options: { wasmThreads: 2 } });
    expect(progress).toEqual([0.5]);
    expect(result.runtime).toMatchObject({ backend: 'wasm', dtype: 'q8' });
  });

  it('streams text deltas and live numbers, and resolves with the whole text and the final numbers once', async () => {
    const { worker, load } = setup();
    await load();
    const pieces: string[] = [];
    const live: LiveGenerationNumbers[] = [];
    const result = await worker.answer(ASK, PARAMS, { onText: (t) => pieces.push(t), onLive: (n) => live.push(n) });
    expect(pieces.join('')).toBe('Hello there');
    expect(result.text).toBe('Hello there');
    expect(result.metrics).toMatchObject({ generatedTokens: 4, stopReason: 'eos', promptTokens: 7 });
    expect(live.map((n) => n.generatedTokens)).toEqual([1, 2, 3, 4]);
    expect(live[0].timeToFirstTokenMs).toBeGreaterThan(0);
    expect(live[0].decodeTokensPerSecond).toBeNull(); // one token: no decode speed yet
    expect(live[3].decodeTokensPerSecond).toBeGreaterThan(0);
  });

  it('a fresh answer drops the conversation first; an ordinary one keeps it', async () => {
    const { worker, workers, load } = setup();
    await load();
    await worker.answer(ASK, PARAMS);
    expect(workers.started[0].engine.resets).toBe(0);
    await worker.answer(ASK, PARAMS, { fresh: true });
    expect(workers.started[0].engine.resets).toBe(1);
  });

  it('refuses a second answer while one runs', async () => {
    const { worker, load } = setup();
    await load();
    const first = worker.answer(ASK, PARAMS);
    await expect(worker.answer(ASK, PARAMS)).rejects.toMatchObject({ name: 'GenerationBusyError' });
    await first;
  });

  it('Stop ends an answer after its current token and keeps the worker', async () => {
    const { worker, workers, onLost, load } = setup((e) => (e.tokenDelayMs = 20));
    await load();
    const pieces: string[] = [];
    const answering = worker.answer(ASK, PARAMS, { onText: (t) => pieces.push(t) });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await worker.stop()).toBe('stopped');
    const result = await answering;
    expect(result.metrics.stopReason).toBe('interrupted');
    expect(result.text).toBe(pieces.join(''));
    expect(result.text.length).toBeLessThan('Hello there'.length);
    expect(workers.started[0].terminated).toBe(false);
    expect(onLost).not.toHaveBeenCalled();
    expect(await worker.stop()).toBe('idle');
  });

  it('aborting the signal is the same as Stop', async () => {
    const { worker, load } = setup((e) => (e.tokenDelayMs = 20));
    await load();
    const controller = new AbortController();
    const answering = worker.answer(ASK, PARAMS, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect((await answering).metrics.stopReason).toBe('interrupted');
    controller.abort();
    await expect(worker.answer(ASK, PARAMS, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('ends the worker when the engine ignores Stop, and the next call starts a fresh one', async () => {
    const { worker, workers, onLost, load } = setup((e) => (e.ignoresStop = true));
    await load();
    const answering = worker.answer(ASK, PARAMS);
    answering.catch(() => {});
    const started = performance.now();
    expect(await worker.stop()).toBe('ended');
    expect(performance.now() - started).toBeGreaterThanOrEqual(HARD_STOP_MS - 5);
    await expect(answering).rejects.toMatchObject({ name: 'StopTimeoutError' });
    expect(workers.started[0].terminated).toBe(true);
    expect(onLost).toHaveBeenCalledOnce();
    expect(onLost.mock.calls[0][0]).toMatchObject({ name: 'StopTimeoutError' });
    expect(worker.running).toBe(false);
    await load();
    expect(workers.started).toHaveLength(2);
  });

  it('a crash ends the answer in flight with WorkerCrashedError instead of leaving it waiting', async () => {
    const { worker, workers, onLost, load } = setup((e) => (e.ignoresStop = true));
    await load();
    const answering = worker.answer(ASK, PARAMS);
    await new Promise((resolve) => setTimeout(resolve, 5));
    workers.started[0].crash('the inference worker stopped unexpectedly');
    await expect(answering).rejects.toMatchObject({ name: 'WorkerCrashedError', message: expect.stringContaining('stopped unexpectedly') });
    expect(onLost).toHaveBeenCalledOnce();
    expect(worker.running).toBe(false);
  });

  it('terminate() ends a load in flight with WorkerEndedError and reports no loss', async () => {
    const { worker, onLost } = setup((e) => (e.loadDelayMs = 1000));
    const loading = worker.load(MODEL, 'wasm', 'q8', { wasmThreads: 1 }, () => {});
    const ended = expect(loading).rejects.toMatchObject({ name: 'WorkerEndedError' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    worker.terminate();
    await ended;
    expect(onLost).not.toHaveBeenCalled();
  });

  it("engine errors reach the caller with their name (the UI switches on it)", async () => {
    const { worker, workers, load } = setup();
    await load();
    workers.started[0].engine.failNextGenerate = Object.assign(new Error('The GPU dropped the model.'), { name: 'GpuDeviceLostError' });
    await expect(worker.answer(ASK, PARAMS)).rejects.toMatchObject({ name: 'GpuDeviceLostError' });
  });
});
