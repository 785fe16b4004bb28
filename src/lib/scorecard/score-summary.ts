// Totals of a model's scorecard answers: passed over answered, per category, time and tokens.
// Tasks the model could not be asked (no tool support in its template, pictures for a model that
// reads text only) are counted apart, never as failures.
import type { ScorecardTaskResult, TaskCategory } from '../results/result-types';
import { TASK_CATEGORIES } from './suite-types';

/** Why a task was not asked. */
export type NotAskedReason = NonNullable<ScorecardTaskResult['unsupported']>;

/** Each reason in words: in full for a task's verdict and the totals, short for a table cell. */
export const NOT_ASKED: Readonly<Record<NotAskedReason, { detail: string; short: string }>> = {
  tools: { detail: 'no tool support in its template', short: 'no tool support' },
  images: { detail: 'this model reads text only', short: 'reads text only' },
};

/** Whether a result counts in pass rates: it was asked, so it passed or failed. */
export const isScored = (result: Pick<ScorecardTaskResult, 'unsupported'>): boolean => result.unsupported === undefined;

export interface ScoreTotals {
  passed: number;
  /** Tasks answered and checked (unsupported ones not included). */
  answered: number;
  /** Tasks the model could not be asked, whatever the reason. */
  unsupported: number;
  /** The same tasks by reason. */
  notAsked: Readonly<Record<NotAskedReason, number>>;
  /** Time spent answering (generation only, checks not included). */
  answerMs: number;
  promptTokens: number;
  generatedTokens: number;
}

export function scoreTotals(results: readonly ScorecardTaskResult[]): ScoreTotals {
  return results.reduce<ScoreTotals>(
    (sum, r) => ({
      passed: sum.passed + (r.passed ? 1 : 0),
      answered: sum.answered + (isScored(r) ? 1 : 0),
      unsupported: sum.unsupported + (isScored(r) ? 0 : 1),
      notAsked: r.unsupported ? { ...sum.notAsked, [r.unsupported]: sum.notAsked[r.unsupported] + 1 } : sum.notAsked,
      answerMs: sum.answerMs + r.ms,
      promptTokens: sum.promptTokens + r.promptTokens,
      generatedTokens: sum.generatedTokens + r.generatedTokens,
    }),
    { passed: 0, answered: 0, unsupported: 0, notAsked: { tools: 0, images: 0 }, answerMs: 0, promptTokens: 0, generatedTokens: 0 },
  );
}

export interface CategoryScore {
  passed: number;
  total: number;
  unsupported: number;
  /** Why those were not asked, each reason once, in the order met; absent when every task was asked. */
  notAsked?: NotAskedReason[];
}

/** Passed and answered tasks per category, and those the model could not be asked. */
export function scoreByCategory(results: readonly Pick<ScorecardTaskResult, 'category' | 'passed' | 'unsupported'>[]): Partial<Record<TaskCategory, CategoryScore>> {
  const scores: Partial<Record<TaskCategory, CategoryScore>> = {};
  for (const r of results) {
    const score = (scores[r.category] ??= { passed: 0, total: 0, unsupported: 0 });
    if (r.unsupported) {
      score.unsupported++;
      const reasons = (score.notAsked ??= []);
      if (!reasons.includes(r.unsupported)) reasons.push(r.unsupported);
    } else {
      score.total++;
      if (r.passed) score.passed++;
    }
  }
  return scores;
}

/** Why a category's tasks were not asked, in words ("no tool support in its template"). */
export function notAskedText(reasons: readonly NotAskedReason[] = [], form: 'detail' | 'short' = 'detail'): string {
  return reasons.length > 0 ? reasons.map((reason) => NOT_ASKED[reason][form]).join('; ') : 'not asked';
}

/** The categories a suite's tasks use, in the standard order. */
export function categoriesOf(tasks: readonly { category: TaskCategory }[]): TaskCategory[] {
  const used = new Set(tasks.map((t) => t.category));
  return TASK_CATEGORIES.filter((c) => used.has(c));
}
