// The results as CSV, one file per table: benchmark rows (median, min, max and samples of every
// measure, at full precision), scorecard tasks, and the scorecard summary per model × engine ×
// category. The engine is its id (`transformers`, `webllm`, `llamacpp`), as the JSON file has it.
import type { ResultsDocument, ScorecardTaskResult, SummaryStat } from '../results/result-types';
import { toCsv, type CsvCell } from './csv';
import { BENCHMARK_MEASURES, passRate, scorecardSummary } from './results-tables';
import { NOT_ASKED } from '../scorecard/score-summary';
import { recordedEngine } from '../results/result-engine';

/** A task's outcome in one word: a task the model could not be asked is neither passed nor failed. */
function verdictOf(task: ScorecardTaskResult): string {
  if (task.unsupported) return NOT_ASKED[task.unsupported].short;
  return task.passed ? 'passed' : 'failed';
}

const STAT_PARTS = ['median', 'min', 'max', 'n'] as const satisfies readonly (keyof SummaryStat)[];

/** Column names of the benchmark CSV's measures: `ttftMs median`, `ttftMs min`, ... */
export function statColumn(measure: string, part: keyof SummaryStat): string {
  return `${measure} ${part}`;
}

export function benchmarkCsv(document: ResultsDocument): string {
  const header = [
    'modelId',
    'engine',
    'backend',
    'dtype',
    'promptSize',
    'promptTokens',
    'newTokens',
    ...BENCHMARK_MEASURES.flatMap((m) => STAT_PARTS.map((part) => statColumn(m.key, part))),
  ];
  const rows = document.benchmark.map((row): CsvCell[] => [
    row.modelId,
    recordedEngine(row),
    row.backend,
    row.dtype,
    row.promptSize,
    row.promptTokens,
    row.newTokens,
    ...BENCHMARK_MEASURES.flatMap((m) => STAT_PARTS.map((part) => row[m.key][part])),
  ]);
  return toCsv([header, ...rows]);
}

export function scorecardTasksCsv(document: ResultsDocument): string {
  const header = [
    'modelId',
    'engine',
    'backend',
    'dtype',
    'suiteName',
    'finishedAt',
    'taskId',
    'category',
    'passed',
    'verdict',
    'detail',
    'answer',
    'ms',
    'promptTokens',
    'generatedTokens',
  ];
  const rows = document.scorecard.flatMap((run) =>
    run.results.map((task): CsvCell[] => [
      run.modelId,
      recordedEngine(run),
      run.backend,
      run.dtype,
      run.suiteName,
      run.finishedAt,
      task.taskId,
      task.category,
      task.passed,
      verdictOf(task),
      task.detail,
      task.answer,
      task.ms,
      task.promptTokens,
      task.generatedTokens,
    ]),
  );
  return toCsv([header, ...rows]);
}

export function scorecardSummaryCsv(document: ResultsDocument): string {
  const header = ['modelId', 'engine', 'category', 'passed', 'total', 'passRate', 'notAsked', 'medianMs', 'runs'];
  const rows = scorecardSummary(document.scorecard).map((row): CsvCell[] => [
    row.modelId,
    row.engine,
    row.category,
    row.passed,
    row.total,
    passRate(row),
    row.unsupported,
    row.medianMs,
    row.runs,
  ]);
  return toCsv([header, ...rows]);
}
