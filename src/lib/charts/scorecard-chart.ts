// The scorecard as bars: pass rate per category (x axis, by display name), one series per model.
// The Scorecard view and the Results view both draw it, from the same per-category counts.
import type { ScorecardTaskResult, TaskCategory } from '../results/result-types';
import { CATEGORY_LABELS, TASK_CATEGORIES } from '../scorecard/suite-types';
import { shortModelName } from '../benchmark/chart-data';
import { countOf, type BarChartData } from './bar-chart-data';
import { notAskedText, scoreByCategory, type NotAskedReason } from '../scorecard/score-summary';

export interface CategoryCount {
  modelId: string;
  category: TaskCategory;
  passed: number;
  /** Tasks answered and checked; those the model could not be asked are `unsupported`. */
  total: number;
  unsupported: number;
  /** Why those were not asked. */
  notAsked?: readonly NotAskedReason[];
}

function tooltip(modelId: string, category: TaskCategory, cell: CategoryCount | undefined): string {
  const where = `${shortModelName(modelId)}, ${CATEGORY_LABELS[category]}`;
  if (!cell) return `${where}: not run`;
  if (cell.total === 0) return `${where}: ${notAskedText(cell.notAsked)}`;
  return `${where}: ${cell.passed} / ${cell.total} passed (${Math.round((100 * cell.passed) / cell.total)}%)`;
}

export function scorecardChartData(counts: readonly CategoryCount[]): BarChartData {
  const models = [...new Set(counts.map((c) => c.modelId))];
  const categories = TASK_CATEGORIES.filter((category) => counts.some((c) => c.category === category));
  const find = (modelId: string, category: TaskCategory) => counts.find((c) => c.modelId === modelId && c.category === category);
  return {
    labels: categories.map((category) => CATEGORY_LABELS[category]),
    series: models.map((modelId) => {
      const cells = categories.map((category) => find(modelId, category));
      return {
        name: shortModelName(modelId),
        values: cells.map((cell) => (cell && cell.total > 0 ? (100 * cell.passed) / cell.total : null)),
        tooltips: cells.map((cell, i) => tooltip(modelId, categories[i], cell)),
      };
    }),
    yTitle: 'tasks passed (%)',
    yMax: 100,
    summary: summary(counts, models, categories),
  };
}

function summary(counts: readonly CategoryCount[], models: string[], categories: TaskCategory[]): string {
  if (models.length === 0) return 'Bar chart of scorecard pass rate per category: nothing scored yet.';
  const totals = models.map((modelId) => {
    const own = counts.filter((c) => c.modelId === modelId);
    const passed = own.reduce((sum, c) => sum + c.passed, 0);
    const total = own.reduce((sum, c) => sum + c.total, 0);
    return `${shortModelName(modelId)} ${passed} of ${total}`;
  });
  return (
    `Bar chart of scorecard pass rate per category for ${countOf(models.length, 'model')} ` +
    `across ${categories.length} ${categories.length === 1 ? 'category' : 'categories'}. Tasks passed: ${totals.join('; ')}.`
  );
}

/** Per-category counts of each model's answers so far, for a chart of runs still in progress too. */
export function categoryCounts(
  scores: readonly { modelId: string; results: readonly Pick<ScorecardTaskResult, 'category' | 'passed' | 'unsupported'>[] }[],
): CategoryCount[] {
  return scores.flatMap((score) => {
    const byCategory = scoreByCategory(score.results);
    return TASK_CATEGORIES.flatMap((category) => {
      const cell = byCategory[category];
      return cell ? [{ modelId: score.modelId, category, ...cell }] : [];
    });
  });
}
