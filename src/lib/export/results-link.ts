// The compact form of a results document that travels in a link: only what the shared view shows
// (benchmark medians and ranges, each scorecard task's verdict, time and tokens, the model ids,
// the machine line and the hardware summary), as arrays under one-letter keys. Answers, checker
// details, the user agent and the raw hardware report stay in the JSON file. Versioned by `v`;
// reading it checks every value, and a bad one gives an error saying where, never a throw. Version 3
// adds each row's engine as one more cell at the end (absent or null where the row didn't record
// one), so version 2 links, which lack it, still read. A link
// holds no more than a file: what is over the limits in results-limits.ts is left out, and said.
import {
  RESULTS_FORMAT,
  type BenchmarkRow,
  type ResultsDocument,
  type ScorecardRun,
  type ScorecardTaskResult,
  type SummaryStat,
} from '../results/result-types';
import type { Backend, Dtype, EngineKind } from '../engines/types';
import { TASK_CATEGORIES } from '../scorecard/suite-types';
import { BENCHMARK_MEASURES, hardwareLines } from './results-tables';
import { BACKENDS, DTYPES, ENGINES, PROMPT_SIZES, shownValue } from './results-json';
import {
  MAX_BENCHMARK_ROWS,
  MAX_SCORECARD_RUNS,
  MAX_TASKS_PER_RUN,
  firstOf,
  leftOutOrNull,
  type LeftOut,
  type Part,
} from '../results/results-limits';
import { NOT_ASKED } from '../scorecard/score-summary';

export const LINK_VERSION = 3;
/** Links from before the engine was recorded: the same cells, less the engine at the end. */
const ENGINELESS_LINK_VERSION = 2;

type StatCells = [median: number | null, min: number | null, max: number | null, n: number];
type BenchmarkCells = [model: number, backend: Backend, dtype: Dtype, size: BenchmarkRow['promptSize'], promptTokens: number, newTokens: number, ...stats: [...StatCells, ...StatCells, ...StatCells, ...StatCells], engine: EngineKind | null];
/** verdict: 0 failed, 1 passed, 2 not asked (no tool support in the model's template), 3 not asked (the model reads text only). */
type TaskCells = [taskId: string, category: number, verdict: 0 | 1 | 2 | 3, ms: number, promptTokens: number, generatedTokens: number];
type RunCells = [model: number, backend: Backend, dtype: Dtype, suiteName: string, finishedAt: string, tasks: TaskCells[], engine: EngineKind | null];

export interface LinkPayload {
  v: typeof LINK_VERSION | typeof ENGINELESS_LINK_VERSION;
  /** exportedAt */
  t: string;
  /** The machine: label, logical cores, device memory (GB), GPU. */
  m: [label: string, cores: number | null, memoryGB: number | null, gpu: string | null];
  /** The hardware report's summary lines, or null without a report. */
  h: string[] | null;
  /** Model ids, referred to by position (a model appears in many rows). */
  i: string[];
  b: BenchmarkCells[];
  s: RunCells[];
}

/**
 * Figures travel at full precision: rounded ones would round again on screen (1350.45 tok/s sent as
 * 1350.5 shows as 1351 where the sender saw 1350), and the shared view must show what the sender
 * saw. NaN (no samples) is null, as in the JSON file.
 */
function figure(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function statCells(stat: SummaryStat): StatCells {
  return [figure(stat.median), figure(stat.min), figure(stat.max), stat.n];
}

export function toLinkPayload(document: ResultsDocument): LinkPayload {
  // A Map, not indexOf: a fleet's link names hundreds of models over thousands of rows.
  const positions = new Map<string, number>();
  const model = (id: string) => positions.get(id) ?? positions.set(id, positions.size).get(id)!;
  return {
    v: LINK_VERSION,
    t: document.exportedAt,
    m: [document.machine.label, document.machine.logicalCores, document.machine.deviceMemoryGB, document.machine.gpu],
    h: hardwareLines(document.hardware),
    b: document.benchmark.map((row): BenchmarkCells => [
      model(row.modelId),
      row.backend,
      row.dtype,
      row.promptSize,
      row.promptTokens,
      row.newTokens,
      ...BENCHMARK_MEASURES.flatMap((m) => statCells(row[m.key])),
      row.engine ?? null,
    ] as BenchmarkCells),
    s: document.scorecard.map((run): RunCells => [
      model(run.modelId),
      run.backend,
      run.dtype,
      run.suiteName,
      run.finishedAt,
      run.results.map((task): TaskCells => [
        task.taskId,
        TASK_CATEGORIES.indexOf(task.category),
        task.unsupported === 'tools' ? 2 : task.unsupported === 'images' ? 3 : task.passed ? 1 : 0,
        task.ms,
        task.promptTokens,
        task.generatedTokens,
      ]),
      run.engine ?? null,
    ]),
    i: [...positions.keys()],
  };
}

/** `leftOut` is there only when the link held more than the app reads. */
export type LinkRead = { ok: true; document: ResultsDocument; leftOut?: LeftOut } | { ok: false; error: string };

class LinkProblem extends Error {
  override name = 'LinkProblem';
}

/** The document the shared view shows, from a payload of unknown origin. Never throws. */
export function fromLinkPayload(data: unknown): LinkRead {
  try {
    const { document, leftOut } = readPayload(data);
    return leftOut ? { ok: true, document, leftOut } : { ok: true, document };
  } catch (error) {
    if (error instanceof LinkProblem) return { ok: false, error: error.message };
    return { ok: false, error: `unexpected content (${String(error)}).` };
  }
}

function readPayload(data: unknown): { document: ResultsDocument; leftOut: LeftOut | null } {
  if (!isRecord(data) || !('v' in data)) throw new LinkProblem('it is not a results link of this app.');
  if (data.v !== LINK_VERSION && data.v !== ENGINELESS_LINK_VERSION) {
    throw new LinkProblem(`it is link format version ${shownValue(data.v)}; this app reads version ${LINK_VERSION}. Ask for the JSON file instead.`);
  }
  const [label, cores, memory, gpu] = list(data.m, 'the machine', 4);
  const ids = list(data.i, 'the model ids').map((id, n) => text(id, `model id ${n + 1}`));
  const modelAt = (value: unknown, at: string) => {
    const index = whole(value, at);
    if (index >= ids.length) throw new LinkProblem(`${at} names model ${index + 1}, but the link lists ${ids.length}.`);
    return ids[index];
  };
  // Only what is kept is checked: a row left out can't break what is shown.
  const benchmark = firstOf(list(data.b, 'the benchmark'), MAX_BENCHMARK_ROWS);
  const runs = firstOf(list(data.s, 'the scorecard'), MAX_SCORECARD_RUNS);
  const tasks: Part = { total: 0, read: 0 };
  const document: ResultsDocument = {
    format: RESULTS_FORMAT,
    version: 1,
    exportedAt: text(data.t, 'the export time'),
    machine: {
      label: text(label, 'the machine name'),
      userAgent: '',
      logicalCores: orNull(cores, (v) => whole(v, 'the core count')),
      deviceMemoryGB: orNull(memory, (v) => number(v, 'the device memory')),
      gpu: orNull(gpu, (v) => text(v, 'the GPU')),
    },
    hardware: data.h === null ? null : { summary: list(data.h, 'the hardware summary').map((line, n) => text(line, `hardware line ${n + 1}`)) },
    benchmark: benchmark.items.map((cells, n) => readRow(cells, `benchmark row ${n + 1}`, modelAt)),
    scorecard: runs.items.map((cells, n) => readRun(cells, `scorecard run ${n + 1}`, modelAt, tasks)),
  };
  const noChecks: Part = { total: 0, read: 0 };
  return { document, leftOut: leftOutOrNull({ benchmarkRows: benchmark.part, scorecardRuns: runs.part, scorecardTasks: tasks, gpuChecks: noChecks }) };
}

type ModelAt = (value: unknown, at: string) => string;

function readRow(value: unknown, at: string, modelAt: ModelAt): BenchmarkRow {
  const statsEnd = 6 + 4 * BENCHMARK_MEASURES.length;
  const cells = listWithEngine(value, at, statsEnd);
  const stat = (m: number): SummaryStat => {
    const part = (k: number) => {
      const cell = cells[6 + 4 * m + k];
      return cell === null ? NaN : number(cell, `${at}, ${BENCHMARK_MEASURES[m].key}`);
    };
    return { median: part(0), min: part(1), max: part(2), n: whole(cells[6 + 4 * m + 3], `${at}, ${BENCHMARK_MEASURES[m].key} samples`) };
  };
  return {
    modelId: modelAt(cells[0], at),
    ...engineCell(cells[statsEnd], at),
    backend: oneOf(cells[1], BACKENDS, `${at}, backend`),
    dtype: oneOf(cells[2], DTYPES, `${at}, weights`),
    promptSize: oneOf(cells[3], PROMPT_SIZES, `${at}, prompt size`),
    promptTokens: whole(cells[4], `${at}, prompt tokens`),
    newTokens: whole(cells[5], `${at}, new tokens`),
    loadMs: stat(0),
    ttftMs: stat(1),
    prefillTokensPerSecond: stat(2),
    decodeTokensPerSecond: stat(3),
  };
}

/** Adds the run's task count, in the link and as read, to `counted`. */
function readRun(value: unknown, at: string, modelAt: ModelAt, counted: Part): ScorecardRun {
  const [model, backend, dtype, suiteName, finishedAt, tasks, engine] = listWithEngine(value, at, 6);
  const results = firstOf(list(tasks, `${at}, tasks`), MAX_TASKS_PER_RUN);
  counted.total += results.part.total;
  counted.read += results.part.read;
  return {
    modelId: modelAt(model, at),
    ...engineCell(engine, at),
    backend: oneOf(backend, BACKENDS, `${at}, backend`),
    dtype: oneOf(dtype, DTYPES, `${at}, weights`),
    suiteName: text(suiteName, `${at}, suite name`),
    finishedAt: text(finishedAt, `${at}, finish time`),
    results: results.items.map((cells, n) => readTask(cells, `${at}, task ${n + 1}`)),
  };
}

/** Absent (a version 2 link) or null: the row didn't record its engine, as in files from before (see recordedEngine). */
function engineCell(value: unknown, at: string): { engine?: EngineKind } {
  return value === undefined || value === null ? {} : { engine: oneOf(value, ENGINES, `${at}, engine`) };
}

function readTask(value: unknown, at: string): ScorecardTaskResult {
  const [taskId, category, verdictCell, ms, promptTokens, generatedTokens] = list(value, at, 6);
  const verdict = oneOf(verdictCell, [0, 1, 2, 3], `${at}, verdict`);
  const notAsked = verdict === 2 ? 'tools' : verdict === 3 ? 'images' : null;
  const categoryIndex = whole(category, `${at}, category`);
  if (categoryIndex >= TASK_CATEGORIES.length) throw new LinkProblem(`${at} has an unknown category (${categoryIndex}).`);
  return {
    taskId: text(taskId, `${at}, id`),
    category: TASK_CATEGORIES[categoryIndex],
    passed: verdict === 1,
    // The link carries the verdicts, not the words: those are in the JSON file.
    detail: notAsked ? NOT_ASKED[notAsked].detail : '',
    ...(notAsked ? { unsupported: notAsked } : {}),
    answer: '',
    ms: number(ms, `${at}, time`),
    promptTokens: whole(promptTokens, `${at}, prompt tokens`),
    generatedTokens: whole(generatedTokens, `${at}, generated tokens`),
  };
}

// --- Value checks: each says what it expected and where ------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown, at: string, length?: number): unknown[] {
  if (!Array.isArray(value)) throw new LinkProblem(`${at} should be a list, but it is ${shownValue(value)}.`);
  if (length !== undefined && value.length !== length) throw new LinkProblem(`${at} has ${value.length} values instead of ${length}.`);
  return value;
}

/** A row's cells: `length` of them, and the engine after them where the link records it. */
function listWithEngine(value: unknown, at: string, length: number): unknown[] {
  const cells = list(value, at);
  if (cells.length !== length && cells.length !== length + 1) throw new LinkProblem(`${at} has ${cells.length} values instead of ${length}.`);
  return cells;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string') throw new LinkProblem(`${at} should be text, but it is ${shownValue(value)}.`);
  return value;
}

function number(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new LinkProblem(`${at} should be a number, but it is ${shownValue(value)}.`);
  return value;
}

function whole(value: unknown, at: string): number {
  const n = number(value, at);
  if (!Number.isInteger(n) || n < 0) throw new LinkProblem(`${at} should be a whole number, 0 or more, but it is ${shownValue(n)}.`);
  return n;
}

function orNull<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === null ? null : read(value);
}

function oneOf<T>(value: unknown, allowed: readonly T[], at: string): T {
  if (!allowed.includes(value as T)) throw new LinkProblem(`${at} should be one of ${allowed.join(', ')}, but it is ${shownValue(value)}.`);
  return value as T;
}
