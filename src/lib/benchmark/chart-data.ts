// What the benchmark chart draws, as plain data: one bar group per model × engine × backend ×
// prompt size, median prefill and decode speed with their min–max in the tooltip, and a sentence
// summarising it for screen readers.
import { label as backendLabel } from '../engines/backend-selection';
import type { BenchmarkRow, SummaryStat } from '../results/result-types';
import { ENGINE_NAMES } from '../models/model-engine';
import { recordedEngine } from '../results/result-engine';
import { formatRange, formatRate } from '../render/format';
import type { BarChartData } from '../charts/bar-chart-data';

/**
 * "Qwen3-0.6B-ONNX · WASM · short"; a row from another engine than ONNX names it by its short name
 * ("· llama.cpp WASM ·"), which leaves room on the axis for the prompt size after it.
 */
export function caseLabel(row: Pick<BenchmarkRow, 'modelId' | 'engine' | 'backend' | 'promptSize'>): string {
  const engine = recordedEngine(row);
  return `${shortModelName(row.modelId)} · ${engine === 'transformers' ? '' : `${ENGINE_NAMES[engine]} `}${backendLabel(row.backend)} · ${row.promptSize}`;
}

/** "onnx-community/Qwen3-0.6B-ONNX" → "Qwen3-0.6B-ONNX": the org adds length, not meaning, on an axis. */
export function shortModelName(modelId: string): string {
  return modelId.slice(modelId.lastIndexOf('/') + 1) || modelId;
}

export function speedChartData(rows: readonly BenchmarkRow[]): BarChartData {
  const series = (name: 'Prefill' | 'Decode', stats: SummaryStat[]) => ({
    name: `${name} tok/s (median)`,
    values: stats.map((s) => s.median),
    tooltips: stats.map((stat) => barTooltip(name, stat)),
  });
  return {
    labels: rows.map(caseLabel),
    series: [
      series('Prefill', rows.map((r) => r.prefillTokensPerSecond)),
      series('Decode', rows.map((r) => r.decodeTokensPerSecond)),
    ],
    // Prefill runs 10–100× faster than decode: on a linear axis the decode bars vanish.
    yTitle: 'tokens per second (median, log scale)',
    logarithmic: true,
    summary: chartSummary(rows),
  };
}

/** Tooltip text of one bar: the median and, when repeats differed, the range it came from. */
export function barTooltip(name: string, stat: SummaryStat): string {
  const range = formatRange(stat, formatRate);
  const runs = `${stat.n} run${stat.n === 1 ? '' : 's'}`;
  return `${name}: median ${formatRate(stat.median)} (${range ? `${range}, ` : ''}${runs})`;
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
