// A team's fleet in the Results view: three machines' results files (built with the app's own
// document builders) go in with one file pick and come out as one table per model, the slow
// laptop's WebGPU decode marked as an outlier with its reason; a broken file and a duplicate are
// named beside the table without losing it; the CSV and Markdown downloads say what the screen
// says; files dropped on the drop zone import too; Clear all empties it. Needs no model.
import { readFile } from 'node:fs/promises';
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { watch } from './app';
import { csvRecords } from '../../src/lib/export/csv';
import { parseMarkdownTables } from '../../src/lib/export/markdown-table';
import { resultsJson } from '../../src/lib/export/results-json';
import { formatValue } from '../../src/lib/export/results-tables';
import { FLEET_HEADER, fleetCells, fleetModels } from '../../src/lib/export/fleet-table';
import { label } from '../../src/lib/engines/backend-selection';
import { REALISTIC_MODEL } from '../unit/support/realistic-results';
import { teamDocuments } from '../unit/support/fleet-documents';
import { ENGINE_LABELS } from '../../src/lib/models/model-engine';
import type { EngineKind } from '../../src/lib/engines/types';

const team = teamDocuments();
const payloads = team.map(({ name, document }) => ({ name, mimeType: 'application/json', buffer: Buffer.from(resultsJson(document)) }));

async function tableText(table: Locator): Promise<{ header: string[]; rows: string[][] }> {
  return table.evaluate((element) => ({
    header: [...element.querySelectorAll('thead th')].map((th) => th.textContent!.trim()),
    rows: [...element.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())),
  }));
}

async function downloadText(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const downloading = page.waitForEvent('download');
  await button.click();
  const download = await downloading;
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
}

test('three machines in one fleet table; a broken file is named, the rest stay; the CSV matches the screen', async ({ page }) => {
  const watchers = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?view=results');
  const view = page.getByRole('region', { name: 'Results' });
  await view.getByLabel('Import results (JSON)').setInputFiles(payloads);

  const table = view.getByRole('table', { name: new RegExp(`^Fleet: ${REALISTIC_MODEL}`) });
  const expected = fleetModels(team)[0].rows;
  const screen = await tableText(table);
  expect(screen.header).toEqual([...FLEET_HEADER]);
  expect(screen.rows).toEqual(expected.map(fleetCells));
  expect(screen.rows.map((row) => row[1])).toEqual(['team-mac.json', 'team-mac.json', 'team-desktop.json', 'team-desktop.json', 'team-laptop.json', 'team-laptop.json']);

  // The laptop's WebGPU decode is the outlier: said in the Note column, on hover and on focus.
  const decodeColumn = FLEET_HEADER.indexOf('Decode (tok/s)');
  const laptopGpu = table.locator('tbody tr').nth(4);
  await expect(laptopGpu.locator('td').last()).toHaveText(/^Outlier: Decode [\d.]+ tok\/s is below half the fleet median of [\d.]+ tok\/s for WebGPU q4f16 \(3 machines\)\.$/);
  const marked = laptopGpu.locator('td').nth(decodeColumn - 1);
  await expect(marked).toHaveAttribute('title', expected[4].outlier!);
  await marked.locator('[tabindex="0"]').focus();
  await expect(marked.locator('[tabindex="0"]')).toHaveAccessibleDescription(`Outlier: ${expected[4].outlier}`);
  await expect(table.locator('tbody td[title]')).toHaveCount(1);
  // GPU correctness where a file carries it; "–" where not.
  expect(screen.rows.map((row) => row[FLEET_HEADER.indexOf('GPU correctness')])).toEqual(['OK 99.8%', '–', '–', '–', 'Warning 91.0%', '–']);
  await expect(view.getByRole('img', { name: /^Bar chart of decode speed in tokens per second for .* on 3 results files\. .* Outliers: team-laptop\.json \(WebGPU q4f16\)\.$/ })).toBeVisible();

  // The CSV: full precision, the same figures as shown once rounded, row for row.
  const csv = await downloadText(page, view.getByRole('button', { name: 'Download fleet CSV' }));
  expect(csv.name).toMatch(/^fleet-\d{4}-\d{2}-\d{2}\.csv$/);
  const records = csvRecords(csv.text);
  expect(
    records.map((r) => [
      r.machine,
      r.file,
      ENGINE_LABELS[r.engine as EngineKind],
      label(r.backend as 'webgpu' | 'wasm'),
      r.dtype,
      formatValue(Number(r.decodeTokensPerSecond), 'tok/s'),
      formatValue(Number(r.prefillTokensPerSecond), 'tok/s'),
      r.scorecardTotal ? `${r.scorecardPassed}/${r.scorecardTotal} (${Math.round(Number(r.scorecardPassRate) * 100)}%)` : '–',
      r.gpuVerdict ? `${r.gpuVerdict === 'ok' ? 'OK' : 'Warning'} ${Number(r.gpuAgreement).toFixed(1)}%` : '–',
      r.outlier ? `Outlier: ${r.outlier}` : '',
    ]),
  ).toEqual(screen.rows);
  expect(records.every((r) => r.modelId === REALISTIC_MODEL && r.promptSize === 'medium')).toBe(true);
  const markdown = parseMarkdownTables((await downloadText(page, view.getByRole('button', { name: 'Download fleet Markdown' }))).text);
  expect(markdown.map((t) => [t.heading, t.header, t.rows])).toEqual([[REALISTIC_MODEL, screen.header, screen.rows]]);

  // A broken file, a file that is not ours and a copy of one already in: each named, the fleet kept.
  await view.getByLabel('Import results (JSON)').setInputFiles([
    { name: 'b.json', mimeType: 'application/json', buffer: Buffer.from('not json at all') },
    { name: 'team-a.json', mimeType: 'application/json', buffer: Buffer.from('{"machine": {}}') },
    { ...payloads[1], name: 'desktop-again.json' },
  ]);
  const problems = view.getByRole('list', { name: 'Import problems' });
  await expect(problems.getByRole('listitem')).toHaveText([
    /^b\.json: This file is not JSON \(line 1, column 2: /,
    'team-a.json: This is not an On-Device Playground results file (it has no "format": "on-device-playground/results").',
  ]);
  await expect(view.getByRole('list', { name: 'Import notes' })).toHaveText(
    'desktop-again.json: the same results as team-desktop.json; imported once, as team-desktop.json.',
  );
  expect((await tableText(table)).rows).toEqual(screen.rows);
  // The pairwise comparison still works beside the fleet.
  await expect(view.getByRole('table', { name: /^Benchmark comparison/ })).toBeVisible();

  const axe = await new AxeBuilder({ page }).include('#view-results').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // On a phone the table scrolls inside its box, never the page.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(table).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

  // Clear all, then the same files dropped on the drop zone.
  await view.getByRole('button', { name: 'Clear all imported files' }).click();
  await expect(table).toHaveCount(0);
  await expect(problems).toHaveCount(0);
  const zone = view.getByRole('group', { name: /^Drop any number of results files here/ });
  const dropped = await page.evaluateHandle(
    (files) => {
      const transfer = new DataTransfer();
      for (const file of files) transfer.items.add(new File([file.text], file.name, { type: 'application/json' }));
      return transfer;
    },
    payloads.slice(0, 2).map((p) => ({ name: p.name, text: p.buffer.toString('utf8') })),
  );
  await zone.dispatchEvent('dragover', { dataTransfer: dropped });
  await zone.dispatchEvent('drop', { dataTransfer: dropped });
  await expect(table.locator('tbody tr')).toHaveCount(4);
  expect(watchers.consoleErrors).toEqual([]);
});
