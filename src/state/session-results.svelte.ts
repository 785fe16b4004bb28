// Results measured in this visit: the benchmark's rows and the scorecard's runs. The benchmark
// and scorecard write here; the results view exports, shares and compares what is here.
import type { BenchmarkRow, GpuCorrectness, ScorecardRun } from '../lib/results/result-types';
import { recordedEngine } from '../lib/results/result-engine';

export class SessionResults {
  benchmark = $state.raw<BenchmarkRow[]>([]);
  scorecard = $state.raw<ScorecardRun[]>([]);
  /** The GPU correctness checks taken on this device (remembered across visits). */
  gpuCorrectness = $state.raw<GpuCorrectness[]>([]);

  /** Rows of a new benchmark run replace earlier rows for the same model, engine, backend and prompt size. */
  addBenchmarkRows(rows: readonly BenchmarkRow[]): void {
    const key = (row: BenchmarkRow) => `${row.modelId}|${recordedEngine(row)}|${row.backend}|${row.dtype}|${row.promptSize}`;
    const fresh = new Set(rows.map(key));
    this.benchmark = [...this.benchmark.filter((row) => !fresh.has(key(row))), ...rows];
  }

  addScorecardRun(run: ScorecardRun): void {
    this.scorecard = [...this.scorecard, run];
  }
}
