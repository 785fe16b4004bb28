// What the benchmark chart draws, as plain data: one bar group per model × backend × prompt
// size, median prefill and decode speed with their min–max, and a sentence summarising it for
// screen readers. The chart component only hands this to chart.js.
import { label as backendLabel } from '../engines/backend-selection';
import type { BenchmarkRow, SummaryStat } from '../results/result-types';
import { formatRate } from '../render/format';

export interface SpeedSeries {
  name: 'Prefill' | 'Decode';
  medians: number[];
  stats: SummaryStat[];
}

export interface SpeedChartData {
  labels: string[];
  series: [SpeedSeries, SpeedSeries];
  summary: string;
}

export function caseLabel(row: Pick<BenchmarkRow, 'modelId' | 'backend' | 'promptSize'>): string {
  return `${shortModelName(row.modelId)} · ${backendLabel(row.backend)} · ${row.promptSize}`;
}

/** "onnx-community/Qwen3-0.6B-ONNX" → "Qwen3-0.6B-ONNX": the org adds length, not meaning, on an axis. */
export function shortModelName(modelId: string): string {
  return modelId.slice(modelId.lastIndexOf('/') + 1) || modelId;
}

export function speedChartData(rows: readonly BenchmarkRow[]): SpeedChartData {
  const prefill = rows.map((r) => r.prefillTokensPerSecond);
  const decode = rows.map((r) => r.decodeTokensPerSecond);
  return {
    labels: rows.map(caseLabel),
    series: [
      { name: 'Prefill', medians: prefill.map((s) => s.median), stats: prefill },
      { name: 'Decode', medians: decode.map((s) => s.median), stats: decode },
    ],
    summary: chartSummary(rows),
  };
}

/** Tooltip text of one bar: the median and the range it came from. */
export function barTooltip(series: SpeedSeries, index: number): string {
  const stat = series.stats[index];
  return `${series.name}: median ${formatRate(stat.median)} (min ${formatRate(stat.min)} – max ${formatRate(stat.max)}, ${stat.n} runs)`;
}

function chartSummary(rows: readonly BenchmarkRow[]): string {
  if (rows.length === 0) return 'Bar chart of benchmark speeds: no measured cases yet.';
  const fastest = (pick: (r: BenchmarkRow) => SummaryStat) =>
    rows.reduce((best, row) => (pick(row).median > pick(best).median ? row : best));
  const decode = fastest((r) => r.decodeTokensPerSecond);
  const prefill = fastest((r) => r.prefillTokensPerSecond);
  return (
    `Bar chart of median prefill and decode speed in tokens per second for ${rows.length} ` +
    `case${rows.length === 1 ? '' : 's'}. Fastest decode: ${caseLabel(decode)}, ` +
    `${formatRate(decode.decodeTokensPerSecond.median)}. Fastest prefill: ${caseLabel(prefill)}, ` +
    `${formatRate(prefill.prefillTokensPerSecond.median)}.`
  );
}
