// The scorecard as bars: pass rate per category (x axis, by display name), one series per model and
// engine, so a model scored on two engines shows two series. The Scorecard view and the Results view
// both draw it, from the same per-category counts.
import type { EngineKind } from '../engines/types';
import { recordedEngine } from '../results/result-engine';
import type { ScorecardTaskResult, TaskCategory } from '../results/result-types';
import { CATEGORY_LABELS, TASK_CATEGORIES } from '../scorecard/suite-types';
import { shortModelName } from '../benchmark/chart-data';
import { chartEngineSuffix, countOf, type BarChartData } from './bar-chart-data';
import { notAskedText, scoreByCategory, type NotAskedReason } from '../scorecard/score-summary';

export interface CategoryCount {
  modelId: string;
  /** The runtime that ran it; absent in older files, read as recordedEngine() says. */
  engine?: EngineKind;
  category: TaskCategory;
  passed: number;
  /** Tasks answered and checked; those the model could not be asked are `unsupported`. */
  total: number;
  unsupported: number;
  /** Why those were not asked. */
  notAsked?: readonly NotAskedReason[];
}

/** One series: a model on one engine, and its counts. */
interface ScoredBuild {
  name: string;
  counts: CategoryCount[];
}

function buildsOf(counts: readonly CategoryCount[]): ScoredBuild[] {
  const builds = new Map<string, ScoredBuild>();
  for (const c of counts) {
    const engine = recordedEngine(c);
    const key = `${c.modelId}\u0000${engine}`;
    let build = builds.get(key);
    if (!build) builds.set(key, (build = { name: `${shortModelName(c.modelId)}${chartEngineSuffix(engine)}`, counts: [] }));
    build.counts.push(c);
  }
  return [...builds.values()];
}

function tooltip(build: ScoredBuild, category: TaskCategory, cell: CategoryCount | undefined): string {
  const where = `${build.name}, ${CATEGORY_LABELS[category]}`;
  if (!cell) return `${where}: not run`;
  if (cell.total === 0) return `${where}: ${notAskedText(cell.notAsked)}`;
  return `${where}: ${cell.passed} / ${cell.total} passed (${Math.round((100 * cell.passed) / cell.total)}%)`;
}

export function scorecardChartData(counts: readonly CategoryCount[]): BarChartData {
  const builds = buildsOf(counts);
  const categories = TASK_CATEGORIES.filter((category) => counts.some((c) => c.category === category));
  return {
    labels: categories.map((category) => CATEGORY_LABELS[category]),
    series: builds.map((build) => {
      const cells = categories.map((category) => build.counts.find((c) => c.category === category));
      return {
        name: build.name,
        values: cells.map((cell) => (cell && cell.total > 0 ? (100 * cell.passed) / cell.total : null)),
        tooltips: cells.map((cell, i) => tooltip(build, categories[i], cell)),
      };
    }),
    yTitle: 'tasks passed (%)',
    yMax: 100,
    summary: summary(builds, categories),
  };
}

function summary(builds: readonly ScoredBuild[], categories: TaskCategory[]): string {
  if (builds.length === 0) return 'Bar chart of scorecard pass rate per category: nothing scored yet.';
  const totals = builds.map(({ name, counts }) => {
    const passed = counts.reduce((sum, c) => sum + c.passed, 0);
    const total = counts.reduce((sum, c) => sum + c.total, 0);
    return `${name} ${passed} of ${total}`;
  });
  return (
    `Bar chart of scorecard pass rate per category for ${countOf(builds.length, 'model')} ` +
    `across ${categories.length} ${categories.length === 1 ? 'category' : 'categories'}. Tasks passed: ${totals.join('; ')}.`
  );
}

/** Per-category counts of each model's answers so far, for a chart of runs still in progress too. */
export function categoryCounts(
  scores: readonly { modelId: string; engine?: EngineKind; results: readonly Pick<ScorecardTaskResult, 'category' | 'passed' | 'unsupported'>[] }[],
): CategoryCount[] {
  return scores.flatMap((score) => {
    const byCategory = scoreByCategory(score.results);
    return TASK_CATEGORIES.flatMap((category) => {
      const cell = byCategory[category];
      return cell ? [{ modelId: score.modelId, ...(score.engine ? { engine: score.engine } : {}), category, ...cell }] : [];
    });
  });
}
