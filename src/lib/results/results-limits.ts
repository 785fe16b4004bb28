// How much of a results file or link the app reads. Each limit sits well above the most one visit
// of the app records, so a file the app wrote is read whole; a larger one (a script's output, many
// files joined) is read up to the limit, and the screen says how much was left out and why. The
// limits keep the Results view responsive: every row read is a row the page lays out.

/**
 * Benchmark rows keep one row per model × backend × weights × prompt size (a rerun replaces its
 * rows). Every catalog model on every backend at every weight setting (ONNX models: 3 weights on
 * WASM and 5 on WebGPU; WebLLM models: one) is about 100 cases × 3 prompt sizes, some 300 rows, each
 * measured with at least two loads and six answers. 1,000 rows is more than three such visits.
 */
export const MAX_BENCHMARK_ROWS = 1_000;

/** A run is one model through one suite: every catalog model on both backends, twice, is under 100. */
export const MAX_SCORECARD_RUNS = 200;

/** The built-in suite's 53 tasks plus the largest suite the scorecard imports (500 tasks). */
export const MAX_TASKS_PER_RUN = 600;

/** One check per ONNX model × weights on one device: the catalog's 11 ONNX models × 5 weights is 55. */
export const MAX_GPU_CHECKS = 200;

/** What a reader left out of a document: the count in the source and the count read, per part. */
export interface LeftOut {
  benchmarkRows: Part;
  scorecardRuns: Part;
  /** Task results of the runs read, over all of them. */
  scorecardTasks: Part;
  gpuChecks: Part;
}

export interface Part {
  total: number;
  read: number;
}

export type ReadSource = 'file' | 'link';

/** The first `max` items, and how many there were. */
export function firstOf<T>(items: readonly T[], max: number): { items: T[]; part: Part } {
  const kept = items.length > max ? items.slice(0, max) : [...items];
  return { items: kept, part: { total: items.length, read: kept.length } };
}

/** LeftOut when the reader left something out, null when it read everything. */
export function leftOutOrNull(leftOut: LeftOut): LeftOut | null {
  return Object.values(leftOut).some((part: Part) => part.read < part.total) ? leftOut : null;
}

const count = (n: number) => n.toLocaleString('en');

/**
 * One sentence per part that lost something: "Showing the first 1,000 of 5,000 benchmark rows: a
 * results link holds at most 1,000, so 4,000 rows were left out."
 */
export function leftOutLines(leftOut: LeftOut | null, source: ReadSource): string[] {
  if (!leftOut) return [];
  const holder = `a results ${source}`;
  // Task results are cut per run, so those shown are not simply the first ones.
  const parts: { part: Part; what: string; unit: string; first: boolean; max: number; holder: string }[] = [
    { part: leftOut.benchmarkRows, what: 'benchmark rows', unit: 'rows', first: true, max: MAX_BENCHMARK_ROWS, holder },
    { part: leftOut.scorecardRuns, what: 'scorecard runs', unit: 'runs', first: true, max: MAX_SCORECARD_RUNS, holder },
    { part: leftOut.scorecardTasks, what: 'scorecard task results', unit: 'task results', first: false, max: MAX_TASKS_PER_RUN, holder: 'a scorecard run' },
    { part: leftOut.gpuChecks, what: 'GPU correctness checks', unit: 'checks', first: true, max: MAX_GPU_CHECKS, holder },
  ];
  return parts
    .filter(({ part }) => part.read < part.total)
    .map(
      ({ part, what, unit, first, max, holder }) =>
        `Showing ${first ? 'the first ' : ''}${count(part.read)} of ${count(part.total)} ${what}: ${holder} holds at most ` +
        `${count(max)}, so ${count(part.total - part.read)} ${unit} were left out.`,
    );
}
