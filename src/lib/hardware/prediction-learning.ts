// After real runs, the prediction learns how far off it is on this device: measured / predicted
// decode speed is stored per (device, backend, weight format), and later predictions are scaled
// by the median of the recent ratios — robust to one odd run, clamped so a few bad runs can't
// make it absurd. The raw prediction stays available beside the corrected one.
import type { Backend, Dtype } from '../engines/types';
import { median } from '../metrics/statistics';
import type { KeyValueStore } from './key-value-store';

export interface LearningKey {
  /** From the probe worker's `deviceKey()`. */
  device: string;
  backend: Backend;
  dtype: Dtype;
}

export interface LearnedRun {
  predicted: number;
  measured: number;
  /** ISO 8601. */
  at: string;
  repoId?: string;
}

export interface Correction {
  /** Multiply a predicted tok/s by this. 1 until a run has been recorded. */
  factor: number;
  /** Runs the factor comes from. */
  runs: number;
}

export interface CorrectedPrediction extends Correction {
  raw: number;
  corrected: number;
}

export interface LearningOptions {
  /** Most recent runs kept per key (default 10). */
  maxRuns?: number;
  /** Bounds of the factor (default 0.25–4). */
  minFactor?: number;
  maxFactor?: number;
  now?: () => Date;
}

export class PredictionLearning {
  readonly #store: KeyValueStore;
  readonly #maxRuns: number;
  readonly #min: number;
  readonly #max: number;
  readonly #now: () => Date;

  constructor(store: KeyValueStore, options: LearningOptions = {}) {
    this.#store = store;
    this.#maxRuns = options.maxRuns ?? 10;
    this.#min = options.minFactor ?? 0.25;
    this.#max = options.maxFactor ?? 4;
    this.#now = options.now ?? (() => new Date());
  }

  #key(k: LearningKey): string {
    return `learned|${k.backend}|${k.dtype}|${k.device}`;
  }

  async runs(key: LearningKey): Promise<LearnedRun[]> {
    return (await this.#store.get<LearnedRun[]>(this.#key(key))) ?? [];
  }

  /** Stores one run (ignored unless both speeds are positive numbers) and returns the new correction. */
  async record(key: LearningKey, predicted: number, measured: number, repoId?: string): Promise<Correction> {
    const runs = await this.runs(key);
    if (predicted > 0 && measured > 0 && Number.isFinite(predicted) && Number.isFinite(measured)) {
      runs.push({ predicted, measured, at: this.#now().toISOString(), ...(repoId ? { repoId } : {}) });
      await this.#store.set(this.#key(key), runs.slice(-this.#maxRuns));
    }
    return this.#correctionOf(runs.slice(-this.#maxRuns));
  }

  async correction(key: LearningKey): Promise<Correction> {
    return this.#correctionOf(await this.runs(key));
  }

  /** The prediction with this device's learned correction applied; `raw` is the model's own. */
  async apply(key: LearningKey, predicted: number): Promise<CorrectedPrediction> {
    const c = await this.correction(key);
    return { raw: predicted, corrected: predicted * c.factor, ...c };
  }

  async forget(key: LearningKey): Promise<void> {
    await this.#store.delete(this.#key(key));
  }

  #correctionOf(runs: LearnedRun[]): Correction {
    if (runs.length === 0) return { factor: 1, runs: 0 };
    const ratio = median(runs.map((r) => r.measured / r.predicted));
    return { factor: Math.min(this.#max, Math.max(this.#min, ratio)), runs: runs.length };
  }
}
