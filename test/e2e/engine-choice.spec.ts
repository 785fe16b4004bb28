// Auto picks a model's engine from this device's numbers: with learned runs in which llama.cpp
// decoded the tiny Qwen3 faster than onnxruntime did, the Models view says Auto runs its GGUF build
// and why, and Load model with Engine on Auto loads the GGUF build from the mirror. The runs are
// stored the way the app stores what it learns (IndexedDB `playground-learning`, keyed by the
// probe worker's device key), so the test needs no slow probe and no race between two engines.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { deviceKey } from '../../src/lib/hardware/probe/probe-cache';
import type { LearnedRun } from '../../src/lib/hardware/prediction-learning';
import { MIRROR } from './ports';
import { expectOnlyHosts, loadModel, openApp, openChatTab, openModelsTab, openSettings, watch } from './app';

const ONNX_MODEL = 'fixtures/tiny-qwen3';
const GGUF_MODEL = 'fixtures/tiny-qwen3-gguf';

/** Writes learned runs under the keys PredictionLearning uses, for this browser's device key. */
async function seedLearnedRuns(page: Page, runs: { engine: 'transformers' | 'llamacpp'; dtype: 'q8' | 'q4'; run: LearnedRun }[]): Promise<void> {
  // The device key is the probe worker's (workers/probe.worker.ts): its facts are read in that worker.
  await expect.poll(() => page.workers().some((w) => w.url().includes('probe'))).toBe(true);
  const probeWorker = page.workers().find((w) => w.url().includes('probe'))!;
  const facts = await probeWorker.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<object | null> } }).gpu;
    return {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency || 1,
      threads: self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1,
      hasAdapter: (await gpu?.requestAdapter().catch(() => null)) != null,
    };
  });
  expect(facts.hasAdapter, 'the WASM project runs without a WebGPU adapter').toBe(false);
  const { dependencies } = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const device = deviceKey({ userAgent: facts.userAgent, hardwareConcurrency: facts.hardwareConcurrency, threads: facts.threads, adapter: null, ortVersion: dependencies['onnxruntime-web'] });
  // llama.cpp's runs are learned apart from onnxruntime's, against its own probe's predictions.
  const apart = { transformers: '', llamacpp: '|engine=llamacpp|probe=llamacpp' } as const;
  const entries = runs.map(({ engine, dtype, run }) => [`learned|wasm|${dtype}|${device}${apart[engine]}`, [run]] as const);
  await page.evaluate(async (entries) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('playground-learning', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('entries');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction('entries', 'readwrite');
    for (const [key, value] of entries) tx.objectStore('entries').put(value, key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, entries);
}

test('with llama.cpp measured faster here, the Models view says Auto picks it and why, and Load model loads the GGUF build', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, ONNX_MODEL);
  const at = new Date().toISOString();
  await seedLearnedRuns(page, [
    { engine: 'transformers', dtype: 'q8', run: { predicted: 10, measured: 10, at, repoId: ONNX_MODEL } },
    { engine: 'llamacpp', dtype: 'q4', run: { predicted: 10, measured: 40, at, repoId: GGUF_MODEL } },
  ]);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();

  await openModelsTab(page);
  const row = page.getByRole('table', { name: 'Models' }).locator(`tr[data-repo="${ONNX_MODEL}"]`);
  const here = row.getByTestId('engine-choice');
  await expect(here).toContainText('Here: llama.cpp q4 on WASM');
  await expect(here).toContainText('40.0 tok/s measured here, against 10.0 tok/s measured here for ONNX q8 on WASM');

  // The chat's Engine is Auto by default and runs the same build, with the same reason.
  await openChatTab(page);
  await openSettings(page);
  const engine = page.getByTestId('settings-drawer').getByRole('combobox', { name: /^Engine/ });
  const panel = page.getByRole('region', { name: 'Model', exact: true });
  await expect(engine).toHaveValue('auto');
  await expect(engine.locator('option')).toHaveText(['Auto', 'ONNX', 'llama.cpp']);
  await expect(panel.getByTestId('engine-choice')).toContainText('Engine: llama.cpp q4 on WASM (Auto)');

  // A user's pick wins over the numbers.
  await engine.selectOption({ label: 'ONNX' });
  await expect(panel.getByTestId('engine-choice')).toContainText('Engine: ONNX q8 on WASM');
  await expect(panel.getByTestId('engine-choice')).toContainText('ONNX chosen by you.');
  await engine.selectOption({ label: 'Auto' });

  await loadModel(page);
  await expect(page.getByTestId('model-ready')).toContainText(`Ready: ${GGUF_MODEL}`);
  await expect(page.getByTestId('runtime')).toContainText('WASM · q4');
  await expect(panel.getByTestId('engine')).toContainText('llama.cpp — The fastest here: 40.0 tok/s measured here');
  // The GGUF file came from the mirror into the app's store.
  const stored = await page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    return (await cache.keys()).map((request) => new URL(request.url).pathname).filter((path) => path.endsWith('.gguf'));
  });
  expect(stored).toEqual([expect.stringContaining(`/${GGUF_MODEL}/`)]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});
