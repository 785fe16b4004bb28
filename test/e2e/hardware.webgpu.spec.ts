// The hardware report on SwiftShader: the adapter must show as a software fallback adapter, with
// the features and limits the browser really reports, and Copy JSON must put the same facts on
// the clipboard.
import { test, expect } from '@playwright/test';
import { openApp, watch, openDeviceTab } from './app';
import type { HardwareReport } from '../../src/lib/hardware/hardware-report';

test('the SwiftShader adapter shows as a fallback adapter, with its features and limits, and copies as JSON', async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  const browserSays = await page.evaluate(async () => {
    const adapter = await (navigator as any).gpu.requestAdapter({ powerPreference: 'high-performance' });
    return { features: [...adapter.features].sort() as string[], maxBufferSize: adapter.limits.maxBufferSize as number };
  });

  await openDeviceTab(page);
  const report = page.getByRole('region', { name: 'Hardware report' });
  await expect(report.getByRole('list', { name: 'Hardware summary' })).toContainText(
    'WebGPU: Google SwiftShader (software fallback adapter — slower than the CPU path for LLMs)',
  );
  await report.getByText('All facts').click();
  await expect(report.getByTestId('gpu-adapter')).toHaveText('Google SwiftShader');
  await expect(report.getByTestId('gpu-fallback')).toHaveText('yes');
  expect(browserSays.features.length).toBeGreaterThan(0);
  await expect(report.getByRole('list', { name: 'WebGPU features' }).getByRole('listitem')).toHaveText(browserSays.features);
  await expect(report.getByTestId('limit-maxBufferSize')).toContainText(`(${browserSays.maxBufferSize})`);

  await report.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(report.getByRole('status')).toHaveText('Copied');
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as HardwareReport;
  expect(copied.webgpu).toMatchObject({
    available: true,
    adapter: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true },
    features: browserSays.features,
    limits: { maxBufferSize: browserSays.maxBufferSize },
  });
  expect(watchers.consoleErrors).toEqual([]);
});
