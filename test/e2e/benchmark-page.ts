// Drives the Benchmark tab by its accessible names: shared by the WASM and WebGPU benchmark specs.
import { expect, type Page } from '@playwright/test';
import { MIRROR } from './ports';
import { openApp } from './app';

/** The view's controls and regions, by accessible name. */
export const BENCHMARK = {
  tab: 'Benchmark',
  models: 'Models to benchmark',
  addModel: 'Add a model',
  wasm: 'WASM (CPU)',
  webgpu: 'WebGPU',
  repeats: /^Repeats per case/,
  run: 'Run benchmark',
  cancel: 'Cancel benchmark',
  progress: 'Benchmark progress',
  table: 'Benchmark results',
} as const;

export async function openBenchmark(page: Page, firstModel: string): Promise<void> {
  await openApp(page, firstModel, MIRROR);
  await page.getByRole('tab', { name: BENCHMARK.tab }).click();
  await expect(page.getByRole('button', { name: BENCHMARK.run })).toBeEnabled();
}

/** Fills the model picker: the first id is already there (the settings' model). */
export async function setModels(page: Page, ids: string[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    const input = page.getByLabel(`${BENCHMARK.models}: model ${index + 1}`, { exact: true });
    if (!(await input.count())) await page.getByRole('button', { name: BENCHMARK.addModel }).click();
    await input.fill(id);
  }
}

export interface TableRow {
  status: string;
  cells: string[];
  /** The same cells by their column heading, for a check that holds whichever columns the table shows. */
  byHeading: Record<string, string>;
}

export async function tableRows(page: Page): Promise<TableRow[]> {
  return page.getByRole('table', { name: BENCHMARK.table }).evaluate((table) => {
    const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent!.trim());
      return { status: tr.getAttribute('data-status') ?? '', cells, byHeading: Object.fromEntries(headings.map((h, i) => [h, cells[i] ?? ''])) };
    });
  });
}

/** The median a cell shows first: "12.3 tok/s", "850 ms" or "1.20 s", as a number (ms or tok/s). */
export function leadingNumber(cell: string): number {
  const match = /^(\d+(?:\.\d+)?) (ms|s|tok\/s)/.exec(cell);
  if (!match) return NaN;
  return match[2] === 's' ? Number(match[1]) * 1000 : Number(match[1]);
}
