// Big results keep the page responsive: a results link with 5,000 benchmark rows opened in the app
// and a results file of 5,000 rows imported beside it. The bound, stated: no task on the main
// thread runs longer than 200 ms (a `longtask` PerformanceObserver, installed before the app
// starts, sees every task over 50 ms). What the app reads is capped at MAX_BENCHMARK_ROWS; the rows
// left out are explained on screen, and the rows shown are the first ones, in order. Needs no model.
import { writeFile } from 'node:fs/promises';
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { watch } from './app';
import { bigDocument } from '../unit/support/big-results';
import { resultsFragment } from '../../src/lib/export/permalink';
import { resultsJson } from '../../src/lib/export/results-json';
import { benchmarkTable } from '../../src/lib/export/results-tables';
import { fleetCells, fleetModels } from '../../src/lib/export/fleet-table';
import { MAX_BENCHMARK_ROWS } from '../../src/lib/results/results-limits';

/** The bound this spec holds the page to: the longest main-thread task, in ms. */
const LONGEST_TASK_MS = 200;
const ROWS = 5_000;

declare global {
  interface Window {
    longTasks: { start: number; duration: number }[];
  }
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push({ start: Math.round(entry.startTime), duration: Math.round(entry.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
});

/** The app at rest in the Results view; the tasks of its own start-up are not what is measured. */
async function openResultsView(page: Page): Promise<Locator> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?view=results');
  const view = page.getByRole('region', { name: 'Results' });
  await expect(view.getByTestId('no-results')).toBeVisible();
  await settled(page);
  await page.evaluate(() => (window.longTasks = []));
  return view;
}

/** Two animation frames and an idle period: every task queued so far has run and been reported. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => requestIdleCallback(() => resolve(), { timeout: 10_000 }))),
      ),
  );
}

async function longTasks(page: Page): Promise<{ start: number; duration: number }[]> {
  await settled(page);
  return page.evaluate(() => window.longTasks);
}

async function rowsText(table: Locator): Promise<string[][]> {
  return table.evaluate((element) =>
    [...element.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())),
  );
}

test(`a results link with ${ROWS.toLocaleString('en')} rows opens without a task over ${LONGEST_TASK_MS} ms and says which rows it shows`, async ({ page }) => {
  const watchers = watch(page);
  const document = bigDocument(ROWS);
  const fragment = await resultsFragment(document);
  const view = await openResultsView(page);

  // The link pasted into the address bar of the open app: only the fragment changes.
  await page.evaluate((hash) => (location.hash = hash), fragment);
  await expect(view.getByTestId('shared-banner')).toContainText('Bench rig · 5000 rows');
  const table = view.getByRole('table', { name: 'Benchmark', exact: true });
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(MAX_BENCHMARK_ROWS);
  // Scrolled past the table, the chart is drawn.
  await view.getByRole('img', { name: /^Bar chart of median prefill and decode speed/ }).scrollIntoViewIfNeeded();
  await expect(view.getByTestId('results-benchmark-chart')).toBeVisible();

  expect((await longTasks(page)).filter((task) => task.duration > LONGEST_TASK_MS)).toEqual([]);

  await expect(view.getByTestId('shared-left-out')).toHaveText(
    `Showing the first 1,000 of 5,000 benchmark rows: a results link holds at most 1,000, so 4,000 rows were left out.`,
  );
  await expect(rows).toHaveCount(MAX_BENCHMARK_ROWS);
  await expect(table).toHaveAttribute('aria-busy', 'false');
  expect(await rowsText(table)).toEqual(benchmarkTable(document.benchmark.slice(0, MAX_BENCHMARK_ROWS)).rows);
  // The chart draws the first cases only, and says so: a thousand bars are hairlines.
  await expect(view.getByTestId('chart-cases')).toHaveText('The chart shows the first 60 of 1,000 cases; the table above has them all.');

  // The new notices and the busy state, not a thousand rows of cells like those other specs check.
  const axe = await new AxeBuilder({ page }).include('#view-results').exclude('#view-results tbody').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expect(watchers.consoleErrors).toEqual([]);
});

test(`a results file with ${ROWS.toLocaleString('en')} rows imports without a task over ${LONGEST_TASK_MS} ms and says which rows it shows`, async ({ page }, testInfo) => {
  const watchers = watch(page);
  const document = bigDocument(ROWS);
  // A file on disk, picked as a user picks it (a buffer would be built inside the page by the test).
  const path = testInfo.outputPath('bench-rig.json');
  await writeFile(path, resultsJson(document));
  const view = await openResultsView(page);

  await view.getByLabel('Import results (JSON)').setInputFiles(path);
  const kept = { name: 'bench-rig.json', document: { ...document, benchmark: document.benchmark.slice(0, MAX_BENCHMARK_ROWS) } };
  const fleet = fleetModels([kept]);
  const tables = view.getByRole('table', { name: /^Fleet: / });
  await expect.poll(() => tables.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(fleet.length);
  // The last model's chart is drawn once scrolled to: until then its place holds its summary.
  const lastChart = view.getByRole('img', { name: /^Bar chart of decode speed/ }).nth(fleet.length - 1);
  await lastChart.scrollIntoViewIfNeeded();
  await expect(view.getByTestId(`fleet-chart-${fleet.length - 1}`)).toBeVisible();

  expect((await longTasks(page)).filter((task) => task.duration > LONGEST_TASK_MS)).toEqual([]);

  const imported = view.getByRole('list', { name: 'Imported results' }).getByRole('listitem');
  await expect(imported).toContainText(
    'Showing the first 1,000 of 5,000 benchmark rows: a results file holds at most 1,000, so 4,000 rows were left out.',
  );
  // Why a file of thousands of rows makes a short fleet: one row per model, backend and weights.
  await expect(imported).toContainText(`In the fleet: ${fleet.reduce((sum, model) => sum + model.rows.length, 0)} rows, one per model, backend and weights.`);
  await expect(tables).toHaveCount(fleet.length);
  for (const [m, model] of fleet.entries()) {
    expect(await rowsText(tables.nth(m)), model.modelId).toEqual(model.rows.map(fleetCells));
  }
  expect(watchers.consoleErrors).toEqual([]);
});
