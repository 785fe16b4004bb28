// A model whose weights sit in an .onnx_data file beside a graph-only .onnx loads with those
// weights handed to onnxruntime as a Blob from the store (JSPI build), and answers exactly as the
// same weights stored inline do.
import { test, expect, type Page } from '@playwright/test';
import { FIXTURE_MODELS_DIR } from './ports';
import { chooseBackend, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';
import { TINY_QWEN3, ensureFixtureModels, type FixtureRepoSpec } from '../fixtures/model-repos';

/** tiny-qwen3's q8 weights (same seed and dims: the same answers), its initializers in model_quantized.onnx_data. */
const EXTERNAL: FixtureRepoSpec = { ...TINY_QWEN3, id: 'fixtures/tiny-qwen3-external', dtypes: ['q8'], externalData: true };

test.beforeAll(async () => {
  await ensureFixtureModels(FIXTURE_MODELS_DIR, [TINY_QWEN3, EXTERNAL]);
});

interface Loaded {
  text: string;
  runtime: { build: string; externalDataAsBlob: boolean };
  phases: { sessionCreateMs?: number; storeReadMs?: number };
}

/** Loads `model` on WASM, the build forced with `?ort-build=` unless `build` is null (the default then). */
async function greedyAnswer(page: Page, model: string, build: string | null = 'jspi'): Promise<Loaded> {
  await openApp(page, model, undefined, build ? `&ort-build=${build}` : '');
  await chooseBackend(page, 'WASM (CPU)');
  await setGeneration(page, { temperature: 0, maxNewTokens: 24 });
  await loadModel(page);
  await send(page, 'Tell me about the sea.');
  await waitForAnswerDone(page);
  const text = (await lastAnswer(page).locator('.markdown').textContent()) ?? '';
  const runtime = JSON.parse((await page.getByTestId('load-phases').getAttribute('data-runtime')) ?? 'null');
  const phases = JSON.parse((await page.getByTestId('load-phases').getAttribute('data-phases')) ?? 'null');
  return { text, runtime, phases };
}

test('on the default WASM build (JSPI) the model with external data loads, and its session creation is timed', async ({ page }) => {
  const watchers = watch(page);
  const inline = await greedyAnswer(page, TINY_QWEN3.id, 'asyncify');
  const external = await greedyAnswer(page, EXTERNAL.id, null);
  expect(external.runtime).toMatchObject({ build: 'jspi', externalDataAsBlob: true });
  expect(external.text).toBe(inline.text);
  // The sessions are created by the runtime the engine times (and creates one at a time), so their
  // creation is counted as such rather than as reading the store.
  expect(external.phases.sessionCreateMs).toBeGreaterThan(0);
  expect(watchers.consoleErrors).toEqual([]);
});

test('weights in external data, read as a Blob, give the same greedy answer as the inline model', async ({ page }) => {
  const watchers = watch(page);
  const inline = await greedyAnswer(page, TINY_QWEN3.id);
  expect(inline.runtime).toMatchObject({ build: 'jspi', externalDataAsBlob: false });
  expect(inline.text.length).toBeGreaterThan(0);

  const external = await greedyAnswer(page, EXTERNAL.id);
  expect(external.runtime).toMatchObject({ build: 'jspi', externalDataAsBlob: true });
  expect(external.text).toBe(inline.text);
  expect(watchers.consoleErrors).toEqual([]);
});

test('on the asyncify build, the same external data reaches the runtime through transformers.js, with the same answer', async ({ page }) => {
  const watchers = watch(page);
  const inline = await greedyAnswer(page, TINY_QWEN3.id, 'asyncify');
  const external = await greedyAnswer(page, EXTERNAL.id, 'asyncify');
  expect(external.runtime).toMatchObject({ build: 'asyncify', externalDataAsBlob: false });
  expect(external.text).toBe(inline.text);
  expect(watchers.consoleErrors).toEqual([]);
});
