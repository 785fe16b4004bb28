// Auto picks a model's engine from this device's numbers: with learned runs in which llama.cpp
// decoded the tiny Qwen3 faster than onnxruntime did, the Models view says Auto runs its GGUF build
// and why (its row rated and loaded as that build), and Load model with Engine on Auto loads the
// GGUF build from the mirror. The runs are stored the way the app stores what it learns (IndexedDB
// `playground-learning`, keyed by the probe worker's device key), so the test needs no slow probe
// and no race between two engines.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { deviceKey } from '../../src/lib/hardware/probe/probe-cache';
import type { LearnedRun } from '../../src/lib/hardware/prediction-learning';
import type { LlamaCppProbeResult } from '../../src/lib/hardware/probe/llamacpp-probe-runner';
import { MIRROR } from './ports';
import { expectOnlyHosts, loadModel, openApp, openChatTab, openModelsTab, openSettings, watch } from './app';

const ONNX_MODEL = 'fixtures/tiny-qwen3';
const GGUF_MODEL = 'fixtures/tiny-qwen3-gguf';

/** This browser's device key, as the probe worker (workers/probe.worker.ts) computes it from its own facts. */
async function deviceKeyOf(page: Page): Promise<string> {
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
  return deviceKey({ userAgent: facts.userAgent, hardwareConcurrency: facts.hardwareConcurrency, threads: facts.threads, adapter: null, ortVersion: dependencies['onnxruntime-web'] });
}

/** Puts entries into one of the app's key-value stores (an IndexedDB database with one `entries` store). */
async function putEntries(page: Page, database: string, entries: (readonly [string, unknown])[]): Promise<void> {
  await page.evaluate(
    async ({ database, entries }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database, 1);
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
    },
    { database, entries },
  );
}

/** Writes learned runs under the keys PredictionLearning uses, for this browser's device key. */
async function seedLearnedRuns(page: Page, runs: { engine: 'transformers' | 'llamacpp'; dtype: 'q8' | 'q4'; run: LearnedRun }[]): Promise<void> {
  const device = await deviceKeyOf(page);
  // llama.cpp's runs are learned apart from onnxruntime's, against its own probe's predictions.
  const apart = { transformers: '', llamacpp: '|engine=llamacpp|probe=llamacpp' } as const;
  await putEntries(page, 'playground-learning', runs.map(({ engine, dtype, run }) => [`learned|wasm|${dtype}|${device}${apart[engine]}`, [run]] as const));
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
  // The rest of the row is the build its Load runs, not the ONNX build it beat.
  await expect(row.locator('td[data-label="Would run on"]')).toHaveText('llama.cpp · WASM · q4');
  await expect(row.locator('td[data-label="Decode speed"]')).toContainText('measured here: 40.0 tok/s');

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

test("a model's Load in the Models view loads the build Auto picked, as the chat's Load does", async ({ page }) => {
  const watchers = watch(page);
  await openApp(page, ONNX_MODEL);
  const at = new Date().toISOString();
  await seedLearnedRuns(page, [
    { engine: 'transformers', dtype: 'q8', run: { predicted: 10, measured: 10, at, repoId: ONNX_MODEL } },
    { engine: 'llamacpp', dtype: 'q4', run: { predicted: 10, measured: 40, at, repoId: GGUF_MODEL } },
  ]);
  await page.reload();
  await openModelsTab(page);
  const row = page.getByRole('table', { name: 'Models' }).locator(`tr[data-repo="${ONNX_MODEL}"]`);
  await expect(row.getByTestId('engine-choice')).toContainText('Here: llama.cpp q4 on WASM');
  await row.getByRole('button', { name: `Load ${ONNX_MODEL}` }).click();

  await expect(page.getByTestId('model-ready')).toContainText(`Ready: ${GGUF_MODEL}`);
  await expect(page.getByTestId('runtime')).toContainText('WASM · q4');
  const panel = page.getByRole('region', { name: 'Model', exact: true });
  await expect(panel.getByTestId('engine')).toContainText('llama.cpp — The fastest here: 40.0 tok/s measured here');
  expect(watchers.consoleErrors).toEqual([]);
});

test("the Models view's Export JSON carries llama.cpp's probe beside onnxruntime's", async ({ page }) => {
  await openApp(page, ONNX_MODEL);
  const { dependencies } = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const wllama = dependencies['@wllama/wllama']!.replace(/^\D*/, '');
  // A probe as "Measure this device" stores it; its figures are made up, only its way into the file is tested.
  const probe = {
    backend: 'wasm',
    wllamaVersion: wllama,
    threads: 2,
    takenAt: new Date().toISOString(),
    durationMs: 1000,
    perTokenMs: 2,
    perVocabEntryNs: 3,
    decodeBytesPerSecond: { Q4_K: 4e9, Q8_0: 5e9 },
    prefillGflops: { Q4_K: 6, Q8_0: 7 },
    setup: {
      width: { hiddenSize: 1024, intermediateSize: 3072, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 512 },
      layers: { Q4_K: 8, Q8_0: 4 },
      promptTokens: 64,
      decodeTokens: 16,
      repeats: 3,
      decodeWeightBytes: { Q4_K: 70e6, Q8_0: 67e6 },
      decodeMsPerToken: { Q4_K: 20, Q8_0: 15 },
    },
  } satisfies LlamaCppProbeResult;
  await putEntries(page, 'playground-probe', [[`llamacpp-probe|wasm|wllama=${wllama}|${await deviceKeyOf(page)}`, probe]]);
  await page.reload();
  await openModelsTab(page);

  const download = page.waitForEvent('download');
  await page.getByRole('region', { name: 'Models' }).getByRole('button', { name: 'Export JSON' }).click();
  const exported = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as Record<string, unknown>;
  expect(exported).toMatchObject({ probes: {}, llamaCppProbes: { wasm: probe }, rows: expect.any(Array) });
});
