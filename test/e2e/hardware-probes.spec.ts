// The Device tab's hardware report shows what "Measure this device" timed: onnxruntime's probe and
// llama.cpp's side by side (decode GB/s per weight format, the fixed cost of a step), and its JSON
// carries both probes. With SHOTS_DIR set, the report is saved at three widths to look at.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { openApp, openDeviceTab, openModelsTab, watch } from './app';
import type { HardwareReport } from '../../src/lib/hardware/hardware-report';

function hardwareReport(page: Page) {
  return page.getByRole('tabpanel', { name: 'Device' }).getByRole('region', { name: 'Hardware report' });
}

test("after Measure this device, the hardware report lists llama.cpp's probe beside onnxruntime's, and its JSON has both", async ({ page }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  await openDeviceTab(page);
  await expect(hardwareReport(page).getByTestId('probes-none')).toContainText('Not measured yet');

  await openModelsTab(page);
  await page.getByRole('button', { name: 'Measure this device' }).click();
  await expect(page.getByTestId('outlook-status')).toContainText('a probe of WASM', { timeout: 240_000 });
  await openDeviceTab(page);
  const measured = hardwareReport(page).getByRole('definition').filter({ hasText: /GB\/s|MB\/s/ });
  const onnx = hardwareReport(page).locator('[data-runtime="onnxruntime"][data-backend="wasm"]');
  const llama = hardwareReport(page).locator('[data-runtime="llama.cpp"][data-backend="wasm"]');
  await expect(onnx.getByRole('term')).toHaveText('onnxruntime · WASM');
  await expect(onnx.getByTestId('probe-bandwidth')).toHaveText(/^q8 [\d.]+ [MG]B\/s/);
  await expect(onnx.getByTestId('probe-per-step')).toHaveText(/^[\d.]+ (ms|µs) a run \+ [\d.]+ (ms|µs) a node$/);
  await expect(llama.getByRole('term')).toHaveText('llama.cpp · WASM');
  await expect(llama.getByTestId('probe-bandwidth')).toHaveText(/^Q4_K [\d.]+ [MG]B\/s · Q8_0 [\d.]+ [MG]B\/s$/);
  await expect(llama.getByTestId('probe-per-step')).toHaveText(/^[\d.]+ (ms|µs) a token \+ [\d.]+ ns a vocabulary entry$/);
  await expect(measured).toHaveCount(2);

  const downloading = page.waitForEvent('download');
  await hardwareReport(page).getByRole('button', { name: 'Download JSON' }).click();
  const saved = JSON.parse(await readFile((await (await downloading).path())!, 'utf8')) as HardwareReport;
  expect(saved.llamaCppProbes?.wasm).toMatchObject({ backend: 'wasm', wllamaVersion: '3.13.0' });
  expect(saved.llamaCppProbes!.wasm!.decodeBytesPerSecond.Q4_K).toBeGreaterThan(0);
  expect(saved.probes?.wasm?.bandwidth.q8).toBeGreaterThan(0);
  expect(watchers.consoleErrors).toEqual([]);

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${width} px`).toBeLessThanOrEqual(0);
    if (process.env.SHOTS_DIR) {
      await llama.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.env.SHOTS_DIR, `hardware-probes-${width}x${height}.png`) });
    }
  }
});
