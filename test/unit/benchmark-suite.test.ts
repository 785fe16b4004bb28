// The benchmark's pure parts: summary statistics, prompt text and its sizing toward a token
// target, the plan of cases (skips included), outcomes after a cancel, and the chart's data.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/lib/benchmark/stats';
import {
  MAX_PROMPT_CHARS,
  MIN_PROMPT_CHARS,
  PROMPT_TARGET_TOKENS,
  buildPrompt,
  charsPerToken,
  initialChars,
  rescaleChars,
} from '../../src/lib/benchmark/prompts';
import { BENCHMARK_PARAMS, groupSteps, planBenchmark } from '../../src/lib/benchmark/suite';
import { cancelUnfinished, initialOutcomes } from '../../src/lib/benchmark/outcomes';
import { barTooltip, speedChartData } from '../../src/lib/benchmark/chart-data';
import type { BenchmarkRow } from '../../src/lib/results/result-types';

describe('summarize', () => {
  it('gives median, min, max and the sample count', () => {
    expect(summarize([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, n: 1 });
  });

  it('ignores non-finite samples and refuses an empty series', () => {
    expect(summarize([5, NaN, Infinity, 1])).toEqual({ median: 3, min: 1, max: 5, n: 2 });
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([NaN])).toThrow(RangeError);
  });
});

describe('prompts', () => {
  it('are the same text for the same size and length, and differ between sizes', () => {
    expect(buildPrompt('medium', 900)).toBe(buildPrompt('medium', 900));
    expect(buildPrompt('short', 300)).not.toBe(buildPrompt('medium', 300).slice(0, 300));
    expect(buildPrompt('short', 300)).toMatch(/^Reply to this support ticket/);
    expect(buildPrompt('long', 300)).toMatch(/^Read the project report/);
  });

  it('come close to the asked length without passing it, cut at a word', () => {
    for (const chars of [120, 256, 1000, 4096, 20_000]) {
      const text = buildPrompt('long', chars);
      expect(text.length).toBeLessThanOrEqual(chars);
      expect(text.length).toBeGreaterThan(chars - 40);
      expect(text.endsWith(' ')).toBe(false);
    }
  });

  it('repeat varied sentences rather than one', () => {
    const text = buildPrompt('long', 4000);
    const sentences = text.split(/(?<=\.) /).slice(1);
    expect(new Set(sentences).size).toBeGreaterThanOrEqual(10);
  });

  it('start from ~4 characters per token, or the ratio the model showed', () => {
    expect(initialChars(PROMPT_TARGET_TOKENS.short)).toBe(256);
    expect(initialChars(PROMPT_TARGET_TOKENS.long, 1)).toBe(1024);
    expect(initialChars(100, NaN)).toBe(400);
    expect(initialChars(1, 1)).toBe(MIN_PROMPT_CHARS);
    expect(initialChars(1e9)).toBe(MAX_PROMPT_CHARS);
  });

  it('rescale by the character ratio toward the target in one step', () => {
    // A byte-level tokenizer: 256 characters read as 276 tokens (20 of them the chat template).
    expect(rescaleChars(256, 276, 64)).toBe(59);
    // A tokenizer four times as dense as guessed: the text grows fourfold.
    expect(rescaleChars(1000, 250, 1024)).toBe(4096);
    expect(rescaleChars(1000, 0, 64)).toBe(1000);
    expect(rescaleChars(100_000, 1, 1024)).toBe(MAX_PROMPT_CHARS);
  });

  it('learn characters per token from a measured prompt', () => {
    expect(charsPerToken(1000, 250)).toBe(4);
    expect(charsPerToken(1000, 0)).toBe(4);
  });
});

describe('planBenchmark', () => {
  const webgpuMissing = { available: false, detail: 'this browser has no navigator.gpu' };

  it('runs every model on every chosen backend over the three sizes, in order', () => {
    const plan = planBenchmark({
      modelIds: [' a/one ', 'b/two', 'a/one', ''],
      backends: ['webgpu', 'wasm'],
      repeats: 2,
      webgpu: { available: true, detail: 'SwiftShader' },
    });
    expect(plan.groups.map((g) => `${g.modelId}@${g.backend}`)).toEqual(['a/one@wasm', 'a/one@webgpu', 'b/two@wasm', 'b/two@webgpu']);
    expect(plan.groups.every((g) => g.sizes.join() === 'short,medium,long' && g.skipReason === null)).toBe(true);
    expect(plan.caseCount).toBe(12);
    // Per group: 1 + 2 loads, 3 × (1 warm-up + 2 repeats) answers.
    expect(groupSteps(plan.groups[0], 2)).toBe(12);
    expect(plan.stepCount).toBe(48);
  });

  it('reports WebGPU cases as skipped, with the reason, when there is no adapter', () => {
    const plan = planBenchmark({ modelIds: ['a/one'], backends: ['wasm', 'webgpu'], repeats: 3, webgpu: webgpuMissing });
    expect(plan.groups[1].skipReason).toBe('WebGPU is not available in this browser: this browser has no navigator.gpu');
    expect(plan.caseCount).toBe(3);
    const outcomes = initialOutcomes(plan);
    expect(outcomes.map((o) => o.status)).toEqual(['pending', 'pending', 'pending', 'skipped', 'skipped', 'skipped']);
    expect(outcomes[3].message).toContain('no navigator.gpu');
  });

  it('refuses a run it cannot do, saying why', () => {
    const base = { modelIds: ['a/one'], backends: ['wasm' as const], repeats: 3, webgpu: webgpuMissing };
    expect(() => planBenchmark({ ...base, modelIds: ['  ', ''] })).toThrow('Add at least one model id');
    expect(() => planBenchmark({ ...base, backends: [] })).toThrow('Choose at least one backend');
    for (const repeats of [0, 1.5, NaN, 21]) {
      expect(() => planBenchmark({ ...base, repeats })).toThrow('Repeats must be a whole number from 1 to 20');
    }
  });

  it('asks for 128 greedy tokens with thinking off', () => {
    expect(BENCHMARK_PARAMS).toEqual({ maxNewTokens: 128, temperature: 0, topP: 1, enableThinking: false });
  });
});

describe('outcomes after a cancel', () => {
  it('keep finished and failed cases and mark the rest cancelled, without figures', () => {
    const plan = planBenchmark({ modelIds: ['a/one'], backends: ['wasm'], repeats: 1, webgpu: { available: false, detail: '' } });
    const [first, second, third] = initialOutcomes(plan);
    const outcomes = cancelUnfinished(
      [{ ...first, status: 'done', row: row('short', 10, 100) }, { ...second, status: 'running' }, third],
      'Cancelled.',
    );
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'cancelled', 'cancelled']);
    expect(outcomes[0].row).not.toBeNull();
    expect(outcomes[1]).toMatchObject({ row: null, message: 'Cancelled.' });
  });
});

describe('speedChartData', () => {
  it('has one bar group per case, prefill and decode medians, and min–max in the tooltip', () => {
    const data = speedChartData([row('short', 20, 500), row('long', 12, 900, 'webgpu')]);
    expect(data.labels).toEqual(['tiny-qwen3 · WASM · short', 'tiny-qwen3 · WebGPU · long']);
    expect(data.series[0].values).toEqual([500, 900]);
    expect(data.series[1].values).toEqual([20, 12]);
    expect(data.series[1].tooltips?.[0]).toBe('Decode: median 20.0 tok/s (18.0 tok/s – 22.0 tok/s, 3 runs)');
    expect(data.logarithmic).toBe(true);
    expect(data.summary).toContain('2 cases');
    expect(data.summary).toContain('Fastest decode: tiny-qwen3 · WASM · short, 20.0 tok/s');
    expect(data.summary).toContain('Fastest prefill: tiny-qwen3 · WebGPU · long, 900 tok/s');
  });

  it('says when there is nothing to draw', () => {
    expect(speedChartData([]).summary).toContain('no measured cases');
  });

  it('gives no range in the tooltip for one run or runs that agree as shown', () => {
    expect(barTooltip('Decode', { median: 6.93, min: 6.93, max: 6.93, n: 1 })).toBe('Decode: median 6.9 tok/s (1 run)');
    expect(barTooltip('Decode', { median: 6.93, min: 6.91, max: 6.94, n: 3 })).toBe('Decode: median 6.9 tok/s (3 runs)');
  });
});

function row(promptSize: BenchmarkRow['promptSize'], decode: number, prefill: number, backend: BenchmarkRow['backend'] = 'wasm'): BenchmarkRow {
  const stat = (median: number) => ({ median, min: median * 0.9, max: median * 1.1, n: 3 });
  return {
    modelId: 'fixtures/tiny-qwen3',
    backend,
    dtype: 'q8',
    promptSize,
    promptTokens: 64,
    newTokens: 128,
    loadMs: stat(100),
    ttftMs: stat(50),
    prefillTokensPerSecond: stat(prefill),
    decodeTokensPerSecond: stat(decode),
  };
}
