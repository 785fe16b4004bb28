// The results as the tables people read: the benchmark (median with min–max), the scorecard summary
// per model × category and the hardware summary. The results view and the Markdown report both
// render these, so what a file says is exactly what the screen showed.
import { hardwareReportSummary, type HardwareReport } from '../hardware/hardware-report';
import { label } from '../engines/backend-selection';
import { median } from '../metrics/statistics';
import { formatRange } from '../render/format';
import { CATEGORY_LABELS } from '../scorecard/suite-types';
import { isScored } from '../scorecard/score-summary';
import type { BenchmarkRow, ResultsDocument, ScorecardRun, SummaryStat, TaskCategory } from '../results/result-types';
import type { EngineKind } from '../engines/types';
import { ENGINE_LABELS } from '../models/model-engine';
import { recordedEngine } from '../results/result-engine';

export interface TextTable {
  /** Column groups above the header (a comparison's machines), spanning all the columns between them. */
  groups?: { title: string; span: number }[];
  header: string[];
  rows: string[][];
}

export type StatUnit = 'ms' | 'tok/s';

/** Digits shown per unit: whole milliseconds; tokens per second to a tenth. */
export const UNIT_DECIMALS: Record<StatUnit, number> = { ms: 0, 'tok/s': 1 };

export function formatValue(value: number, unit: StatUnit): string {
  return Number.isFinite(value) ? value.toFixed(UNIT_DECIMALS[unit]) : '–';
}

/** "12.3" for one sample or repeats that agree as shown; "12.3 (11.0–13.1)" when they differ. */
export function formatStat(stat: SummaryStat, unit: StatUnit): string {
  const mid = formatValue(stat.median, unit);
  const range = formatRange(stat, (value) => formatValue(value, unit), '–');
  return range ? `${mid} (${range})` : mid;
}

/** A category as people read it ("Customer support"); an id from a newer app version as it is. */
export function categoryName(category: string): string {
  return (CATEGORY_LABELS as Record<string, string | undefined>)[category] ?? category;
}

export const BENCHMARK_MEASURES = [
  { key: 'loadMs', title: 'Load (ms)', unit: 'ms' },
  { key: 'ttftMs', title: 'First token (ms)', unit: 'ms' },
  { key: 'prefillTokensPerSecond', title: 'Prefill (tok/s)', unit: 'tok/s' },
  { key: 'decodeTokensPerSecond', title: 'Decode (tok/s)', unit: 'tok/s' },
] as const satisfies readonly { key: keyof BenchmarkRow; title: string; unit: StatUnit }[];

export type BenchmarkMeasure = (typeof BENCHMARK_MEASURES)[number];

export function benchmarkTable(rows: readonly BenchmarkRow[]): TextTable {
  return {
    header: ['Model', 'Engine', 'Backend', 'Dtype', 'Prompt', 'Prompt tokens', 'New tokens', 'Repeats', ...BENCHMARK_MEASURES.map((m) => m.title)],
    rows: rows.map((row) => [
      row.modelId,
      ENGINE_LABELS[recordedEngine(row)],
      label(row.backend),
      row.dtype,
      row.promptSize,
      String(row.promptTokens),
      String(row.newTokens),
      String(row.decodeTokensPerSecond.n),
      ...BENCHMARK_MEASURES.map((m) => formatStat(row[m.key], m.unit)),
    ]),
  };
}

/** Pass counts of one model on one engine in one category, over every run of that model there. */
export interface ScorecardSummaryRow {
  modelId: string;
  engine: EngineKind;
  category: TaskCategory;
  passed: number;
  /** Tasks answered and checked. */
  total: number;
  /** Tasks the model could not be asked (no tool support in its template, or it reads text only). Not in `total`. */
  unsupported: number;
  /** Runs of the model that contributed tasks (several when it ran on more than one backend). */
  runs: number;
  medianMs: number;
}

export function scorecardSummary(runs: readonly ScorecardRun[]): ScorecardSummaryRow[] {
  const groups = new Map<string, { modelId: string; engine: EngineKind; category: TaskCategory; passed: number; unsupported: number; ms: number[]; runs: Set<ScorecardRun> }>();
  for (const run of runs) {
    const engine = recordedEngine(run);
    for (const task of run.results) {
      const key = [run.modelId, engine, task.category].join('\u0000');
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { modelId: run.modelId, engine, category: task.category, passed: 0, unsupported: 0, ms: [], runs: new Set() }));
      group.runs.add(run);
      if (!isScored(task)) {
        group.unsupported++;
        continue;
      }
      if (task.passed) group.passed++;
      group.ms.push(task.ms);
    }
  }
  return [...groups.values()].map((g) => ({
    modelId: g.modelId,
    engine: g.engine,
    category: g.category,
    passed: g.passed,
    total: g.ms.length,
    unsupported: g.unsupported,
    runs: g.runs.size,
    medianMs: median(g.ms),
  }));
}

export function passRate(row: Pick<ScorecardSummaryRow, 'passed' | 'total'>): number {
  return row.total === 0 ? NaN : row.passed / row.total;
}

export function formatPercent(rate: number): string {
  return Number.isFinite(rate) ? `${Math.round(rate * 100)}%` : '–';
}

export function scorecardSummaryTable(runs: readonly ScorecardRun[]): TextTable {
  const rows = scorecardSummary(runs);
  // The column appears only when some model could not be asked some tasks.
  const unsupported = rows.some((row) => row.unsupported > 0);
  return {
    header: ['Model', 'Engine', 'Category', 'Passed', 'Tasks', 'Pass rate', ...(unsupported ? ['Not asked'] : []), 'Median time (ms)', 'Runs'],
    rows: rows.map((row) => [
      row.modelId,
      ENGINE_LABELS[row.engine],
      categoryName(row.category),
      String(row.passed),
      String(row.total),
      formatPercent(passRate(row)),
      ...(unsupported ? [String(row.unsupported)] : []),
      formatValue(row.medianMs, 'ms'),
      String(row.runs),
    ]),
  };
}

/** A results link carries the hardware report's summary lines only, not the whole report. */
export interface HardwareSummaryLines {
  summary: string[];
}

function isHardwareSummaryLines(value: unknown): value is HardwareSummaryLines {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as HardwareSummaryLines).summary) &&
    (value as HardwareSummaryLines).summary.every((line) => typeof line === 'string')
  );
}

/** The plain-language lines of a hardware report (or of a link's summary), or null without either. */
export function hardwareLines(hardware: unknown): string[] | null {
  if (isHardwareSummaryLines(hardware)) return hardware.summary;
  if (!looksLikeHardwareReport(hardware)) return null;
  try {
    return hardwareReportSummary(hardware);
  } catch {
    // An imported file's report may be from another version of the app: show none rather than break.
    return null;
  }
}

/** The hardware report's plain-language lines as fact/value pairs, or null without a readable report. */
export function hardwareTable(hardware: unknown): TextTable | null {
  const lines = hardwareLines(hardware);
  if (!lines) return null;
  return {
    header: ['Fact', 'Value'],
    rows: lines.map((line) => {
      const at = line.indexOf(': ');
      return at < 0 ? ['', line] : [line.slice(0, at), line.slice(at + 2)];
    }),
  };
}

export function looksLikeHardwareReport(value: unknown): value is HardwareReport {
  if (typeof value !== 'object' || value === null) return false;
  const report = value as Record<string, unknown>;
  return ['browser', 'webgpu', 'cpu', 'wasm', 'memory', 'storage'].every(
    (key) => typeof report[key] === 'object' && report[key] !== null,
  );
}

export function documentTables(document: ResultsDocument) {
  return {
    benchmark: benchmarkTable(document.benchmark),
    scorecard: scorecardSummaryTable(document.scorecard),
    hardware: hardwareTable(document.hardware),
  };
}
