// Two machines' results side by side: benchmark rows matched by model × engine × backend × dtype ×
// prompt size, scorecard summaries by model × engine × category, each with the second machine's
// figure divided by the first's.
import type { BenchmarkRow, ResultsDocument } from '../results/result-types';
import type { EngineKind } from '../engines/types';
import { ENGINE_LABELS } from '../models/model-engine';
import { recordedEngine } from '../results/result-engine';
import { label } from '../engines/backend-selection';
import {
  BENCHMARK_MEASURES,
  categoryName,
  formatPercent,
  formatValue,
  passRate,
  scorecardSummary,
  type ScorecardSummaryRow,
  type TextTable,
} from './results-tables';

/** The measures a comparison shows (load time says more about the cache than the machine). */
export const COMPARED_MEASURES = BENCHMARK_MEASURES.filter((m) => m.key !== 'loadMs');

export interface BenchmarkComparisonRow {
  modelId: string;
  engine: EngineKind;
  backend: BenchmarkRow['backend'];
  dtype: BenchmarkRow['dtype'];
  promptSize: BenchmarkRow['promptSize'];
  first: BenchmarkRow | null;
  second: BenchmarkRow | null;
}

export interface ScorecardComparisonRow {
  modelId: string;
  engine: EngineKind;
  category: ScorecardSummaryRow['category'];
  first: ScorecardSummaryRow | null;
  second: ScorecardSummaryRow | null;
}

/** Rows in the first document's order, then those only the second has. */
function matchRows<T, R>(first: readonly T[], second: readonly T[], key: (row: T) => string, make: (a: T | null, b: T | null) => R): R[] {
  const seconds = new Map(second.map((row) => [key(row), row]));
  const firstKeys = new Set(first.map(key));
  return [
    ...first.map((row) => make(row, seconds.get(key(row)) ?? null)),
    ...second.filter((row) => !firstKeys.has(key(row))).map((row) => make(null, row)),
  ];
}

export function compareBenchmark(first: ResultsDocument, second: ResultsDocument): BenchmarkComparisonRow[] {
  const key = (row: BenchmarkRow) => [row.modelId, recordedEngine(row), row.backend, row.dtype, row.promptSize].join('\u0000');
  return matchRows(first.benchmark, second.benchmark, key, (a, b) => {
    const row = (a ?? b)!;
    return { modelId: row.modelId, engine: recordedEngine(row), backend: row.backend, dtype: row.dtype, promptSize: row.promptSize, first: a, second: b };
  });
}

export function compareScorecard(first: ResultsDocument, second: ResultsDocument): ScorecardComparisonRow[] {
  const key = (row: ScorecardSummaryRow) => [row.modelId, row.engine, row.category].join('\u0000');
  return matchRows(scorecardSummary(first.scorecard), scorecardSummary(second.scorecard), key, (a, b) => {
    const row = (a ?? b)!;
    return { modelId: row.modelId, engine: row.engine, category: row.category, first: a, second: b };
  });
}

/** second ÷ first, or NaN when either is missing or the first is zero. */
export function ratio(first: number | null | undefined, second: number | null | undefined): number {
  if (first === null || first === undefined || second === null || second === undefined) return NaN;
  if (!Number.isFinite(first) || !Number.isFinite(second) || first === 0) return NaN;
  return second / first;
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

export function passRateRatio(row: ScorecardComparisonRow): number {
  return ratio(row.first ? passRate(row.first) : null, row.second ? passRate(row.second) : null);
}

/** One side of a comparison: a name the user knows the document by ("This session", a file name). */
export interface NamedDocument {
  name: string;
  document: ResultsDocument;
}

function groupTitle(side: NamedDocument): string {
  return `${side.name} (${side.document.machine.label})`;
}

/** Medians of both machines and their ratios, one column group each. */
export function benchmarkComparisonTable(first: NamedDocument, second: NamedDocument): TextTable {
  const span = COMPARED_MEASURES.length;
  const figures = (row: BenchmarkRow | null) =>
    COMPARED_MEASURES.map((m) => (row ? formatValue(row[m.key].median, m.unit) : '–'));
  return {
    groups: [
      { title: 'Case', span: 5 },
      { title: groupTitle(first), span },
      { title: groupTitle(second), span },
      { title: 'Ratio (second ÷ first)', span },
    ],
    header: ['Model', 'Engine', 'Backend', 'Dtype', 'Prompt', ...[0, 1, 2].flatMap(() => COMPARED_MEASURES.map((m) => m.title))],
    rows: compareBenchmark(first.document, second.document).map((row) => [
      row.modelId,
      ENGINE_LABELS[row.engine],
      label(row.backend),
      row.dtype,
      row.promptSize,
      ...figures(row.first),
      ...figures(row.second),
      ...COMPARED_MEASURES.map((m) => formatRatio(ratio(row.first?.[m.key].median, row.second?.[m.key].median))),
    ]),
  };
}

/** Tasks passed on both machines and the ratio of pass rates. */
export function scorecardComparisonTable(first: NamedDocument, second: NamedDocument): TextTable {
  const score = (row: ScorecardSummaryRow | null) => (row ? `${row.passed}/${row.total} (${formatPercent(passRate(row))})` : '–');
  return {
    header: ['Model', 'Engine', 'Category', groupTitle(first), groupTitle(second), 'Ratio (second ÷ first)'],
    rows: compareScorecard(first.document, second.document).map((row) => [
      row.modelId,
      ENGINE_LABELS[row.engine],
      categoryName(row.category),
      score(row.first),
      score(row.second),
      formatRatio(passRateRatio(row)),
    ]),
  };
}
