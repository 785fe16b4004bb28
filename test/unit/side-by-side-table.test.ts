// The side-by-side comparison: the best value per measure (lower times, higher speeds), no
// "fastest" for a lone value, and CSV with empty cells where a pane has no number.
import { describe, expect, it } from 'vitest';
import { COMPARED_MEASURES, fastestRows, sideBySideCsv, type PaneResult } from '../../src/lib/export/side-by-side-table';
import { csvRecords } from '../../src/lib/export/csv';
import type { GenerationMetrics } from '../../src/lib/engines/types';

function metrics(overrides: Partial<GenerationMetrics>): GenerationMetrics {
  return {
    promptTokens: 20, cachedTokens: 0, prefillTokens: 20, prefillMs: 100, prefillTokensPerSecond: 200,
    timeToFirstTokenMs: 120, generatedTokens: 50, decodeMs: 1000, decodeTokensPerSecond: 49, totalMs: 1120,
    stopReason: 'max-tokens', ...overrides,
  };
}

const a: PaneResult = { pane: 1, model: 'org/a', backend: 'wasm', dtype: 'q8', loadMs: 900, loadedThisRun: true, metrics: metrics({ timeToFirstTokenMs: 80, decodeTokensPerSecond: 30 }), error: null };
const b: PaneResult = { pane: 2, model: 'org/b, v2', backend: 'webgpu', dtype: 'q4', loadMs: 400, loadedThisRun: false, metrics: metrics({ timeToFirstTokenMs: 150, decodeTokensPerSecond: 60 }), error: null };
const failed: PaneResult = { pane: 3, model: 'nobody/missing', backend: null, dtype: null, loadMs: null, loadedThisRun: false, metrics: null, error: 'ModelNotFoundError: not found' };
const measure = (id: string) => COMPARED_MEASURES.find((m) => m.id === id)!;

describe('fastestRows', () => {
  it('marks the lowest time and the highest speed', () => {
    const results = [a, b, failed];
    expect([...fastestRows(results, measure('load'))]).toEqual([1]);
    expect([...fastestRows(results, measure('ttft'))]).toEqual([0]);
    expect([...fastestRows(results, measure('decode'))]).toEqual([1]);
    // Equal prefill speeds: both are the fastest.
    expect([...fastestRows(results, measure('prefill'))]).toEqual([0, 1]);
  });

  it('names no fastest when only one pane has a number', () => {
    expect(fastestRows([a, failed], measure('decode')).size).toBe(0);
  });

  it('does not time a first token that never came', () => {
    const silent = { ...a, metrics: metrics({ generatedTokens: 0, timeToFirstTokenMs: 5 }) };
    expect(measure('ttft').value(silent)).toBeNull();
    expect([...fastestRows([silent, b], measure('ttft'))]).toEqual([]);
  });
});

describe('sideBySideCsv', () => {
  it('writes one row per pane with the mode, and empty cells for missing numbers', () => {
    const rows = csvRecords(sideBySideCsv([a, b, failed], 'concurrent'));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({ pane: '2', model: 'org/b, v2', mode: 'concurrent', backend: 'webgpu', load_ms: '400', loaded_this_run: 'false', decode_tokens_per_s: '60', stop_reason: 'max-tokens' });
    expect(rows[2]).toMatchObject({ model: 'nobody/missing', load_ms: '', time_to_first_token_ms: '', generated_tokens: '', error: 'ModelNotFoundError: not found' });
  });
});
