// Side by side on WASM: tiny Qwen3 and GLM models from the mirror answer the same prompt in two
// panes (two workers), one after another and then at the same time; a wrong id fails one pane only.
import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { csvRecords } from '../../src/lib/export/csv';
import { MIRROR } from './ports';
import { expectOnlyHosts, watch } from './app';

const QWEN = 'fixtures/tiny-qwen3';
const GLM = 'fixtures/tiny-glm';
// Enough tokens that an answer streams over many frames while the other pane works too.
const MAX_TOKENS = 160;

interface PaneRecord {
  snapshots: string[];
  firstText: number | null;
  done: number | null;
}

async function openSideBySide(page: Page, models: [string, string]): Promise<void> {
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&view=side-by-side`);
  const view = page.getByRole('region', { name: 'Side by side' });
  await expect(view.getByRole('button', { name: 'Run side by side' })).toBeEnabled();
  await view.getByLabel('Model for pane 1').fill(models[0]);
  await view.getByLabel('Model for pane 2').fill(models[1]);
  await view.getByLabel('Prompt', { exact: true }).fill('Explain in one paragraph why small models run well on phones.');
  await view.getByText('System prompt and generation').click();
  await view.getByLabel('Max new tokens').fill(String(MAX_TOKENS));
  await expect(view.getByLabel(/^Temperature/)).toHaveValue('0');
}

/** From now on, every distinct text each pane shows, when its first text came and when it finished. */
async function recordPanes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.getElementById('view-side-by-side')!;
    const articles = () => [...root.querySelectorAll('article')];
    const records: PaneRecord[] = articles().map(() => ({ snapshots: [], firstText: null, done: null }));
    (window as unknown as { __panes: PaneRecord[] }).__panes = records;
    new MutationObserver(() => {
      const now = performance.now();
      articles().forEach((article, i) => {
        const record = records[i];
        const text = article.querySelector('[aria-live="off"]')?.textContent?.trim() ?? '';
        if (text && record.snapshots.at(-1) !== text) {
          record.snapshots.push(text);
          record.firstText ??= now;
        }
        if (article.dataset.state === 'done') record.done ??= now;
      });
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

async function paneRecords(page: Page): Promise<PaneRecord[]> {
  return page.evaluate(() => (window as unknown as { __panes: PaneRecord[] }).__panes);
}

/** Rows of the metrics table keyed by column header. */
async function metricsRows(page: Page): Promise<Record<string, string>[]> {
  return page.getByRole('table', { name: 'Side-by-side metrics' }).evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('th, td')].map((cell, i) => [headers[i], cell.textContent!.replace(/\s+/g, ' ').trim()])),
    );
  });
}

async function runAndWait(page: Page): Promise<void> {
  const view = page.getByRole('region', { name: 'Side by side' });
  await view.getByRole('button', { name: 'Run side by side' }).click();
  await expect(view.getByRole('button', { name: 'Stop all' })).toBeEnabled();
  await expect(view.getByRole('button', { name: 'Stop all' })).toBeDisabled({ timeout: 110_000 });
}

function expectStreamed(records: PaneRecord[]): void {
  for (const [i, record] of records.entries()) {
    expect(record.snapshots.length, `distinct texts seen in pane ${i + 1}`).toBeGreaterThanOrEqual(3);
    expect(record.done, `pane ${i + 1} finished`).not.toBeNull();
    expect(record.firstText!).toBeLessThan(record.done!);
  }
}

async function expectNumbers(page: Page, { loadedThisRun }: { loadedThisRun: boolean }): Promise<void> {
  const rows = await metricsRows(page);
  expect(rows.map((row) => row.Model)).toEqual([`Pane 1: ${QWEN}`, `Pane 2: ${GLM}`]);
  for (const row of rows) {
    expect(row['Runs on']).toBe('WASM · q8');
    expect(row['Load time (lower is better)']).toMatch(/^\d+(\.\d+)? m?s/);
    // A model loaded by an earlier run is not loaded again; its load time says it is from then.
    expect(row['Load time (lower is better)'].includes('(earlier run)')).toBe(!loadedThisRun);
    expect(row['Time to first token (lower is better)']).toMatch(/^\d+(\.\d+)? m?s/);
    expect(row['Prefill speed (higher is better)']).toMatch(/^\d+(\.\d+)? tok\/s/);
    expect(row['Decode speed (higher is better)']).toMatch(/^\d+(\.\d+)? tok\/s/);
    expect(Number(row['Prompt tokens'])).toBeGreaterThan(10);
    expect(row['Tokens written']).toBe(String(MAX_TOKENS));
    expect(row['Stop reason']).toBe('max-tokens');
  }
  // Each compared measure has one fastest pane (or a tie), marked in words, not only by colour.
  for (const column of ['Load time', 'Time to first token', 'Prefill speed', 'Decode speed']) {
    const marked = rows.filter((row) => row[`${column} (${column.endsWith('speed') ? 'higher' : 'lower'} is better)`].includes('fastest'));
    expect(marked.length, `${column}: panes marked fastest`).toBeGreaterThanOrEqual(1);
  }
}

test('two models answer the same prompt one after another, then at the same time', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openSideBySide(page, [QWEN, GLM]);
  const view = page.getByRole('region', { name: 'Side by side' });
  await expect(view.getByRole('radio', { name: 'One after another (fair numbers)' })).toBeChecked();
  await expect(view.getByTestId('concurrent-warning')).toBeHidden();

  // One after another: the GLM pane starts only once the Qwen pane has finished.
  await recordPanes(page);
  await runAndWait(page);
  const qwenPane = view.getByRole('article', { name: `${QWEN} answer` });
  const glmPane = view.getByRole('article', { name: `${GLM} answer` });
  await expect(qwenPane).toHaveAttribute('data-state', 'done');
  await expect(glmPane).toHaveAttribute('data-state', 'done');
  const sequential = await paneRecords(page);
  expectStreamed(sequential);
  expect(sequential[1].firstText!).toBeGreaterThanOrEqual(sequential[0].done!);
  // Different models, different random weights: two different answers.
  expect(sequential[0].snapshots.at(-1)).not.toBe(sequential[1].snapshots.at(-1));
  await expectNumbers(page, { loadedThisRun: true });

  // The table as CSV holds the same numbers.
  const downloading = page.waitForEvent('download');
  await view.getByRole('button', { name: 'Export table as CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('side-by-side-sequential.csv');
  const csv = csvRecords(await readFile((await download.path())!, 'utf8'));
  const rows = await metricsRows(page);
  expect(csv.map((r) => [r.model, r.mode, r.backend, r.dtype, r.loaded_this_run, r.generated_tokens, r.stop_reason, r.error])).toEqual([
    [QWEN, 'sequential', 'wasm', 'q8', 'true', String(MAX_TOKENS), 'max-tokens', ''],
    [GLM, 'sequential', 'wasm', 'q8', 'true', String(MAX_TOKENS), 'max-tokens', ''],
  ]);
  for (const [i, record] of csv.entries()) {
    expect(rows[i]['Prompt tokens']).toBe(record.prefill_tokens);
    expect(Number(record.decode_tokens_per_s)).toBeGreaterThan(0);
    expect(Number(record.time_to_first_token_ms)).toBeGreaterThan(0);
  }

  // At the same time: both answers are under way together (the loaded models are reused).
  await view.getByRole('radio', { name: 'At the same time (shares the hardware)' }).check();
  await expect(view.getByTestId('concurrent-warning')).toContainText("can't be compared");
  await recordPanes(page);
  await runAndWait(page);
  await expect(qwenPane).toHaveAttribute('data-state', 'done');
  await expect(glmPane).toHaveAttribute('data-state', 'done');
  const concurrent = await paneRecords(page);
  expectStreamed(concurrent);
  expect(concurrent[1].firstText!).toBeLessThan(concurrent[0].done!);
  expect(concurrent[0].firstText!).toBeLessThan(concurrent[1].done!);
  await expectNumbers(page, { loadedThisRun: false });
  await expect(view.getByText('Measured at the same time')).toBeVisible();

  const axe = await new AxeBuilder({ page }).include('#view-side-by-side').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test('a wrong model id fails its own pane; the other pane still answers', async ({ page }) => {
  await openSideBySide(page, ['fixtures/no-such-model', GLM]);
  const view = page.getByRole('region', { name: 'Side by side' });
  await runAndWait(page);
  const wrongPane = view.getByRole('article', { name: 'fixtures/no-such-model answer' });
  await expect(wrongPane).toHaveAttribute('data-state', 'error');
  await expect(wrongPane.getByRole('alert')).toContainText('ModelNotFoundError');
  await expect(wrongPane.getByRole('alert')).toContainText('fixtures/no-such-model');
  const glmPane = view.getByRole('article', { name: `${GLM} answer` });
  await expect(glmPane).toHaveAttribute('data-state', 'done');
  await expect(glmPane.locator('[aria-live="off"]')).not.toBeEmpty();
  const rows = await metricsRows(page);
  expect(rows[0]['Stop reason']).toBe('error');
  expect(rows[0]['Decode speed (higher is better)']).toBe('–');
  expect(rows[1]['Tokens written']).toBe(String(MAX_TOKENS));
});

test('Stop all ends both answers running at the same time', async ({ page }) => {
  await openSideBySide(page, [QWEN, GLM]);
  const view = page.getByRole('region', { name: 'Side by side' });
  await view.getByLabel('Max new tokens').fill('1500');
  await view.getByRole('radio', { name: 'At the same time (shares the hardware)' }).check();
  await view.getByRole('button', { name: 'Run side by side' }).click();
  const panes = [view.getByRole('article', { name: `${QWEN} answer` }), view.getByRole('article', { name: `${GLM} answer` })];
  for (const pane of panes) await expect(pane.locator('[aria-live="off"]')).not.toBeEmpty({ timeout: 90_000 });
  await view.getByRole('button', { name: 'Stop all' }).click();
  await expect(view.getByRole('button', { name: 'Run side by side' })).toBeEnabled();
  for (const pane of panes) await expect(pane).toHaveAttribute('data-state', 'stopped');
  const rows = await metricsRows(page);
  for (const row of rows) {
    expect(row['Stop reason']).toBe('interrupted');
    expect(Number(row['Tokens written'])).toBeGreaterThan(0);
    expect(Number(row['Tokens written'])).toBeLessThan(1500);
  }
});
