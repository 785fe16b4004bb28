// The results the app measures and shares: benchmark rows, scorecard runs and the machine they
// were taken on. One document type carries them into exports, permalinks and imports, so two
// machines' results can be read back and compared in one table.
import type { Backend, Dtype, EngineKind, LoadPhases } from '../engines/types';

/** Median, min and max of one measure over the repeats of a benchmark case. */
export interface SummaryStat {
  median: number;
  min: number;
  max: number;
  /** How many samples (repeats) the figures come from. */
  n: number;
}

export type LoadPhaseStats = Record<keyof LoadPhases, SummaryStat>;

export type PromptSize = 'short' | 'medium' | 'long';

/** One model × backend × prompt size of a benchmark run. */
export interface BenchmarkRow {
  modelId: string;
  /** The runtime that ran it; absent in files from before a third engine, read as recordedEngine() says. */
  engine?: EngineKind;
  backend: Backend;
  dtype: Dtype;
  promptSize: PromptSize;
  /** Prompt tokens as the model's own tokenizer counted them (the suite aims at ~64/256/1024). */
  promptTokens: number;
  /** New tokens per repeat (the suite asks for 128). */
  newTokens: number;
  loadMs: SummaryStat;
  /** Where the timed loads' time went, phase by phase; absent in files from before phases were timed, and for runtimes that don't time them. */
  loadPhases?: LoadPhaseStats;
  ttftMs: SummaryStat;
  prefillTokensPerSecond: SummaryStat;
  decodeTokensPerSecond: SummaryStat;
}

export type TaskCategory =
  | 'support'
  | 'recommendation'
  | 'classification'
  | 'extraction'
  | 'reasoning'
  | 'translation'
  | 'summarisation'
  | 'coding'
  | 'tools'
  | 'data'
  | 'vision';

export interface ScorecardTaskResult {
  taskId: string;
  category: TaskCategory;
  passed: boolean;
  /** What the checker found, in words ("expected 42, found 41", "3/3 tests passed"). */
  detail: string;
  /**
   * Set when the task could not be put to the model at all: 'tools' when its chat template (or
   * engine) takes no tool definitions, 'images' when the model reads text only and the task has
   * pictures. Not a failure: such tasks are left out of pass rates.
   */
  unsupported?: 'tools' | 'images';
  answer: string;
  ms: number;
  promptTokens: number;
  generatedTokens: number;
}

export interface ScorecardRun {
  modelId: string;
  /** The runtime that ran it; absent in files from before a third engine, read as recordedEngine() says. */
  engine?: EngineKind;
  backend: Backend;
  dtype: Dtype;
  suiteName: string;
  /** ISO 8601. */
  finishedAt: string;
  results: ScorecardTaskResult[];
}

/** The machine results were taken on, as far as a browser can tell. */
export interface MachineInfo {
  /** A name the user can recognise in a comparison ("Chromium 156 · Linux · 2 cores"). */
  label: string;
  userAgent: string;
  logicalCores: number | null;
  deviceMemoryGB: number | null;
  /** WebGPU adapter in words, or null without one. */
  gpu: string | null;
}

/**
 * How far a model's WebGPU output agreed with the WASM reference on the same weights: of the
 * token positions compared, how many picked the same token. A GPU can be fast and still wrong
 * (a driver's fp16 bug), so a fleet table shows this beside the speed.
 */
export interface GpuCorrectness {
  repoId: string;
  dtype: Dtype;
  /** Token positions compared. */
  positions: number;
  /** Positions where both backends chose the same token. */
  agreeing: number;
  /** agreeing ÷ positions as a percentage (0–100). */
  agreement: number;
  verdict: 'ok' | 'warning';
  /**
   * Flagged checks only: the positions where the GPU chose its single most frequent token, when
   * that is nearly all of them (flat output, the mark of a GPU that computes zeros).
   */
  sameTokenPositions?: number;
}

export const RESULTS_FORMAT = 'on-device-playground/results';

export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  version: 1;
  /** ISO 8601. */
  exportedAt: string;
  machine: MachineInfo;
  benchmark: BenchmarkRow[];
  scorecard: ScorecardRun[];
  /** The hardware report (src/lib/hardware/hardware-report.ts) when one was taken. */
  hardware: unknown | null;
  /** GPU correctness checks, in files from versions of the app that run them; absent otherwise. */
  gpuCorrectness?: GpuCorrectness[];
}
