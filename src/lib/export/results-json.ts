// The results as JSON, and reading such a file back: every field is checked, and a file that is not
// ours, is from another format version or lacks a field gets an error that says which and where.
// A file larger than any the app writes is read up to the limits in results-limits.ts, and the read
// says what it left out.
import {
  RESULTS_FORMAT,
  type BenchmarkRow,
  type GpuCorrectness,
  type LoadPhaseStats,
  type MachineInfo,
  type ResultsDocument,
  type ScorecardRun,
  type ScorecardTaskResult,
  type SummaryStat,
} from '../results/result-types';
import type { Backend, Dtype, EngineKind } from '../engines/types';
import { ENGINES as ENGINE_KINDS } from '../models/model-engine';
import { TASK_CATEGORIES } from '../scorecard/suite-types';
import {
  MAX_BENCHMARK_ROWS,
  MAX_GPU_CHECKS,
  MAX_SCORECARD_RUNS,
  MAX_TASKS_PER_RUN,
  firstOf,
  leftOutOrNull,
  type LeftOut,
  type Part,
} from '../results/results-limits';
import { jsonErrorPosition } from './json-error-position';

export function resultsJson(document: ResultsDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `leftOut` is there only when the file held more than the app reads. */
export type ParsedResults = { ok: true; document: ResultsDocument; leftOut?: LeftOut } | { ok: false; error: string };

/** The values a results file (or link) may name, in the order its error messages list them. */
export const BACKENDS: readonly Backend[] = ['webgpu', 'wasm'];
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
export const ENGINES: readonly EngineKind[] = ENGINE_KINDS;
export const PROMPT_SIZES: readonly BenchmarkRow['promptSize'][] = ['short', 'medium', 'long'];
const UNSUPPORTED: readonly NonNullable<ScorecardTaskResult['unsupported']>[] = ['tools', 'images'];

/** Thrown inside the checks only; parseResultsDocument turns it into its `error` text. */
class FormatProblem extends Error {
  override name = 'FormatProblem';
}

type Json = Record<string, unknown>;

/** Reads an exported results file. Never throws: a problem comes back as `{ ok: false, error }`. */
export function parseResultsDocument(text: string): ParsedResults {
  const json = parseJson(text);
  return json.ok ? readResultsData(json.data) : json;
}

/** The file's JSON, or the error a results file that is not JSON gets (with the line and column). */
export function parseJson(text: string): { ok: true; data: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (error) {
    const at = jsonErrorPosition(text);
    const where = at ? `line ${at.line}, column ${at.column}: ` : '';
    return { ok: false, error: `This file is not JSON (${where}${error instanceof Error ? error.message : String(error)}).` };
  }
}

/** A results document from JSON already parsed (a permalink's payload, say). */
export function readResultsData(data: unknown): ParsedResults {
  try {
    const { document, leftOut } = readDocument(data);
    return leftOut ? { ok: true, document, leftOut } : { ok: true, document };
  } catch (error) {
    if (error instanceof FormatProblem) return { ok: false, error: error.message };
    return { ok: false, error: `This results file could not be read: ${String(error)}` };
  }
}

function readDocument(data: unknown): { document: ResultsDocument; leftOut: LeftOut | null } {
  if (!isObject(data) || data.format !== RESULTS_FORMAT) {
    const hint =
      isObject(data) && 'takenAt' in data && 'webgpu' in data
        ? ' It looks like a hardware report; import a file from "Download JSON" in the Results view.'
        : '';
    throw new FormatProblem(`This is not an On-Device Playground results file (it has no "format": "${RESULTS_FORMAT}").${hint}`);
  }
  if (data.version !== 1) {
    throw new FormatProblem(
      `This results file is format version ${shownValue(data.version)}; this app reads version 1. Export it again from a matching version of the app.`,
    );
  }
  const at = 'the results file';
  // Only what is kept is checked: a row left out can't break what is shown.
  const benchmark = firstOf(arr(data, 'benchmark', at), MAX_BENCHMARK_ROWS);
  const runs = firstOf(arr(data, 'scorecard', at), MAX_SCORECARD_RUNS);
  const tasks: Part = { total: 0, read: 0 };
  const document: ResultsDocument = {
    format: RESULTS_FORMAT,
    version: 1,
    exportedAt: str(data, 'exportedAt', at),
    machine: readMachine(obj(data, 'machine', at)),
    benchmark: benchmark.items.map((row, i) => readBenchmarkRow(row, `benchmark row ${i + 1}`)),
    scorecard: runs.items.map((run, i) => readScorecardRun(run, `scorecard run ${i + 1}`, tasks)),
    hardware: 'hardware' in data ? (data.hardware ?? null) : missing('hardware', at),
  };
  let gpuChecks: Part = { total: 0, read: 0 };
  // Optional: only files from versions of the app that check GPU correctness carry it.
  if (data.gpuCorrectness !== undefined) {
    const checks = firstOf(arr(data, 'gpuCorrectness', at), MAX_GPU_CHECKS);
    gpuChecks = checks.part;
    document.gpuCorrectness = checks.items.map((check, i) => readGpuCorrectness(check, `GPU correctness check ${i + 1}`));
  }
  return {
    document,
    leftOut: leftOutOrNull({ benchmarkRows: benchmark.part, scorecardRuns: runs.part, scorecardTasks: tasks, gpuChecks }),
  };
}

const VERDICTS: readonly GpuCorrectness['verdict'][] = ['ok', 'warning'];

function readGpuCorrectness(value: unknown, at: string): GpuCorrectness {
  const data = asObject(value, at);
  const check: GpuCorrectness = {
    repoId: str(data, 'repoId', at),
    dtype: oneOf(data, 'dtype', DTYPES, at),
    positions: num(data, 'positions', at),
    agreeing: num(data, 'agreeing', at),
    agreement: num(data, 'agreement', at),
    verdict: oneOf(data, 'verdict', VERDICTS, at),
  };
  if (check.agreement < 0 || check.agreement > 100) wrongType('agreement', at, 'a percentage from 0 to 100', check.agreement);
  if (check.agreeing < 0 || check.agreeing > check.positions) {
    wrongType('agreeing', at, `a count from 0 to the ${check.positions} positions compared`, check.agreeing);
  }
  if (data.sameTokenPositions !== undefined) {
    const same = num(data, 'sameTokenPositions', at);
    if (same < 0 || same > check.positions) wrongType('sameTokenPositions', at, `a count from 0 to the ${check.positions} positions compared`, same);
    check.sameTokenPositions = same;
  }
  return check;
}

function readMachine(data: Json): MachineInfo {
  const at = 'the machine';
  return {
    label: str(data, 'label', at),
    userAgent: str(data, 'userAgent', at),
    logicalCores: numOrNull(data, 'logicalCores', at),
    deviceMemoryGB: numOrNull(data, 'deviceMemoryGB', at),
    gpu: strOrNull(data, 'gpu', at),
  };
}

function readBenchmarkRow(value: unknown, at: string): BenchmarkRow {
  const data = asObject(value, at);
  return {
    modelId: str(data, 'modelId', at),
    ...readEngine(data, at),
    backend: oneOf(data, 'backend', BACKENDS, at),
    dtype: oneOf(data, 'dtype', DTYPES, at),
    promptSize: oneOf(data, 'promptSize', PROMPT_SIZES, at),
    promptTokens: num(data, 'promptTokens', at),
    newTokens: num(data, 'newTokens', at),
    loadMs: readStat(data, 'loadMs', at),
    ...(data.loadPhases === undefined ? {} : { loadPhases: readLoadPhases(data, at) }),
    ttftMs: readStat(data, 'ttftMs', at),
    prefillTokensPerSecond: readStat(data, 'prefillTokensPerSecond', at),
    decodeTokensPerSecond: readStat(data, 'decodeTokensPerSecond', at),
  };
}

/** Absent in files from before the engine was recorded (see recordedEngine). */
function readEngine(data: Json, at: string): { engine?: EngineKind } {
  return data.engine === undefined ? {} : { engine: oneOf(data, 'engine', ENGINES, at) };
}

function readLoadPhases(parent: Json, at: string): LoadPhaseStats {
  const data = obj(parent, 'loadPhases', at);
  const phase = (key: keyof LoadPhaseStats) => readStat(data, key, `${at}, load phases`);
  return {
    storeReadMs: phase('storeReadMs'),
    tokenizerMs: phase('tokenizerMs'),
    engineStartMs: phase('engineStartMs'),
    sessionCreateMs: phase('sessionCreateMs'),
    warmupMs: phase('warmupMs'),
  };
}

function readStat(parent: Json, key: string, at: string): SummaryStat {
  const data = obj(parent, key, at);
  // A figure with no samples is NaN, which JSON writes as null: read it back as NaN.
  const inner = (part: string) => (data[part] === null ? NaN : num(data, part, at, `${key}.${part}`));
  return { median: inner('median'), min: inner('min'), max: inner('max'), n: inner('n') };
}

/** Adds the run's task count, in the file and as read, to `tasks`. */
function readScorecardRun(value: unknown, at: string, tasks: Part): ScorecardRun {
  const data = asObject(value, at);
  const results = firstOf(arr(data, 'results', at), MAX_TASKS_PER_RUN);
  tasks.total += results.part.total;
  tasks.read += results.part.read;
  return {
    modelId: str(data, 'modelId', at),
    ...readEngine(data, at),
    backend: oneOf(data, 'backend', BACKENDS, at),
    dtype: oneOf(data, 'dtype', DTYPES, at),
    suiteName: str(data, 'suiteName', at),
    finishedAt: str(data, 'finishedAt', at),
    results: results.items.map((task, i) => readTask(task, `${at}, task ${i + 1}`)),
  };
}

function readTask(value: unknown, at: string): ScorecardTaskResult {
  const data = asObject(value, at);
  return {
    taskId: str(data, 'taskId', at),
    category: oneOf(data, 'category', TASK_CATEGORIES, at),
    passed: bool(data, 'passed', at),
    detail: str(data, 'detail', at),
    // Absent in files from before tool tasks, and whenever the task was asked.
    ...(data.unsupported === undefined ? {} : { unsupported: oneOf(data, 'unsupported', UNSUPPORTED, at) }),
    answer: str(data, 'answer', at),
    ms: num(data, 'ms', at),
    promptTokens: num(data, 'promptTokens', at),
    generatedTokens: num(data, 'generatedTokens', at),
  };
}

// --- Field checks: each names the field and where it is -----------------------------------------

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missing(name: string, at: string): never {
  throw new FormatProblem(`Missing field "${name}" in ${at}.`);
}

function wrongType(name: string, at: string, expected: string, found: unknown): never {
  throw new FormatProblem(`Field "${name}" in ${at} should be ${expected}, but it is ${shownValue(found)}.`);
}

/** The longest piece of a wrong value an error message quotes. */
const MAX_QUOTED_CHARS = 80;

/**
 * A wrong value as the message quotes it. Not JSON.stringify alone: it writes Infinity (what
 * JSON.parse makes of 1e999) and NaN as null, and the message would say "null" of a number.
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS - 1)}…` : text;
}

function field(data: Json, key: string, at: string, name = key): unknown {
  if (!(key in data) || data[key] === undefined) missing(name, at);
  return data[key];
}

function asObject(value: unknown, at: string): Json {
  if (!isObject(value)) throw new FormatProblem(`${capitalise(at)} should be an object, but it is ${shownValue(value)}.`);
  return value;
}

function obj(data: Json, key: string, at: string): Json {
  const value = field(data, key, at);
  return isObject(value) ? value : wrongType(key, at, 'an object', value);
}

function arr(data: Json, key: string, at: string): unknown[] {
  const value = field(data, key, at);
  return Array.isArray(value) ? value : wrongType(key, at, 'a list', value);
}

function str(data: Json, key: string, at: string): string {
  const value = field(data, key, at);
  return typeof value === 'string' ? value : wrongType(key, at, 'text', value);
}

function strOrNull(data: Json, key: string, at: string): string | null {
  const value = field(data, key, at);
  return value === null || typeof value === 'string' ? value : wrongType(key, at, 'text or null', value);
}

function num(data: Json, key: string, at: string, name = key): number {
  const value = field(data, key, at, name);
  return typeof value === 'number' && Number.isFinite(value) ? value : wrongType(name, at, 'a number', value);
}

function numOrNull(data: Json, key: string, at: string): number | null {
  const value = field(data, key, at);
  return value === null || (typeof value === 'number' && Number.isFinite(value)) ? value : wrongType(key, at, 'a number or null', value);
}

function bool(data: Json, key: string, at: string): boolean {
  const value = field(data, key, at);
  return typeof value === 'boolean' ? value : wrongType(key, at, 'true or false', value);
}

function oneOf<T extends string>(data: Json, key: string, allowed: readonly T[], at: string): T {
  const value = field(data, key, at);
  return allowed.includes(value as T) ? (value as T) : wrongType(key, at, `one of ${allowed.join(', ')}`, value);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
