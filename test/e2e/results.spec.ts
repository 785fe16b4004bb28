// Results export and sharing on a real benchmark of two fixture models: the JSON, CSV and Markdown
// downloads give back the numbers on screen, the permalink opens the same table read-only in a new
// page, a damaged link says so, and imported files compare machine against machine with ratios.
import { readFile } from 'node:fs/promises';
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openApp, watch } from './app';
import { parseResultsDocument } from '../../src/lib/export/results-json';
import { csvRecords } from '../../src/lib/export/csv';
import { statColumn } from '../../src/lib/export/results-csv';
import { parseMarkdownTables } from '../../src/lib/export/markdown-table';
import { BENCHMARK_MEASURES, formatValue } from '../../src/lib/export/results-tables';
import type { ResultsDocument, SummaryStat, TaskCategory } from '../../src/lib/results/result-types';
import { CATEGORY_LABELS } from '../../src/lib/scorecard/suite-types';
import { ENGINE_LABELS } from '../../src/lib/models/model-engine';
import type { EngineKind } from '../../src/lib/engines/types';

const MODELS = ['fixtures/tiny-qwen3', 'fixtures/tiny-glm'];

/** A table's column groups (a comparison's machines), header and body rows as the user reads them. */
async function tableText(table: Locator): Promise<{ groups: string[]; header: string[]; rows: string[][] }> {
  return table.evaluate((element) => {
    const headRows = [...element.querySelectorAll('thead tr')];
    const texts = (row: Element | undefined) => [...(row?.querySelectorAll('th') ?? [])].map((th) => th.textContent!.trim());
    return {
      groups: headRows.length > 1 ? texts(headRows[0]) : [],
      header: texts(headRows.at(-1)),
      rows: [...element.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())),
    };
  });
}

async function downloadText(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const downloading = page.waitForEvent('download');
  await button.click();
  const download = await downloading;
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
}

function resultsView(page: Page) {
  return page.getByRole('region', { name: 'Results' });
}

function benchmarkTable(page: Page) {
  return resultsView(page).getByRole('table', { name: 'Benchmark', exact: true });
}

/** "212.3 (200.0–231.0)" → median, min, max as shown. */
function shownStat(cell: string): number[] {
  const match = /^([\d.]+)(?: \(([\d.]+)–([\d.]+)\))?$/.exec(cell);
  expect(match, `a figure: ${cell}`).not.toBeNull();
  const [, median, min, max] = match!;
  return min ? [Number(median), Number(min), Number(max)] : [Number(median)];
}

type Measure = (typeof BENCHMARK_MEASURES)[number];

/** A figure as the screen rounds it: the median, plus min and max when repeats differed as shown. */
function rounded(stat: SummaryStat, measure: Measure): number[] {
  const round = (value: number) => Number(formatValue(value, measure.unit));
  return stat.n <= 1 || round(stat.min) === round(stat.max) ? [round(stat.median)] : [round(stat.median), round(stat.min), round(stat.max)];
}

function csvStat(record: Record<string, string>, measure: Measure): SummaryStat {
  const part = (name: keyof SummaryStat) => Number(record[statColumn(measure.key, name)]);
  return { median: part('median'), min: part('min'), max: part('max'), n: part('n') };
}

test('a real benchmark exports, shares and compares with the numbers on screen', async ({ page, context }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, MODELS[0]);

  // The benchmark over two models, WASM, one repeat.
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  const bench = page.getByRole('region', { name: 'Benchmark' });
  await bench.getByRole('button', { name: 'Add a model' }).click();
  await bench.getByLabel('Models to benchmark: model 2').fill(MODELS[1]);
  await bench.getByLabel(/^Repeats per case/).fill('1');
  await bench.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(bench.getByTestId('benchmark-message')).toBeVisible({ timeout: 240_000 });
  await expect(bench.getByRole('button', { name: 'Run benchmark' })).toBeEnabled();

  await page.getByRole('tab', { name: 'Results' }).click();
  const view = resultsView(page);
  const screen = await tableText(benchmarkTable(page));
  expect(screen.rows).toHaveLength(6);
  const col = (name: string) => screen.header.indexOf(name);
  expect(new Set(screen.rows.map((r) => r[col('Model')]))).toEqual(new Set(MODELS));
  expect(screen.rows.every((r) => r[col('Backend')] === 'WASM')).toBe(true);
  expect(screen.rows.every((r) => r[col('Engine')] === 'ONNX (transformers.js)')).toBe(true);
  const key = (model: string, size: string) => `${model}|${size}`;
  const shown = new Map(screen.rows.map((r) => [key(r[col('Model')], r[col('Prompt')]), r]));

  // JSON: the document behind the table, at full precision.
  const json = await downloadText(page, view.getByRole('button', { name: 'Download JSON' }));
  expect(json.name).toMatch(/^results-\d{4}-\d{2}-\d{2}\.json$/);
  const parsed = parseResultsDocument(json.text);
  if (!parsed.ok) throw new Error(parsed.error);
  const document = parsed.document;
  expect(document.benchmark).toHaveLength(6);
  for (const row of document.benchmark) {
    const onScreen = shown.get(key(row.modelId, row.promptSize))!;
    expect(Number(onScreen[col('Prompt tokens')])).toBe(row.promptTokens);
    for (const measure of BENCHMARK_MEASURES) expect(shownStat(onScreen[col(measure.title)])).toEqual(rounded(row[measure.key], measure));
  }
  expect(document.machine.logicalCores).toBe(await page.evaluate(() => navigator.hardwareConcurrency));

  // CSV: one row per case, median/min/max/n columns, the same numbers.
  const csv = await downloadText(page, view.getByRole('button', { name: 'Download benchmark CSV' }));
  expect(csv.name).toMatch(/^results-benchmark-.*\.csv$/);
  const records = csvRecords(csv.text);
  expect(records).toHaveLength(6);
  for (const record of records) {
    const onScreen = shown.get(key(record.modelId, record.promptSize))!;
    expect(record.backend).toBe('wasm');
    expect(record.engine).toBe('transformers');
    for (const measure of BENCHMARK_MEASURES) expect(shownStat(onScreen[col(measure.title)])).toEqual(rounded(csvStat(record, measure), measure));
  }

  // Markdown: the same table, cell for cell.
  const markdown = await downloadText(page, view.getByRole('button', { name: 'Download Markdown' }));
  const mdTables = parseMarkdownTables(markdown.text);
  const mdBenchmark = mdTables.find((t) => t.heading === 'Benchmark')!;
  expect({ groups: [], header: mdBenchmark.header, rows: mdBenchmark.rows }).toEqual(screen);
  expect(mdTables.find((t) => t.heading === 'Hardware')?.rows.map((r) => r[0])).toContain('WASM');

  // Permalink: opened in a new page, the same table, read-only.
  await view.getByRole('button', { name: 'Copy permalink' }).click();
  const linkField = view.getByLabel(/^Permalink/);
  await expect(linkField).toHaveValue(/#results=[A-Za-z0-9_-]+$/);
  const link = await linkField.inputValue();
  await expect(view.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  const sharedPage = await context.newPage();
  const sharedWatchers = watch(sharedPage);
  await sharedPage.goto(link);
  const sharedView = resultsView(sharedPage);
  await expect(sharedView.getByTestId('shared-banner')).toContainText(
    `Shared results from ${document.machine.label}, taken ${document.exportedAt.slice(0, 10)}`,
  );
  await expect(sharedView.getByTestId('shared-banner')).toContainText('— read-only');
  expect(await tableText(benchmarkTable(sharedPage))).toEqual(screen);
  await expect(sharedView.getByRole('img', { name: /^Bar chart of median prefill and decode speed .* for 6 cases/ })).toBeVisible();
  // The link carries what the view shows, not the whole document: short enough to paste anywhere.
  expect(new URL(link).hash.length).toBeLessThanOrEqual(4_000);
  await expect(sharedView.getByRole('button', { name: /run/i })).toHaveCount(0);
  // The rest of the app still works: this page's own benchmark has no rows and its run button is there.
  await sharedPage.getByRole('tab', { name: 'Benchmark' }).click();
  await expect(sharedPage.getByRole('button', { name: 'Run benchmark' })).toBeVisible();
  expect(sharedWatchers.consoleErrors).toEqual([]);

  // A damaged link: a clear error, and the app still works.
  await sharedPage.goto(link.slice(0, link.length - 40).replace('?view=results', '?view=results&x=1'));
  await expect(resultsView(sharedPage).getByTestId('shared-error')).toContainText('damaged');
  await resultsView(sharedPage).getByRole('button', { name: "Show this session's results" }).click();
  await expect(resultsView(sharedPage).getByTestId('no-results')).toBeVisible();
  expect(new URL(sharedPage.url()).hash).toBe('');
  await sharedPage.getByRole('tab', { name: 'Chat' }).click();
  await expect(sharedPage.getByRole('button', { name: 'Load model' })).toBeEnabled();
  await sharedPage.close();

  // Import: the downloaded file against this session (ratios 1.00×), then an edited copy (2.00× decode).
  const importer = view.getByLabel('Import results (JSON)');
  await importer.setInputFiles({ name: 'same-machine.json', mimeType: 'application/json', buffer: Buffer.from(json.text) });
  const comparison = view.getByRole('table', { name: /^Benchmark comparison/ });
  let compared = await tableText(comparison);
  expect(compared.groups).toEqual(['Case', `This session (${document.machine.label})`, `same-machine.json (${document.machine.label})`, 'Ratio (second ÷ first)']);
  expect(compared.header.slice(0, 5)).toEqual(['Model', 'Engine', 'Backend', 'Dtype', 'Prompt']);
  expect(compared.rows).toHaveLength(6);
  const ratioCells = (rows: string[][]) => rows.map((r) => r.slice(-3));
  expect(ratioCells(compared.rows).flat().every((cell) => cell === '1.00×')).toBe(true);

  const edited: ResultsDocument = structuredClone(document);
  edited.machine.label = 'Edited laptop';
  for (const row of edited.benchmark) {
    const d = row.decodeTokensPerSecond;
    row.decodeTokensPerSecond = { ...d, median: d.median * 2, min: d.min * 2, max: d.max * 2 };
    row.ttftMs = { ...row.ttftMs, median: row.ttftMs.median / 2 };
  }
  await importer.setInputFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited)) });
  await expect(comparison.locator('thead')).toContainText('edited.json (Edited laptop)');
  compared = await tableText(comparison);
  // Columns after the three row-naming groups: First token, Prefill, Decode ratios.
  for (const row of compared.rows) {
    const [ttft, prefill, decode] = row.slice(-3);
    expect(decode).toBe('2.00×');
    expect(prefill).toBe('1.00×');
    expect(ttft).toBe('0.50×');
  }

  // Two imported files against each other.
  await view.getByRole('combobox', { name: 'First machine' }).selectOption({ label: 'same-machine.json' });
  compared = await tableText(comparison);
  expect(compared.groups.slice(1, 3)).toEqual([`same-machine.json (${document.machine.label})`, 'edited.json (Edited laptop)']);
  expect(ratioCells(compared.rows).every(([, , decode]) => decode === '2.00×')).toBe(true);

  // A file that is not ours: a specific error, and the comparison stays.
  await importer.setInputFiles({ name: 'hardware.json', mimeType: 'application/json', buffer: Buffer.from('{"takenAt":"x","webgpu":{}}') });
  await expect(view.getByRole('alert').filter({ hasText: 'hardware.json' })).toContainText('hardware.json: This is not an On-Device Playground results file');
  await expect(comparison).toBeVisible();

  const axe = await new AxeBuilder({ page }).include('#view-results').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expect(watchers.consoleErrors).toEqual([]);
});

// Two scripted models, two tasks: each model passes one. The scripted answer carries quotes and
// angle brackets, which the CSV must quote and the JSON must keep exactly.
const TWO_TASK_SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 1,
  name: 'Two tasks',
  tasks: [
    {
      id: 'says-done',
      category: 'support',
      title: 'Ends with done',
      prompt: 'Describe the picture, then say done.',
      maxNewTokens: 48,
      checker: { kind: 'contains', all: ['done'] },
    },
    {
      id: 'sum-to',
      category: 'coding',
      title: 'Sum 1..n',
      prompt: 'Write a JavaScript function sumTo(n) that returns 1 + 2 + … + n. Reply with one ```js code block.',
      maxNewTokens: 48,
      checker: { kind: 'code', functionName: 'sumTo', tests: [{ args: [3], expected: 6 }, { args: [10], expected: 55 }] },
    },
  ],
};

test('a scorecard run exports per task and per category, and compares by model and category', async ({ page }) => {
  test.setTimeout(180_000);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-scripted');
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const scorecard = page.getByRole('region', { name: 'Scorecard', exact: true });
  await expect(scorecard.getByLabel('Models to score: model 1')).toHaveValue('fixtures/tiny-scripted');
  await scorecard.getByRole('button', { name: 'Add a model' }).click();
  await scorecard.getByLabel('Models to score: model 2').fill('fixtures/tiny-code-right');
  await scorecard
    .getByLabel('Import a suite (JSON file)')
    .setInputFiles({ name: 'two.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(TWO_TASK_SUITE)) });
  await scorecard.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await scorecard.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(scorecard.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 2 of 2 models scored.', { timeout: 150_000 });

  await page.getByRole('tab', { name: 'Results' }).click();
  const view = resultsView(page);
  // The screen names categories as people say them; the CSV files keep the ids.
  const screen = await tableText(view.getByRole('table', { name: 'Scorecard by model and category' }));
  const byKey = new Map(screen.rows.map((row) => [`${row[0]}|${row[2]}`, row]));
  expect(byKey.get('fixtures/tiny-scripted|Customer support')?.slice(1, 6)).toEqual(['ONNX (transformers.js)', 'Customer support', '1', '1', '100%']);
  expect(byKey.get('fixtures/tiny-scripted|Coding')?.slice(3, 6)).toEqual(['0', '1', '0%']);
  expect(byKey.get('fixtures/tiny-code-right|Coding')?.slice(3, 6)).toEqual(['1', '1', '100%']);
  expect(screen.rows).toHaveLength(4);
  await expect(view.getByRole('img', { name: /^Bar chart of scorecard pass rate per category for 2 models/ })).toBeVisible();

  const json = await downloadText(page, view.getByRole('button', { name: 'Download JSON' }));
  const parsed = parseResultsDocument(json.text);
  if (!parsed.ok) throw new Error(parsed.error);
  const runs = parsed.document.scorecard;
  expect(runs.map((run) => run.modelId)).toEqual(['fixtures/tiny-scripted', 'fixtures/tiny-code-right']);

  // Per task: every answer comes back exactly, quotes and line breaks included.
  const tasksCsv = await downloadText(page, view.getByRole('button', { name: 'Download scorecard CSV', exact: true }));
  expect(tasksCsv.text).toContain('""window.__xss=1""');
  const tasks = csvRecords(tasksCsv.text);
  expect(tasks.map((t) => [t.modelId, t.taskId, t.category, t.passed, t.answer, Number(t.ms)])).toEqual(
    runs.flatMap((run) => run.results.map((r) => [run.modelId, r.taskId, r.category, String(r.passed), r.answer, r.ms])),
  );

  // Per model × category: the screen's counts.
  const summary = csvRecords((await downloadText(page, view.getByRole('button', { name: 'Download scorecard summary CSV' }))).text);
  const categoryName = (id: string) => CATEGORY_LABELS[id as TaskCategory] ?? `unknown category ${id}`;
  expect(summary.map((s) => [s.modelId, ENGINE_LABELS[s.engine as EngineKind], categoryName(s.category), s.passed, s.total, `${Math.round(Number(s.passRate) * 100)}%`])).toEqual(
    screen.rows.map((row) => row.slice(0, 6)),
  );
  const markdown = parseMarkdownTables((await downloadText(page, view.getByRole('button', { name: 'Download Markdown' }))).text);
  const mdScorecard = markdown.find((t) => t.heading === 'Scorecard')!;
  expect({ groups: [], header: mdScorecard.header, rows: mdScorecard.rows }).toEqual(screen);

  // Compared with itself, then with a copy where tiny-scripted failed its support task.
  const importer = view.getByLabel('Import results (JSON)');
  await importer.setInputFiles({ name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(json.text) });
  const comparison = view.getByRole('table', { name: /^Scorecard comparison/ });
  const ratios = async () => new Map((await tableText(comparison)).rows.map((row) => [`${row[0]}|${row[2]}`, row.at(-1)]));
  expect((await ratios()).get('fixtures/tiny-scripted|Customer support')).toBe('1.00×');
  expect((await ratios()).get('fixtures/tiny-scripted|Coding')).toBe('–');

  const edited: ResultsDocument = structuredClone(parsed.document);
  edited.scorecard[0].results = edited.scorecard[0].results.map((r) => (r.category === 'support' ? { ...r, passed: false } : r));
  await importer.setInputFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited)) });
  await expect(comparison.locator('thead')).toContainText('edited.json');
  expect((await ratios()).get('fixtures/tiny-scripted|Customer support')).toBe('0.00×');
  expect((await ratios()).get('fixtures/tiny-code-right|Coding')).toBe('1.00×');
  expect(watchers.consoleErrors).toEqual([]);
});
