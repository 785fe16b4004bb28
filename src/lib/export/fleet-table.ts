// A team's results files in one table per model: one row per file × engine × backend × weights with its
// decode and prefill speed, scorecard total and GPU correctness, and a row marked when its decode
// speed is far below what the rest of the fleet gets with the same backend and weights. The screen,
// the CSV and the Markdown all come from these rows, so a download says what the screen showed.
import type { Backend, Dtype, EngineKind } from '../engines/types';
import type { GpuCorrectness, PromptSize, ResultsDocument, ScorecardRun } from '../results/result-types';
import { label } from '../engines/backend-selection';
import { ENGINE_LABELS, enginePrefix } from '../models/model-engine';
import { recordedEngine } from '../results/result-engine';
import { median } from '../metrics/statistics';
import { scoreTotals } from '../scorecard/score-summary';
import { toCsv, type CsvCell } from './csv';
import { markdownTable } from './markdown-table';
import { formatPercent, formatValue, passRate } from './results-tables';
import type { NamedDocument } from './comparison';

/**
 * Speeds are read at one prompt size, so every machine is measured on the same work: decode slows
 * as the context grows, and a machine that only ran short prompts would look faster than it is.
 */
export const FLEET_PROMPT_SIZE: PromptSize = 'medium';

/** A decode speed under this fraction of the fleet's median (same model, backend, weights) is an outlier. */
export const OUTLIER_FRACTION = 0.5;

/**
 * Outliers are only called with at least this many machines on the same backend and weights: with
 * two, the "median" is their mean and the slow one drags it down, so neither is clearly the odd one.
 */
export const MIN_MACHINES_FOR_OUTLIERS = 3;

export interface FleetRow {
  /** The file's name: what the team knows each machine's results by. */
  source: string;
  /** The document's machine line with its GPU ("Chrome 143 · macOS · 12 cores · Apple M2 Pro"). */
  machine: string;
  /** The runtime: the same weights run on llama.cpp and onnxruntime are different rows. */
  engine: EngineKind;
  backend: Backend;
  dtype: Dtype;
  /** Median decode tok/s at FLEET_PROMPT_SIZE; NaN when the file has no such run. */
  decode: number;
  prefill: number;
  /** Scorecard tasks of this model on this backend and weights; null when it was not scored there. */
  scorecard: { passed: number; total: number } | null;
  /** The GPU correctness check for these weights (WebGPU rows only); null when the file has none. */
  correctness: GpuCorrectness | null;
  /** Why the row stands out, in words; null when it doesn't. */
  outlier: string | null;
}

export interface FleetModel {
  modelId: string;
  rows: FleetRow[];
}

export function machineLine(document: ResultsDocument): string {
  const { label: name, gpu } = document.machine;
  return `${name} · ${gpu ?? 'no WebGPU'}`;
}

function caseKey(modelId: string, engine: EngineKind, backend: Backend, dtype: Dtype): string {
  return [modelId, engine, backend, dtype].join('\u0000');
}

interface DocumentCase {
  modelId: string;
  engine: EngineKind;
  backend: Backend;
  dtype: Dtype;
  /** The case's benchmark medians at FLEET_PROMPT_SIZE. */
  decode: number[];
  prefill: number[];
  runs: ScorecardRun[];
}

/**
 * The document's model × backend × weights cases in the order it first names them, each with its
 * rows: one pass over the rows, so a file of thousands of rows over hundreds of models stays quick.
 */
function documentCases(document: ResultsDocument): DocumentCase[] {
  const cases = new Map<string, DocumentCase>();
  const caseOf = (item: { modelId: string; engine?: EngineKind; backend: Backend; dtype: Dtype }) => {
    const engine = recordedEngine(item);
    const key = caseKey(item.modelId, engine, item.backend, item.dtype);
    let found = cases.get(key);
    if (!found) cases.set(key, (found = { modelId: item.modelId, engine, backend: item.backend, dtype: item.dtype, decode: [], prefill: [], runs: [] }));
    return found;
  };
  for (const row of document.benchmark) {
    const found = caseOf(row);
    if (row.promptSize !== FLEET_PROMPT_SIZE) continue;
    found.decode.push(row.decodeTokensPerSecond.median);
    found.prefill.push(row.prefillTokensPerSecond.median);
  }
  for (const run of document.scorecard) caseOf(run).runs.push(run);
  return [...cases.values()];
}

/** How many fleet rows a document makes: one per model × backend × weights, however many rows it has. */
export function fleetRowCount(document: ResultsDocument): number {
  return documentCases(document).length;
}

/** Every model × backend × weights one document has results for, in the order it has them. */
function documentRows(source: NamedDocument): (FleetRow & { modelId: string })[] {
  const { document } = source;
  // The first check of each model × weights, as a file lists them.
  const checks = new Map<string, GpuCorrectness>();
  for (const check of document.gpuCorrectness ?? []) {
    const key = `${check.repoId}\u0000${check.dtype}`;
    if (!checks.has(key)) checks.set(key, check);
  }
  return documentCases(document).map(({ modelId, engine, backend, dtype, decode, prefill, runs }) => {
    // Tasks a model's template couldn't be asked (no tool support) are outside its score, as on the scorecard.
    const totals = scoreTotals(runs.flatMap((run) => run.results));
    return {
      modelId,
      source: source.name,
      machine: machineLine(document),
      engine,
      backend,
      dtype,
      // One run per case is usual; a file with repeated runs gives the median of their medians.
      decode: median(decode.filter(Number.isFinite)),
      prefill: median(prefill.filter(Number.isFinite)),
      scorecard: runs.length ? { passed: totals.passed, total: totals.answered } : null,
      // The check compares WebGPU's output with the WASM reference: it says nothing about a WASM row.
      correctness: backend === 'webgpu' ? (checks.get(`${modelId}\u0000${dtype}`) ?? null) : null,
      outlier: null,
    };
  });
}

/** The fleet's rows, one table per model in the order the files first name them. */
export function fleetModels(sources: readonly NamedDocument[]): FleetModel[] {
  const models = new Map<string, FleetRow[]>();
  for (const source of sources) {
    for (const { modelId, ...row } of documentRows(source)) {
      const rows = models.get(modelId) ?? [];
      rows.push(row);
      models.set(modelId, rows);
    }
  }
  return [...models].map(([modelId, rows]) => ({ modelId, rows: markOutliers(rows) }));
}

function markOutliers(rows: readonly FleetRow[]): FleetRow[] {
  const groupOf = (row: FleetRow) => `${row.engine} ${row.backend} ${row.dtype}`;
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    if (!Number.isFinite(row.decode)) continue;
    const speeds = groups.get(groupOf(row));
    if (speeds) speeds.push(row.decode);
    else groups.set(groupOf(row), [row.decode]);
  }
  return rows.map((row) => {
    const speeds = groups.get(groupOf(row)) ?? [];
    if (speeds.length < MIN_MACHINES_FOR_OUTLIERS || !Number.isFinite(row.decode)) return row;
    const fleet = median(speeds);
    if (row.decode >= fleet * OUTLIER_FRACTION) return row;
    return {
      ...row,
      outlier:
        `Decode ${formatValue(row.decode, 'tok/s')} tok/s is below half the fleet median of ${formatValue(fleet, 'tok/s')} tok/s ` +
        `for ${enginePrefix(row.engine)}${label(row.backend)} ${row.dtype} (${speeds.length} machines).`,
    };
  });
}

export function formatScorecard(score: FleetRow['scorecard']): string {
  return score ? `${score.passed}/${score.total} (${formatPercent(passRate(score))})` : '–';
}

export function formatCorrectness(check: GpuCorrectness | null): string {
  if (!check) return '–';
  return `${check.verdict === 'ok' ? 'OK' : 'Warning'} ${check.agreement.toFixed(1)}%`;
}

export const FLEET_HEADER = [
  'Machine',
  'File',
  'Engine',
  'Backend',
  'Weights',
  'Decode (tok/s)',
  'Prefill (tok/s)',
  'Scorecard',
  'GPU correctness',
  'Note',
] as const;

/** One row's cells as the screen and the Markdown show them, in FLEET_HEADER's order. */
export function fleetCells(row: FleetRow): string[] {
  return [
    row.machine,
    row.source,
    ENGINE_LABELS[row.engine],
    label(row.backend),
    row.dtype,
    formatValue(row.decode, 'tok/s'),
    formatValue(row.prefill, 'tok/s'),
    formatScorecard(row.scorecard),
    formatCorrectness(row.correctness),
    row.outlier ? `Outlier: ${row.outlier}` : '',
  ];
}

/** Speeds at full precision, like the app's other CSVs; one row per fleet row, the model first. */
export function fleetCsv(models: readonly FleetModel[]): string {
  const header = [
    'modelId',
    'machine',
    'file',
    'engine',
    'backend',
    'dtype',
    'promptSize',
    'decodeTokensPerSecond',
    'prefillTokensPerSecond',
    'scorecardPassed',
    'scorecardTotal',
    'scorecardPassRate',
    'gpuAgreement',
    'gpuVerdict',
    'outlier',
  ];
  const rows = models.flatMap(({ modelId, rows }) =>
    rows.map((row): CsvCell[] => [
      modelId,
      row.machine,
      row.source,
      row.engine,
      row.backend,
      row.dtype,
      FLEET_PROMPT_SIZE,
      row.decode,
      row.prefill,
      row.scorecard?.passed ?? null,
      row.scorecard?.total ?? null,
      row.scorecard ? passRate(row.scorecard) : null,
      row.correctness?.agreement ?? null,
      row.correctness?.verdict ?? null,
      row.outlier,
    ]),
  );
  return toCsv([header, ...rows]);
}

export function fleetMarkdown(models: readonly FleetModel[]): string {
  const files = new Set(models.flatMap((model) => model.rows.map((row) => row.source)));
  return [
    '# Fleet results',
    '',
    `${files.size} results ${files.size === 1 ? 'file' : 'files'}. Speeds are medians at the ${FLEET_PROMPT_SIZE} prompt size; ` +
      `a decode speed below half the fleet median for the same engine, backend and weights is marked as an outlier.`,
    ...models.flatMap((model) => ['', `## ${model.modelId}`, '', markdownTable([...FLEET_HEADER], model.rows.map(fleetCells))]),
    '',
  ].join('\n');
}

/** `fleet-2026-12-02.csv`: dated in UTC, like the other exports. */
export function fleetFileName(extension: 'csv' | 'md', now: Date): string {
  return `fleet-${now.toISOString().slice(0, 10)}.${extension}`;
}
