// Median, min and max of one measure over a benchmark case's repeats: the three figures every
// table cell and chart bar of the benchmark shows.
import type { SummaryStat } from '../results/result-types';
import { median } from '../metrics/statistics';

/** Summarises the samples; throws on none, since a row without samples must not look measured. */
export function summarize(samples: readonly number[]): SummaryStat {
  const finite = samples.filter((value) => Number.isFinite(value));
  if (finite.length === 0) throw new RangeError('A benchmark measure needs at least one sample.');
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}
