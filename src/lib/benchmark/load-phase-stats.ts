// The timed loads' phases, summarised like every other measure of a benchmark row.
import type { LoadMetrics } from '../engines/types';
import type { LoadPhaseStats } from '../results/result-types';
import { summarize } from './stats';

/** `{ loadPhases }` when every load timed its phases (transformers.js loads do; WebLLM's don't), else nothing. */
export function loadPhaseStats(loads: readonly LoadMetrics[]): { loadPhases?: LoadPhaseStats } {
  const timed = loads.filter((m) => m.storeReadMs !== undefined && m.tokenizerMs !== undefined && m.engineStartMs !== undefined && m.sessionCreateMs !== undefined);
  if (timed.length === 0 || timed.length < loads.length) return {};
  return {
    loadPhases: {
      storeReadMs: summarize(timed.map((m) => m.storeReadMs!)),
      tokenizerMs: summarize(timed.map((m) => m.tokenizerMs!)),
      engineStartMs: summarize(timed.map((m) => m.engineStartMs!)),
      sessionCreateMs: summarize(timed.map((m) => m.sessionCreateMs!)),
      warmupMs: summarize(timed.map((m) => m.warmupMs)),
    },
  };
}
