// The scorecard chart keeps a model scored on two engines apart: the Results view of a file where
// Qwen3 0.6B ran on ONNX and on llama.cpp draws two series, each with its own pass rates, the second
// named by its engine.
import { describe, expect, it } from 'vitest';
import { categoryCounts, scorecardChartData } from '../../src/lib/charts/scorecard-chart';
import { scorecardSummary } from '../../src/lib/export/results-tables';
import type { ScorecardRun } from '../../src/lib/results/result-types';
import type { EngineKind } from '../../src/lib/engines/types';

function run(engine: EngineKind | undefined, passed: boolean[]): ScorecardRun {
  return {
    modelId: 'onnx-community/Qwen3-0.6B-ONNX',
    ...(engine ? { engine } : {}),
    backend: 'wasm',
    dtype: engine === 'llamacpp' ? 'q4' : 'q8',
    suiteName: 'Default',
    finishedAt: '2026-12-07T00:00:00.000Z',
    results: passed.map((ok, i) => ({ taskId: `t${i}`, category: 'coding', passed: ok, detail: '', answer: '', ms: 100, promptTokens: 10, generatedTokens: 10 })),
  };
}

describe('scorecard chart, one model on two engines', () => {
  it('draws a series per engine, the llama.cpp one named so, each with its own pass rate', () => {
    // A run from a file without engines counts with the engine its model loads with: ONNX.
    const data = scorecardChartData(scorecardSummary([run('transformers', [true]), run('llamacpp', [true, false]), run(undefined, [true])]));
    expect(data.labels).toEqual(['Coding']);
    expect(data.series.map((s) => s.name)).toEqual(['Qwen3-0.6B-ONNX', 'Qwen3-0.6B-ONNX · llama.cpp']);
    expect(data.series.map((s) => s.values)).toEqual([[100], [50]]);
    expect(data.series[1].tooltips).toEqual(['Qwen3-0.6B-ONNX · llama.cpp, Coding: 1 / 2 passed (50%)']);
    expect(data.summary).toContain('Tasks passed: Qwen3-0.6B-ONNX 2 of 2; Qwen3-0.6B-ONNX · llama.cpp 1 of 2.');
  });

  it('keeps the engine of runs still in progress apart too', () => {
    const counts = categoryCounts([
      { modelId: 'a/qwen', engine: 'webllm', results: [{ category: 'coding', passed: true }] },
      { modelId: 'a/qwen', engine: 'llamacpp', results: [{ category: 'coding', passed: false }] },
    ]);
    expect(scorecardChartData(counts).series.map((s) => [s.name, s.values])).toEqual([
      ['qwen · WebLLM', [100]],
      ['qwen · llama.cpp', [0]],
    ]);
  });
});
