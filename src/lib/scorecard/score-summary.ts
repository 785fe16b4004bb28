// Totals of a model's scorecard answers: passed over answered, per category, time and tokens.
// Tasks the model could not be asked (no tool support in its template) are counted apart, never
// as failures.
import type { ScorecardTaskResult, TaskCategory } from '../results/result-types';
import { TASK_CATEGORIES } from './suite-types';

/** Whether a result counts in pass rates: it was asked, so it passed or failed. */
export const isScored = (result: Pick<ScorecardTaskResult, 'unsupported'>): boolean => result.unsupported === undefined;

export interface ScoreTotals {
  passed: number;
  /** Tasks answered and checked (unsupported ones not included). */
  answered: number;
  /** Tasks the model's template could not take (tools). */
  unsupported: number;
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
      answerMs: sum.answerMs + r.ms,
      promptTokens: sum.promptTokens + r.promptTokens,
      generatedTokens: sum.generatedTokens + r.generatedTokens,
    }),
    { passed: 0, answered: 0, unsupported: 0, answerMs: 0, promptTokens: 0, generatedTokens: 0 },
  );
}

export interface CategoryScore {
  passed: number;
  total: number;
  unsupported: number;
}

/** Passed and answered tasks per category, and those the model could not be asked. */
export function scoreByCategory(results: readonly Pick<ScorecardTaskResult, 'category' | 'passed' | 'unsupported'>[]): Partial<Record<TaskCategory, CategoryScore>> {
  const scores: Partial<Record<TaskCategory, CategoryScore>> = {};
  for (const r of results) {
    const score = (scores[r.category] ??= { passed: 0, total: 0, unsupported: 0 });
    if (!isScored(r)) score.unsupported++;
    else {
      score.total++;
      if (r.passed) score.passed++;
    }
  }
  return scores;
}

/** The categories a suite's tasks use, in the standard order. */
export function categoriesOf(tasks: readonly { category: TaskCategory }[]): TaskCategory[] {
  const used = new Set(tasks.map((t) => t.category));
  return TASK_CATEGORIES.filter((c) => used.has(c));
}
