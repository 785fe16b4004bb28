// Totals of a model's scorecard answers: passed over answered, per category, time and tokens.
import type { ScorecardTaskResult, TaskCategory } from '../results/result-types';
import { TASK_CATEGORIES } from './suite-types';

export interface ScoreTotals {
  passed: number;
  answered: number;
  /** Time spent answering (generation only, checks not included). */
  answerMs: number;
  promptTokens: number;
  generatedTokens: number;
}

export function scoreTotals(results: readonly ScorecardTaskResult[]): ScoreTotals {
  return results.reduce<ScoreTotals>(
    (sum, r) => ({
      passed: sum.passed + (r.passed ? 1 : 0),
      answered: sum.answered + 1,
      answerMs: sum.answerMs + r.ms,
      promptTokens: sum.promptTokens + r.promptTokens,
      generatedTokens: sum.generatedTokens + r.generatedTokens,
    }),
    { passed: 0, answered: 0, answerMs: 0, promptTokens: 0, generatedTokens: 0 },
  );
}

export interface CategoryScore {
  passed: number;
  total: number;
}

/** Passed and answered tasks per category. */
export function scoreByCategory(results: readonly ScorecardTaskResult[]): Partial<Record<TaskCategory, CategoryScore>> {
  const scores: Partial<Record<TaskCategory, CategoryScore>> = {};
  for (const r of results) {
    const score = (scores[r.category] ??= { passed: 0, total: 0 });
    score.total++;
    if (r.passed) score.passed++;
  }
  return scores;
}

/** The categories a suite's tasks use, in the standard order. */
export function categoriesOf(tasks: readonly { category: TaskCategory }[]): TaskCategory[] {
  const used = new Set(tasks.map((t) => t.category));
  return TASK_CATEGORIES.filter((c) => used.has(c));
}
