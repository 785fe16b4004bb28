// What became of each case of a run, as the benchmark table lists it: measured rows, and the
// cases that failed, were skipped or were cancelled, each with its reason in words.
import type { Backend } from '../engines/types';
import type { BenchmarkRow, PromptSize } from '../results/result-types';
import type { BenchmarkPlan } from './suite';

export type CaseStatus = 'pending' | 'running' | 'done' | 'error' | 'skipped' | 'cancelled';

export interface CaseOutcome {
  modelId: string;
  backend: Backend;
  promptSize: PromptSize;
  status: CaseStatus;
  /** Only for 'done': every figure comes from all N repeats. */
  row: BenchmarkRow | null;
  /** Why a case failed, was skipped or was cancelled. */
  message: string | null;
}

export function initialOutcomes(plan: BenchmarkPlan): CaseOutcome[] {
  return plan.groups.flatMap((group) =>
    group.sizes.map((promptSize) => ({
      modelId: group.modelId,
      backend: group.backend,
      promptSize,
      status: group.skipReason ? ('skipped' as const) : ('pending' as const),
      row: null,
      message: group.skipReason,
    })),
  );
}

export function outcomeKey(o: { modelId: string; backend: Backend; promptSize: PromptSize }): string {
  return `${o.modelId}|${o.backend}|${o.promptSize}`;
}

/** Cases that never finished, once a run has been cancelled. */
export function cancelUnfinished(outcomes: readonly CaseOutcome[], message: string): CaseOutcome[] {
  return outcomes.map((o) =>
    o.status === 'pending' || o.status === 'running' ? { ...o, status: 'cancelled', row: null, message } : o,
  );
}
