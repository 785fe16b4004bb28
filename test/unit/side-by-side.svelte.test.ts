// The side-by-side store against fake sessions and a fake answerer: panes run in order (or all at
// once), a failing pane fails alone, Stop keeps later panes from starting, and tokens are counted.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SideBySide } from '../../src/state/side-by-side.svelte';
import type { GenerationMetrics, GenerationResult } from '../../src/lib/engines/types';
import { StopTimeoutError } from '../../src/lib/engines/errors';
import { DeviceClaim } from '../../src/state/device-claim.svelte';
import { FakeModelSession, type FakeAnswer } from './support/fake-model-session';

function metrics(stopReason: GenerationMetrics['stopReason'] = 'max-tokens'): GenerationMetrics {
  return {
    promptTokens: 12, cachedTokens: 0, prefillTokens: 12, prefillMs: 10, prefillTokensPerSecond: 1200,
    timeToFirstTokenMs: 15, generatedTokens: 4, decodeMs: 30, decodeTokensPerSecond: 100, totalMs: 45, stopReason,
  };
}

/** An answerer whose answers end when the test says so (or on Stop); it logs when each starts and ends. */
function fakeAnswerer() {
  const log: string[] = [];
  const pending = new Map<string, (result: GenerationResult) => void>();
  const answer = vi.fn<FakeAnswer>((session, _messages, _params, options) => {
    const model = session.repoId;
    log.push(`start ${model}`);
    options.onText?.(`${model} says`);
    return new Promise<GenerationResult>((resolve) => {
      const finish = (result: GenerationResult) => {
        log.push(`end ${model}`);
        resolve(result);
      };
      pending.set(model, finish);
      options.signal?.addEventListener('abort', () => finish({ text: `${model} says`, metrics: metrics('interrupted') }));
    });
  });
  const finish = async (model: string) => {
    pending.get(model)!({ text: `${model} says hello`, metrics: metrics() });
    await vi.advanceTimersByTimeAsync(0);
  };
  return { answer, log, finish };
}

function setup(ids: string[], chatBusy = false) {
  const sessions: FakeModelSession[] = [];
  const answerer = fakeAnswerer();
  const ledger = { recordAnswer: vi.fn() };
  const context = {
    settings: { hub: 'http://mirror.test', hubError: null, hubFor: () => 'http://mirror.test' },
    lookups: {},
    ledger,
    chatBusy,
    device: new DeviceClaim(),
  };
  const sbs = new SideBySide(context as never, ids, {
    createSession: () => {
      const session = new FakeModelSession({ answer: answerer.answer });
      sessions.push(session);
      return session as never;
    },
  });
  sbs.prompt = 'Say hello';
  return { sbs, sessions, ledger, device: context.device, ...answerer };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 16) as unknown as number);
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  vi.stubGlobal('location', { origin: 'http://app.test' });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SideBySide', () => {
  it('runs one pane after another: the second starts only after the first ended', async () => {
    const { sbs, log, finish, ledger, answer } = setup(['org/a', 'org/b']);
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['start org/a']);
    expect(sbs.panes.map((p) => p.state)).toEqual(['answering', 'queued']);
    await finish('org/a');
    expect(log).toEqual(['start org/a', 'end org/a', 'start org/b']);
    await finish('org/b');
    await running;
    expect(sbs.panes.map((p) => p.state)).toEqual(['done', 'done']);
    expect(sbs.panes[0].text).toBe('org/a says hello');
    expect(sbs.results.map((r) => [r.pane, r.model, r.loadMs, r.metrics?.generatedTokens])).toEqual([
      [1, 'org/a', 250, 4],
      [2, 'org/b', 250, 4],
    ]);
    expect(ledger.recordAnswer).toHaveBeenCalledTimes(2);
    expect(ledger.recordAnswer).toHaveBeenCalledWith('side-by-side', expect.objectContaining({ promptTokens: 12, generatedTokens: 4 }));
    // Same prompt, same greedy parameters for both.
    expect(answer.mock.calls[0][1]).toEqual([{ role: 'user', content: 'Say hello' }]);
    expect(answer.mock.calls[1][1]).toEqual(answer.mock.calls[0][1]);
    expect(answer.mock.calls[0][2]).toMatchObject({ temperature: 0, maxNewTokens: 128 });
  });

  it('runs every pane at once in concurrent mode', async () => {
    const { sbs, log, finish } = setup(['org/a', 'org/b']);
    sbs.mode = 'concurrent';
    sbs.systemPrompt = 'Be brief.';
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['start org/a', 'start org/b']);
    await finish('org/b');
    await finish('org/a');
    await running;
    expect(sbs.lastMode).toBe('concurrent');
    expect(sbs.panes.map((p) => p.state)).toEqual(['done', 'done']);
  });

  it('a pane whose model fails to load shows its error; the other still answers', async () => {
    const { sbs, finish } = setup(['nobody/missing', 'org/b']);
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(sbs.panes[0].state).toBe('error');
    expect(sbs.panes[0].error?.name).toBe('ModelNotFoundError');
    await finish('org/b');
    await running;
    expect(sbs.panes[1].state).toBe('done');
    expect(sbs.results[0].error).toMatch(/^ModelNotFoundError: /);
  });

  it('a pane with no model id fails with a clear message and the others run', async () => {
    const { sbs, finish, sessions } = setup(['org/a', '  ']);
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    await finish('org/a');
    await running;
    expect(sbs.panes[1].state).toBe('error');
    expect(sbs.panes[1].error?.message).toMatch(/no model id/);
    expect(sessions[1].loadModel).not.toHaveBeenCalled();
  });

  it('loads a model once and again only when the pane’s id or backend changes', async () => {
    const { sbs, finish, sessions } = setup(['org/a', 'org/b']);
    sbs.mode = 'concurrent';
    const runTwice = async () => {
      const running = sbs.run();
      await vi.advanceTimersByTimeAsync(0);
      await finish('org/a');
      await finish('org/b');
      await running;
    };
    await runTwice();
    expect(sbs.results.map((r) => r.loadedThisRun)).toEqual([true, true]);
    await runTwice();
    expect(sessions[0].loadModel).toHaveBeenCalledTimes(1);
    expect(sbs.results.map((r) => [r.loadedThisRun, r.loadMs])).toEqual([[false, 250], [false, 250]]);
    sbs.panes[0].backendOverride = 'wasm';
    await runTwice();
    expect(sessions[0].loadModel).toHaveBeenCalledTimes(2);
    expect(sessions[0].loadModel.mock.calls[1][0]).toMatchObject({ repoId: 'org/a', backendOverride: 'wasm', hub: 'http://mirror.test' });
    expect(sessions[1].loadModel).toHaveBeenCalledTimes(1);
  });

  it('Stop ends the running answer and keeps queued panes from starting', async () => {
    const { sbs, log } = setup(['org/a', 'org/b']);
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    await sbs.stop();
    await running;
    expect(log).toEqual(['start org/a', 'end org/a']);
    expect(sbs.panes.map((p) => p.state)).toEqual(['stopped', 'stopped']);
    expect(sbs.panes[1].note).toMatch(/before its turn/);
    expect(sbs.results[0].metrics?.stopReason).toBe('interrupted');
    expect(sbs.running).toBe(false);
  });

  it('Stop ends a pane that ignores it by ending its worker after the grace period', async () => {
    const { sbs, answer } = setup(['org/a', 'org/b']);
    // An answer stuck in a long prefill: as ModelSession does, it ends with StopTimeoutError 1 s after Stop.
    answer.mockImplementationOnce(
      (_session, _messages, _params, { signal }) =>
        new Promise<GenerationResult>((_, reject) =>
          signal?.addEventListener('abort', () => setTimeout(() => reject(new StopTimeoutError(1000)), 1000)),
        ),
    );
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    const stopping = sbs.stop();
    await vi.advanceTimersByTimeAsync(1500);
    await stopping;
    await running;
    expect(sbs.panes.map((p) => p.state)).toEqual(['stopped', 'stopped']);
    expect(sbs.panes[0].note).toMatch(/ending its worker/);
  });

  it('a pane whose model is still loading when Stop’s grace period ends has its worker ended', async () => {
    const { sbs, sessions } = setup(['org/a', 'org/b']);
    // A load that ignores cancelLoad (ONNX session creation); like ModelSession's, it ends when disposed.
    let endLoad = () => {};
    sessions[0].loadModel.mockImplementationOnce(() => new Promise<void>((resolve) => (endLoad = resolve)));
    sessions[0].dispose.mockImplementationOnce(() => endLoad());
    const running = sbs.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(sbs.panes[0].state).toBe('loading');
    const stopping = sbs.stop();
    await vi.advanceTimersByTimeAsync(1500);
    await stopping;
    await running;
    expect(sessions[0].cancelLoad).toHaveBeenCalledOnce();
    expect(sessions[0].dispose).toHaveBeenCalledOnce();
    expect(sbs.panes.map((p) => p.state)).toEqual(['stopped', 'stopped']);
    expect(sbs.panes[0].note).toMatch(/while its model was loading/);
  });

  it('does not start while the chat is busy, and says why', async () => {
    const { sbs, sessions } = setup(['org/a', 'org/b'], true);
    await sbs.run();
    expect(sbs.notice).toMatch(/chat model is loading or answering/);
    expect(sbs.running).toBe(false);
    expect(sessions[0].loadModel).not.toHaveBeenCalled();
  });

  it('waits while another view holds the device, holds it while running, and lets go after', async () => {
    const { sbs, sessions, device, finish } = setup(['org/a', 'org/b']);
    device.take('The benchmark');
    await sbs.run();
    expect(sbs.notice).toMatch(/The benchmark is running on this device/);
    expect(sessions[0].loadModel).not.toHaveBeenCalled();

    device.release('The benchmark');
    const run = sbs.run();
    expect(device.holder).toBe('Side by side');
    expect(device.take('The scorecard')).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    await finish('org/a');
    await finish('org/b');
    await run;
    expect(device.holder).toBeNull();
  });

  it('asks for a prompt instead of running an empty one', async () => {
    const { sbs, sessions } = setup(['org/a', 'org/b']);
    sbs.prompt = '   ';
    await sbs.run();
    expect(sbs.notice).toMatch(/Type a prompt/);
    expect(sessions[0].loadModel).not.toHaveBeenCalled();
  });

  it('adds panes, removes them down to two, and ends a removed pane’s worker', () => {
    const { sbs, sessions } = setup(['org/a', 'org/b']);
    sbs.addPane('org/c');
    expect(sbs.panes).toHaveLength(3);
    const third = sbs.panes[2];
    sbs.removePane(third);
    expect(sessions[2].dispose).toHaveBeenCalledOnce();
    expect(sbs.panes).toHaveLength(2);
    sbs.removePane(sbs.panes[0]);
    expect(sbs.panes).toHaveLength(2);
    expect(sessions[0].dispose).not.toHaveBeenCalled();
  });
});
