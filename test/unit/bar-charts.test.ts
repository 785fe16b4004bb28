// The bar charts' data: readable colours, axis labels cut before they collide, the scorecard by
// category name with a bar per model, side-by-side speeds and first-token times per pane, and
// summaries that say what each picture shows.
import { describe, expect, it } from 'vitest';
import { axisLabelLimit, BAR_COLOURS, contrastRatio, MAX_AXIS_LABEL_CHARS, ROOMY_AXIS_LABEL_CHARS, shortenLabel } from '../../src/lib/charts/bar-chart-data';
import { categoryCounts, scorecardChartData } from '../../src/lib/charts/scorecard-chart';
import { sideBySideSpeedChart, sideBySideTimeChart } from '../../src/lib/charts/side-by-side-chart';
import type { PaneResult } from '../../src/lib/export/side-by-side-table';
import type { GenerationMetrics } from '../../src/lib/engines/types';

describe('bar chart basics', () => {
  it('draws every series in a colour with at least 3:1 contrast on white', () => {
    for (const colour of BAR_COLOURS) expect(contrastRatio(colour, '#ffffff'), colour).toBeGreaterThanOrEqual(3);
    // The check itself: a light grey fails it, black on white is the maximum.
    expect(contrastRatio('#bbbbbb', '#ffffff')).toBeLessThan(3);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });

  it('cuts labels longer than the axis has room for, and leaves short ones alone', () => {
    expect(shortenLabel('Customer support')).toBe('Customer support');
    const long = shortenLabel('Pane 2: Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC');
    expect(long).toHaveLength(MAX_AXIS_LABEL_CHARS);
    expect(long.endsWith('…')).toBe(true);
    expect(shortenLabel('Moderation / classification')).toBe('Moderation / classifica…');
  });

  it('lets labels run longer only where each bar group has room for them level', () => {
    // A phone (about 330 px of chart) with 6 groups: the short limit, and chart.js tilts them.
    expect(axisLabelLimit(330, 6)).toBe(MAX_AXIS_LABEL_CHARS);
    // 700 px with 3 groups: 233 px a group, 33 characters of 7 px less a margin of 2.
    expect(axisLabelLimit(700, 3)).toBe(31);
    expect(axisLabelLimit(700, 3)).toBeGreaterThan('tiny-qwen3 · WASM · medium'.length);
    expect(axisLabelLimit(3000, 1)).toBe(ROOMY_AXIS_LABEL_CHARS);
    expect(axisLabelLimit(0, 0)).toBe(MAX_AXIS_LABEL_CHARS);
  });
});

const run = (modelId: string, verdicts: [category: 'support' | 'coding' | 'reasoning', passed: boolean][]) => ({
  modelId,
  results: verdicts.map(([category, passed]) => ({ category, passed })),
});

describe('scorecardChartData', () => {
  const counts = categoryCounts([
    run('onnx-community/Qwen3-0.6B-ONNX', [['support', true], ['support', false], ['coding', true], ['reasoning', false]]),
    run('fixtures/tiny-glm', [['support', true], ['support', true]]),
  ]);

  it('counts passed and answered tasks per model and category', () => {
    expect(counts).toEqual([
      { modelId: 'onnx-community/Qwen3-0.6B-ONNX', category: 'support', passed: 1, total: 2, unsupported: 0 },
      { modelId: 'onnx-community/Qwen3-0.6B-ONNX', category: 'reasoning', passed: 0, total: 1, unsupported: 0 },
      { modelId: 'onnx-community/Qwen3-0.6B-ONNX', category: 'coding', passed: 1, total: 1, unsupported: 0 },
      { modelId: 'fixtures/tiny-glm', category: 'support', passed: 2, total: 2, unsupported: 0 },
    ]);
  });

  it('puts categories by display name on the axis and one series of pass rates per model', () => {
    const data = scorecardChartData(counts);
    expect(data.labels).toEqual(['Customer support', 'Arithmetic and logic', 'Coding']);
    expect(data.series.map((s) => s.name)).toEqual(['Qwen3-0.6B-ONNX', 'tiny-glm']);
    expect(data.series[0].values).toEqual([50, 0, 100]);
    // A category the model did not run has no bar, not a bar at zero.
    expect(data.series[1].values).toEqual([100, null, null]);
    expect(data.series[0].tooltips?.[0]).toBe('Qwen3-0.6B-ONNX, Customer support: 1 / 2 passed (50%)');
    expect(data.series[1].tooltips?.[2]).toBe('tiny-glm, Coding: not run');
    expect(data.yMax).toBe(100);
    expect(data.yTitle).toContain('%');
  });

  it('says what it shows for screen readers', () => {
    expect(scorecardChartData(counts).summary).toBe(
      'Bar chart of scorecard pass rate per category for 2 models across 3 categories. Tasks passed: Qwen3-0.6B-ONNX 2 of 4; tiny-glm 2 of 2.',
    );
    expect(scorecardChartData(categoryCounts([run('a/b', [['coding', true]])])).summary).toContain('for 1 model across 1 category.');
    expect(scorecardChartData([]).summary).toContain('nothing scored yet');
  });
});

function metrics(overrides: Partial<GenerationMetrics>): GenerationMetrics {
  return {
    promptTokens: 20, cachedTokens: 0, prefillTokens: 20, prefillMs: 100, prefillTokensPerSecond: 200,
    timeToFirstTokenMs: 120, generatedTokens: 50, decodeMs: 1000, decodeTokensPerSecond: 49, totalMs: 1120,
    stopReason: 'max-tokens', ...overrides,
  };
}

describe('side-by-side charts', () => {
  const a: PaneResult = { pane: 1, model: 'fixtures/tiny-qwen3', backend: 'wasm', dtype: 'q8', loadMs: 900, loadedThisRun: true, metrics: metrics({ timeToFirstTokenMs: 80, decodeTokensPerSecond: 30, prefillTokensPerSecond: 640 }), error: null };
  const b: PaneResult = { pane: 2, model: 'fixtures/tiny-glm', backend: 'wasm', dtype: 'q8', loadMs: 400, loadedThisRun: true, metrics: metrics({ timeToFirstTokenMs: 150.4, decodeTokensPerSecond: 61.25 }), error: null };
  const failed: PaneResult = { pane: 3, model: 'nobody/missing', backend: null, dtype: null, loadMs: null, loadedThisRun: false, metrics: null, error: 'ModelNotFoundError: not found' };

  it('draws prefill and decode speed per pane that has them, on a log axis', () => {
    const data = sideBySideSpeedChart([a, b, failed]);
    expect(data.labels).toEqual(['Pane 1: tiny-qwen3', 'Pane 2: tiny-glm']);
    expect(data.series.map((s) => [s.name, s.values])).toEqual([
      ['Prefill tok/s', [640, 200]],
      ['Decode tok/s', [30, 61.25]],
    ]);
    expect(data.logarithmic).toBe(true);
    expect(data.series[1].tooltips).toEqual(['Pane 1: tiny-qwen3: decode speed 30.0 tok/s', 'Pane 2: tiny-glm: decode speed 61.3 tok/s']);
    expect(data.summary).toBe('Bar chart of prefill and decode speed in tokens per second for 2 panes. Fastest decode: Pane 2: tiny-glm, 61.3 tok/s.');
  });

  it('draws time to first token in milliseconds, naming the quickest', () => {
    const data = sideBySideTimeChart([a, b, failed]);
    expect(data.series).toHaveLength(1);
    expect(data.series[0].values).toEqual([80, 150.4]);
    expect(data.yTitle).toContain('milliseconds');
    expect(data.summary).toBe('Bar chart of time to first token in milliseconds for 2 panes. Quickest: Pane 1: tiny-qwen3, 80 ms.');
  });

  it('has nothing to draw when no pane answered', () => {
    expect(sideBySideSpeedChart([failed]).labels).toEqual([]);
    expect(sideBySideTimeChart([failed]).summary).toContain('nothing measured yet');
  });
});
