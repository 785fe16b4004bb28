// The benchmark runner against fake sessions at the ModelSession boundary: a model that fails to
// load becomes error rows and the next model still runs; prompts are resized after the warm-up;
// every answer is recorded; Cancel ends the answer and the session; a busy chat blocks the start.
import { describe, expect, it, vi } from 'vitest';
import { BenchmarkRunner, type BenchmarkDependencies } from '../../src/state/benchmark.svelte';
import { SessionResults } from '../../src/state/session-results.svelte';
import { UsageLedger } from '../../src/state/usage-ledger.svelte';
import type { Backend, GenerationMetrics, GenerationResult } from '../../src/lib/engines/types';
import { FakeModelSession, type FakeAnswer } from './support/fake-model-session';
import type { ViewContext } from '../../src/state/view-context';
import { DeviceClaim } from '../../src/state/device-claim.svelte';

const TEMPLATE_TOKENS = 20;

function fakes(options: { loadsOn?: Backend; hangAnswers?: boolean; beforeAnswer?: () => void } = {}) {
  const sessions: FakeModelSession[] = [];
  const prompts: string[] = [];
  let loadCount = 0;
  // A byte-level tokenizer: one token a character, plus the chat template's own tokens.
  const answer: FakeAnswer = async (_session, messages, _params, { signal, fresh }) => {
    expect(fresh).toBe(true); // every measured prefill reads the whole prompt
    options.beforeAnswer?.();
    const prompt = messages[0].content;
    prompts.push(prompt);
    if (options.hangAnswers) {
      await new Promise((resolve) => signal?.addEventListener('abort', resolve));
      return result(prompt.length + TEMPLATE_TOKENS, 'interrupted');
    }
    return result(prompt.length + TEMPLATE_TOKENS, 'max-tokens');
  };
  const deps: BenchmarkDependencies = {
    createSession: () => {
      const session = new FakeModelSession({ answer, loadsOn: options.loadsOn, loadMs: () => 100 * ++loadCount });
      sessions.push(session);
      return session as never;
    },
    detectWebGpu: async () => ({ available: false, detail: 'no adapter in this test' }),
  };
  return { deps, sessions, prompts };
}

function result(promptTokens: number, stopReason: GenerationMetrics['stopReason']): GenerationResult {
  return {
    text: 'x',
    metrics: {
      promptTokens, cachedTokens: 0, prefillTokens: promptTokens, prefillMs: 10, prefillTokensPerSecond: promptTokens * 100,
      timeToFirstTokenMs: 12, generatedTokens: 128, decodeMs: 1000, decodeTokensPerSecond: 127, totalMs: 1012, stopReason,
    },
  };
}

function context(chatBusy = false): ViewContext {
  return {
    settings: { modelId: 'fixtures/tiny-qwen3', hub: 'http://mirror', hubFor: () => 'http://mirror' },
    lookups: {},
    results: new SessionResults(),
    ledger: new UsageLedger(),
    hardware: {},
    device: new DeviceClaim(),
    chatBusy,
  } as unknown as ViewContext;
}

describe('BenchmarkRunner', () => {
  it('measures each model, turns a failed load into error rows and goes on with the next model', async () => {
    const { deps, sessions, prompts } = fakes();
    const ctx = context();
    const runner = new BenchmarkRunner(ctx, deps);
    expect(runner.modelIds).toEqual(['fixtures/tiny-qwen3']);
    runner.modelIds = ['fixtures/missing', 'fixtures/tiny-qwen3'];
    runner.repeats = 2;
    runner.backends = { wasm: true, webgpu: true };
    await runner.start();

    expect(runner.outcomes.map((o) => `${o.modelId}@${o.backend}:${o.promptSize}=${o.status}`)).toEqual([
      'fixtures/missing@wasm:short=error', 'fixtures/missing@wasm:medium=error', 'fixtures/missing@wasm:long=error',
      'fixtures/missing@webgpu:short=skipped', 'fixtures/missing@webgpu:medium=skipped', 'fixtures/missing@webgpu:long=skipped',
      'fixtures/tiny-qwen3@wasm:short=done', 'fixtures/tiny-qwen3@wasm:medium=done', 'fixtures/tiny-qwen3@wasm:long=done',
      'fixtures/tiny-qwen3@webgpu:short=skipped', 'fixtures/tiny-qwen3@webgpu:medium=skipped', 'fixtures/tiny-qwen3@webgpu:long=skipped',
    ]);
    expect(runner.outcomes[0].message).toBe('ModelNotFoundError: Model "fixtures/missing" was not found.');
    expect(runner.outcomes[3].message).toContain('no adapter in this test');
    expect(runner.message).toBe('Benchmark finished: 3 of 6 cases measured, 3 failed, 6 skipped.');

    // One warm-up load and two timed loads, each in a fresh session; all disposed at the end.
    expect(sessions).toHaveLength(4);
    expect(sessions.every((s) => s.dispose.mock.calls.length > 0)).toBe(true);
    const [short, medium, long] = runner.rows;
    expect(short.loadMs).toEqual({ median: 250, min: 200, max: 300, n: 2 });
    expect(short.prefillTokensPerSecond.n).toBe(2);

    // Per size: a warm-up prompt, then two repeats of one corrected prompt near the target.
    expect(prompts).toHaveLength(9);
    expect(prompts[1]).toBe(prompts[2]);
    expect(prompts[0]).not.toBe(prompts[1]);
    expect(short.promptTokens).toBeGreaterThan(40);
    expect(short.promptTokens).toBeLessThanOrEqual(100);
    expect(medium.promptTokens).toBeGreaterThan(230);
    expect(medium.promptTokens).toBeLessThanOrEqual(280);
    expect(long.promptTokens).toBeGreaterThan(980);
    expect(long.promptTokens).toBeLessThanOrEqual(1050);

    expect(ctx.results.benchmark).toEqual(runner.rows);
    expect(ctx.ledger.bySource.benchmark.answers).toBe(9);
    expect(ctx.ledger.bySource.benchmark.outputTokens).toBe(9 * 128);
    expect(runner.running).toBe(false);
    expect(runner.progress).toBeNull();
  });

  it('counts progress through every load and answer', async () => {
    const seen: string[] = [];
    const { deps } = fakes({
      beforeAnswer: () => {
        const p = runner.progress!;
        seen.push(`case ${p.caseNumber}/${p.caseCount} ${p.promptSize} ${p.phase} ${p.stepsDone}/${p.stepCount}`);
      },
    });
    const runner = new BenchmarkRunner(context(), deps);
    runner.repeats = 1;
    await runner.start();
    // The plan: 2 loads + 3 × (warm-up + 1 repeat) answers = 8 steps.
    expect(seen).toEqual([
      'case 1/3 short warm-up answer 2/8',
      'case 1/3 short repeat 1 of 1 3/8',
      'case 2/3 medium warm-up answer 4/8',
      'case 2/3 medium repeat 1 of 1 5/8',
      'case 3/3 long warm-up answer 6/8',
      'case 3/3 long repeat 1 of 1 7/8',
    ]);
  });

  it('ticks WebGPU by default exactly where Auto would pick it', async () => {
    const gpu = { available: true, shaderF16: true, isFallbackAdapter: false, detail: 'a real GPU' };
    const ticked = async (ctx: Partial<ViewContext>) => {
      const { deps } = fakes();
      deps.detectWebGpu = async () => gpu;
      const runner = new BenchmarkRunner({ ...context(), ...ctx } as ViewContext, deps);
      await runner.detect();
      return runner.backends.webgpu;
    };
    const caps = { webgpu: gpu, crossOriginIsolated: true, hardwareConcurrency: 4 };
    expect(await ticked({ capabilities: caps })).toBe(true);
    // The probes measured this GPU slower than the CPU path: offered, not ticked.
    expect(await ticked({ capabilities: { ...caps, probedSpeeds: { wasm: 20, webgpu: 2, reference: 'Qwen3 0.6B' } } })).toBe(false);
    expect(await ticked({ capabilities: { ...caps, webgpu: { ...gpu, isFallbackAdapter: true } } })).toBe(false);
  });

  it('rejects a WebGPU load that fell back to WASM instead of labelling it WebGPU', async () => {
    const { deps } = fakes({ loadsOn: 'wasm' });
    deps.detectWebGpu = async () => ({ available: true, detail: 'SwiftShader' });
    const runner = new BenchmarkRunner(context(), deps);
    runner.repeats = 1;
    runner.backends = { wasm: false, webgpu: true };
    await runner.start();
    expect(runner.outcomes.map((o) => o.status)).toEqual(['error', 'error', 'error']);
    expect(runner.outcomes[0].message).toContain('loaded on WASM instead of WebGPU');
    expect(runner.rows).toEqual([]);
  });

  it('cancel stops the answer in progress, ends the session and keeps no partial figures', async () => {
    const { deps, sessions } = fakes({ hangAnswers: true });
    const ctx = context();
    const runner = new BenchmarkRunner(ctx, deps);
    runner.repeats = 2;
    const run = runner.start();
    await vi.waitFor(() => expect(runner.progress?.phase).toBe('warm-up answer'));
    runner.cancel();
    await run;
    expect(runner.outcomes.map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(runner.outcomes.every((o) => o.row === null)).toBe(true);
    expect(runner.message).toBe('Benchmark cancelled. 0 of 3 cases finished; the cancelled ones have no figures.');
    expect(sessions.at(-1)!.dispose).toHaveBeenCalled();
    expect(ctx.results.benchmark).toEqual([]);
    expect(runner.running).toBe(false);
  });

  it('does not start while the chat is busy, and says why', async () => {
    const { deps, sessions } = fakes();
    const runner = new BenchmarkRunner(context(true), deps);
    await runner.start();
    expect(sessions).toHaveLength(0);
    expect(runner.message).toContain('The chat model is loading or answering');
  });

  it('says what is wrong with the setup instead of starting', async () => {
    const { deps, sessions } = fakes();
    const runner = new BenchmarkRunner(context(), deps);
    runner.repeats = 0;
    await runner.start();
    expect(runner.message).toBe('Repeats must be a whole number from 1 to 20.');
    runner.repeats = 1;
    runner.modelIds = [' '];
    await runner.start();
    expect(runner.message).toBe('Add at least one model id to benchmark.');
    expect(sessions).toHaveLength(0);
  });
});
