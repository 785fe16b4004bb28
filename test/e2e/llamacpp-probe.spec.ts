// "Measure this device" times llama.cpp itself: a GGUF written in the browser runs in wllama, and
// the GGUF builds in the Models table get a decode speed predicted from that probe (not from
// onnxruntime's), kept for the next visit like onnxruntime's probe.
import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import { openApp, openModelsTab, watch } from './app';
import type { OutlookRow } from '../../src/lib/hardware/device-outlook';
import type { LlamaCppProbeResult } from '../../src/lib/hardware/probe/llamacpp-probe-runner';

const GGUF_BUILDS = ['unsloth/Qwen3-0.6B-GGUF', 'Qwen/Qwen3-0.6B-GGUF', 'Qwen/Qwen3-1.7B-GGUF', 'zai-org/glm-edge-1.5b-chat-gguf'];

/** The llama.cpp probes the page stored (IndexedDB "playground-probe"), by key. */
function storedLlamaCppProbes(page: Page): Promise<Record<string, LlamaCppProbeResult>> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('playground-probe', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('entries', 'readonly').objectStore('entries');
          const out: Record<string, unknown> = {};
          const cursor = store.openCursor();
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) return resolve(out as Record<string, LlamaCppProbeResult>);
            if (String(c.key).startsWith('llamacpp-probe|')) out[String(c.key)] = c.value;
            c.continue();
          };
        };
      }),
  );
}

test('measuring the device probes llama.cpp in the browser and predicts every GGUF build from it', async ({ page }) => {
  test.setTimeout(240_000);
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen3');
  await openModelsTab(page);
  const table = page.getByRole('table', { name: 'Models' });
  const q4 = table.locator('tr[data-repo="unsloth/Qwen3-0.6B-GGUF"]');
  await expect(q4.getByTestId('predicted')).toHaveText('–');

  await page.getByRole('button', { name: 'Measure this device' }).click();
  await expect(page.getByTestId('outlook-status')).toContainText('a probe of WASM', { timeout: 200_000 });
  for (const repo of GGUF_BUILDS) {
    await expect(table.locator(`tr[data-repo="${repo}"]`).getByTestId('predicted'), repo).toHaveText(/^\d+(\.\d)? tok\/s predicted/);
  }
  await expect(page.getByRole('alert')).toHaveCount(0);

  const probes = Object.values(await storedLlamaCppProbes(page));
  expect(probes).toHaveLength(1);
  const [probe] = probes;
  expect(probe).toMatchObject({ backend: 'wasm', wllamaVersion: '3.13.0' });
  for (const quant of ['Q4_K', 'Q8_0'] as const) {
    expect(probe!.decodeBytesPerSecond[quant], quant).toBeGreaterThan(0);
    expect(Number.isFinite(probe!.decodeBytesPerSecond[quant]), quant).toBe(true);
    expect(probe!.prefillGflops[quant], quant).toBeGreaterThan(0);
  }
  expect(probe!.perTokenMs).toBeGreaterThan(0);
  console.log(`llama.cpp probe on this machine: ${JSON.stringify(probe)}`);

  const download = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Models' }).getByRole('button', { name: 'Export JSON' }).click();
  const exported = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as { rows: OutlookRow[] };
  for (const repo of GGUF_BUILDS) {
    const row = exported.rows.find((r) => r.repoId === repo)!;
    expect(row, repo).toMatchObject({ engine: 'llamacpp', backend: 'wasm', predictedFrom: 'llamacpp-probe', learnedRuns: 0 });
    expect(Number.isFinite(row.predicted) && row.predicted! > 0, repo).toBe(true);
    console.log(`predicted decode: ${repo} ${row.weights} ${row.predicted!.toFixed(2)} tok/s`);
  }
  // The ONNX builds keep onnxruntime's probe.
  expect(exported.rows.find((r) => r.repoId === 'onnx-community/Qwen3-0.6B-ONNX')).toMatchObject({ predictedFrom: 'onnx-probe' });
  expect(watchers.consoleErrors).toEqual([]);

  // The next visit reads the stored llama.cpp probe: the GGUF builds are predicted without measuring again.
  await page.reload();
  await openModelsTab(page);
  await expect(q4.getByTestId('predicted')).toHaveText(/^\d+(\.\d)? tok\/s predicted/);
  await expect(page.getByRole('button', { name: 'Measure again' })).toBeVisible();
});
