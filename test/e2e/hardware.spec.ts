// The hardware report in the WASM project, where WebGPU is switched off: it must say why WebGPU
// is missing, show the CPU and isolation facts the page really has, and export the same numbers.
import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import { openApp, watch, openDeviceTab } from './app';
import type { HardwareReport } from '../../src/lib/hardware/hardware-report';

function hardwareReport(page: Page) {
  return page.getByRole('tabpanel', { name: 'Device' }).getByRole('region', { name: 'Hardware report' });
}

async function showAllFacts(page: Page) {
  await hardwareReport(page).getByText('All facts').click();
}

test('without WebGPU the report gives the reason, the CPU threads and isolation, and downloads as JSON', async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  await openDeviceTab(page);
  const report = hardwareReport(page);
  const summary = report.getByRole('list', { name: 'Hardware summary' });
  // Chromium with WebGPU switched off still has navigator.gpu; it just offers no adapter.
  expect(await page.evaluate(async () => (navigator as any).gpu?.requestAdapter() ?? 'no navigator.gpu')).toBeNull();
  await expect(summary).toContainText('WebGPU: unavailable — requestAdapter() offered no adapter (WebGPU is turned off');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(summary).toContainText(`WASM: ${cores} ${cores === 1 ? 'thread' : 'threads'}, SIMD`);

  await showAllFacts(page);
  await expect(report.getByTestId('gpu-unavailable')).toContainText('offered no adapter');
  await expect(report.getByTestId('cpu-threads')).toHaveText(String(cores));
  await expect(report.getByTestId('cross-origin-isolated')).toHaveText('yes');
  const shownThreads = Number(await report.getByTestId('cpu-threads').textContent());

  const downloading = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Download JSON' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^hardware-report-\d{4}-\d{2}-\d{2}\.json$/);
  const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as HardwareReport;
  expect(saved.cpu.logicalCores).toBe(shownThreads);
  expect(saved.wasm).toMatchObject({ crossOriginIsolated: true, threadsUsable: true, threads: shownThreads, simd: true });
  expect(saved.webgpu).toMatchObject({ available: false, reason: 'no-adapter' });
  expect(download.suggestedFilename()).toBe(`hardware-report-${saved.takenAt.slice(0, 10)}.json`);
  expect(watchers.consoleErrors).toEqual([]);
});

test('when the clipboard is refused, Copy JSON says so and offers the JSON to copy by hand', async ({ page }) => {
  // Stands in for a browser that denies clipboard access (no permission, or the page lacks focus).
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) },
    });
  });
  await openApp(page, 'fixtures/tiny-qwen3');
  await openDeviceTab(page);
  const report = hardwareReport(page);
  await report.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(report.getByRole('alert')).toContainText('did not allow copying');
  await expect(report.getByRole('status')).not.toHaveText('Copied');
  const json = JSON.parse(await report.getByLabel('Report JSON').inputValue()) as HardwareReport;
  expect(json.cpu.logicalCores).toBe(await page.evaluate(() => navigator.hardwareConcurrency));
});
