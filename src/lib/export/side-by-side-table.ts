// The numbers of one side-by-side run as a comparison: which pane was fastest on each measure,
// and the same rows as CSV for export.
import type { Backend, Dtype, GenerationMetrics } from '../engines/types';
import { engineOfModel } from '../models/model-engine';
import { toCsv, type CsvCell } from './csv';
import { formatMs, formatRate } from '../render/format';

/** One after another (each model has the device to itself) or all at once (they share it). */
export type RunMode = 'sequential' | 'concurrent';

export interface PaneResult {
  /** 1-based position of the pane on screen. */
  pane: number;
  model: string;
  backend: Backend | null;
  dtype: Dtype | null;
  loadMs: number | null;
  /** False when the model was already loaded by an earlier run: its load time is from then. */
  loadedThisRun: boolean;
  metrics: GenerationMetrics | null;
  /** "Name: message" when the pane failed. */
  error: string | null;
}

export interface ComparedMeasure {
  id: 'load' | 'ttft' | 'prefill' | 'decode';
  label: string;
  better: 'lower' | 'higher';
  value(result: PaneResult): number | null;
  format(value: number): string;
}

const positive = (value: number | undefined | null): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;

export const COMPARED_MEASURES: readonly ComparedMeasure[] = [
  { id: 'load', label: 'Load time', better: 'lower', value: (r) => positive(r.loadMs), format: formatMs },
  {
    id: 'ttft',
    label: 'Time to first token',
    better: 'lower',
    // No token written means there was no first token to time.
    value: (r) => (r.metrics && r.metrics.generatedTokens > 0 ? positive(r.metrics.timeToFirstTokenMs) : null),
    format: formatMs,
  },
  { id: 'prefill', label: 'Prefill speed', better: 'higher', value: (r) => positive(r.metrics?.prefillTokensPerSecond), format: formatRate },
  { id: 'decode', label: 'Decode speed', better: 'higher', value: (r) => positive(r.metrics?.decodeTokensPerSecond), format: formatRate },
];

/**
 * Positions (in `results`) of the best value of a measure; ties are all best. Empty when fewer
 * than two panes have a value: one number alone is not "the fastest" of anything.
 */
export function fastestRows(results: readonly PaneResult[], measure: ComparedMeasure): Set<number> {
  const values = results.map((r) => measure.value(r));
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return new Set();
  const best = measure.better === 'lower' ? Math.min(...present) : Math.max(...present);
  return new Set(values.flatMap((v, i) => (v === best ? [i] : [])));
}

export const SIDE_BY_SIDE_COLUMNS = [
  'pane',
  'model',
  'engine',
  'mode',
  'backend',
  'dtype',
  'load_ms',
  'loaded_this_run',
  'time_to_first_token_ms',
  'prefill_tokens',
  'prefill_tokens_per_s',
  'generated_tokens',
  'decode_tokens_per_s',
  'total_ms',
  'stop_reason',
  'error',
] as const;

/**
 * The table as CSV; missing numbers are empty cells, never zeros. The engine is its id, as in the
 * results CSV: the one a pane's model id loads with (a pane loads the id as typed).
 */
export function sideBySideCsv(results: readonly PaneResult[], mode: RunMode): string {
  const rows: CsvCell[][] = [[...SIDE_BY_SIDE_COLUMNS]];
  for (const r of results) {
    const m = r.metrics;
    rows.push([
      r.pane,
      r.model,
      r.model ? engineOfModel(r.model) : null,
      mode,
      r.backend,
      r.dtype,
      round(r.loadMs),
      r.loadedThisRun,
      round(m && m.generatedTokens > 0 ? m.timeToFirstTokenMs : null),
      m?.prefillTokens ?? null,
      round(m?.prefillTokensPerSecond ?? null),
      m?.generatedTokens ?? null,
      round(m?.decodeTokensPerSecond ?? null),
      round(m?.totalMs ?? null),
      m?.stopReason ?? null,
      r.error,
    ]);
  }
  return toCsv(rows);
}

function round(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 100) / 100;
}
