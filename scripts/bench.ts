// `npm run bench`: measures the app in headless Chromium against the production build and the
// model mirror, on generated models with real models' shapes (scripts/bench/bench-models.ts).
// Writes bench/results/<timestamp>.json and .md; every figure is a median of repeats, and the
// goals are reported as met or not, never asserted.
//
//   --smoke     tiny models, one repeat, short soak: keeps the harness working in CI
//   --predict   only the hardware probe's predicted vs measured decode speed (smoke runs it too)
//   --app-vs-bare  only the app against bare transformers.js on the speed model (the answer path's cost)
//   --qwen35    only the Qwen3.5-0.8B-shaped model: app vs bare text speed and a 448×448 picture's encode
//   --load      only loading the Qwen3-0.6B-shaped model: download, store read, warm load, renderer
//               memory, app vs bare, and the engine's levers (at most about 10 minutes on 2 cores)
//   --llamacpp  only llama.cpp on GGUF Q4_K and Q8_0 against onnxruntime q8 on the Qwen3-0.6B
//               shape: decode, prefill, warm load, renderer memory (at most about 10 minutes)
//
// A section that fails is recorded in both files and the run goes on; so is one that runs past
// its time limit, whose browsers are then closed. Whatever way the process ends, the files are
// written and the servers stopped (scripts/bench/bench-run.ts).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import type { DeviceCapabilities } from '../src/lib/engines/backend-selection';
import { DEFAULT_FIXTURES_DIR, DTYPE_FILES, TINY_QWEN3, ensureFixtureModels, type FixtureRepoSpec } from '../test/fixtures/model-repos';
import { QWEN3_0_6B_SHAPED_GGUF, TINY_QWEN3_GGUF, ensureGgufModels, ggufFileName, type GgufQuant, type GgufRepoSpec } from '../test/fixtures/tiny-gguf';
import { createMirrorServer } from './mirror-server';
import type { GenerationSetup } from './bench/bare-page';
import { BENCH_QWEN3, GLM_EDGE_1_5B_SHAPED, QWEN3_0_6B_SHAPED } from './bench/bench-models';
import { measureDownloads } from './bench/downloads';
import { APP_PORT, APP_URL, BARE_PORT, BARE_URL, closeAllBrowsers, launchFor, machine, runCommand, waitForHttp } from './bench/harness';
import { type BenchFigures, benchMarkdown } from './bench/bench-report';
import { BenchRun } from './bench/bench-run';
import { type LoadPlan, measureLoad, weightBytes } from './bench/load-section';
import { type LlamaCppPlan, measureLlamaCpp } from './bench/llamacpp-section';
import type { EngineVariant } from './bench/llamacpp-report';
import { withTimeLimit } from './bench/time-limit';
import { measureNative } from './bench/native-onnxruntime';
import { measureCachedReopen, measureInitialJs, measureLongTasks, measureSoak } from './bench/page-sections';
import { type PredictCase, predictTable, predictedVsMeasured } from './bench/predicted-vs-measured';
import { measureAppVsBare, measureDtypeSweep, measureThreadScaling } from './bench/speed-sections';
import { QWEN35_0_8B_SHAPED, ensureQwen35Shaped } from './bench/qwen35-shaped';
import { measureQwen35 } from './bench/qwen35-section';

const smoke = process.argv.includes('--smoke');
const predictOnly = process.argv.includes('--predict');
const appVsBareOnly = process.argv.includes('--app-vs-bare');
const qwen35Only = process.argv.includes('--qwen35');
const loadOnly = process.argv.includes('--load');
const llamacppOnly = process.argv.includes('--llamacpp');
/** The app is built here rather than into dist/, which the e2e suite and a developer's preview use. */
const APP_BUILD = 'bench/.build/app';

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Explain in a few sentences why running a language model on the device keeps data private.' },
];

/**
 * Engine settings the load section forces from the app's URL (`?ort-build=`, `?ort-opt=`, read
 * by the inference worker), one warm load each: every onnxruntime-web build at the default
 * optimisation level, every level on the default build. The one matching the default is a second
 * measurement of it, so the spread between two identical loads shows in the same table.
 */
const LEVERS: LoadPlan['levers'] = [
  ...['asyncify', 'plain', 'jspi'].map((build) => ({ name: `build ${build}`, query: { 'ort-build': build } })),
  ...['disabled', 'basic', 'extended', 'all'].map((level) => ({ name: `graph optimisation ${level}`, query: { 'ort-opt': level } })),
];

/** What each section measures; smoke runs every section once on the tiny model. */
const PLAN = smoke
  ? {
      speedModel: TINY_QWEN3,
      glm: null,
      webgpuSweepModel: TINY_QWEN3,
      speed: { warmups: 1, repeats: 1 },
      newTokens: 16,
      glmRuns: { warmups: 0, repeats: 0 },
      sweep: { warmups: 1, repeats: 1, newTokens: 16, webgpuNewTokens: 8 },
      reopens: 1,
      soakGenerations: 12,
      downloads: { warmups: 0, repeats: 1 },
      // The 1.4 GB Qwen3.5 model stays out of the smoke run (CI).
      qwen35: null,
      // Two levers are enough to keep the table's code running.
      load: { model: TINY_QWEN3, newTokens: 16, speed: { warmups: 1, repeats: 1 }, levers: LEVERS.slice(1, 2).concat(LEVERS.slice(-2, -1)), leverRepeats: 1, leverLimitMs: 60_000 },
      // The tiny GGUF has no Q4_K: its 4-bit file is Q4_0.
      llamacpp: { shape: 'tiny Qwen3', onnx: TINY_QWEN3, gguf: TINY_QWEN3_GGUF, quants: ['Q4_0', 'Q8_0'] as GgufQuant[], newTokens: 16, rounds: 1 },
    }
  : {
      speedModel: QWEN3_0_6B_SHAPED,
      glm: GLM_EDGE_1_5B_SHAPED,
      // SwiftShader runs a 0.6B model at well under a token per second: the WebGPU sweep uses the mid-size model.
      webgpuSweepModel: BENCH_QWEN3,
      speed: { warmups: 1, repeats: 3 },
      newTokens: 32,
      glmRuns: { warmups: 0, repeats: 1 },
      sweep: { warmups: 1, repeats: 2, newTokens: 32, webgpuNewTokens: 16 },
      reopens: 3,
      soakGenerations: 200,
      downloads: { warmups: 0, repeats: 2 },
      qwen35: { newTokens: 16, text: { warmups: 1, repeats: 3 }, pictures: { warmups: 1, repeats: 3 } },
      // A lever's warm load and answer took 20–45 s here; one that stalls is cut off.
      load: { model: QWEN3_0_6B_SHAPED, newTokens: 32, speed: { warmups: 1, repeats: 3 }, levers: LEVERS, leverRepeats: 1, leverLimitMs: 150_000 },
      llamacpp: { shape: 'Qwen3-0.6B', onnx: QWEN3_0_6B_SHAPED, gguf: QWEN3_0_6B_SHAPED_GGUF, quants: ['Q4_K', 'Q8_0'] as GgufQuant[], newTokens: 32, rounds: 3 },
    };

/**
 * Each section's time limit: past it the section is recorded as "did not finish", its browsers
 * are closed and the run goes on, so no section can hold the run. Sized at a few times what the
 * section takes here; smoke sections take seconds to about two minutes on a busy 2-core machine.
 */
const limit = (fullMinutes: number): number => (smoke ? Math.min(fullMinutes, 10) : fullMinutes) * 60_000;

/** The llama.cpp section's rows: onnxruntime q8 first, then each GGUF quantization of the same shape. */
function llamaCppPlan(fixturesDir: string, onnx: FixtureRepoSpec, gguf: GgufRepoSpec, quants: GgufQuant[]): LlamaCppPlan['variants'] {
  const onnxRow: EngineVariant = { name: 'onnxruntime q8', engine: 'onnxruntime', model: onnx.id, dtype: 'q8', files: [DTYPE_FILES.q8], weightBytes: weightBytes(fixturesDir, onnx.id, 'q8') };
  const ggufRows = quants.map((quant): EngineVariant => {
    const file = ggufFileName(gguf, quant);
    return { name: `llama.cpp ${quant}`, engine: 'llama.cpp', model: gguf.id, dtype: quant === 'Q8_0' ? 'q8' : 'q4', files: [file], weightBytes: statSync(join(fixturesDir, gguf.id, file)).size };
  });
  return [onnxRow, ...ggufRows];
}

const PREDICT_CASES: PredictCase[] = smoke
  ? [
      { model: TINY_QWEN3, backend: 'wasm', dtype: 'q8' },
      { model: TINY_QWEN3, backend: 'webgpu', dtype: 'q4' },
    ]
  : [
      { model: BENCH_QWEN3, backend: 'wasm', dtype: 'q8' },
      { model: BENCH_QWEN3, backend: 'wasm', dtype: 'q4' },
      { model: TINY_QWEN3, backend: 'wasm', dtype: 'q8' },
      // SwiftShader runs the bench model at about a token per second: fewer tokens and runs.
      { model: BENCH_QWEN3, backend: 'webgpu', dtype: 'q4', newTokens: 16, repeats: 3 },
      { model: TINY_QWEN3, backend: 'webgpu', dtype: 'q4', repeats: 3 },
    ];

async function runPredictions(hub: string) {
  return predictedVsMeasured(PREDICT_CASES, {
    fixturesDir: DEFAULT_FIXTURES_DIR,
    bareUrl: BARE_URL,
    hub,
    launch: launchFor,
    warmups: smoke ? 1 : 2,
    repeats: smoke ? 1 : 5,
    newTokens: smoke ? 16 : 64,
    messages,
  });
}

async function webgpuCapabilities(browser: BrowserContext): Promise<DeviceCapabilities> {
  const page = await browser.newPage();
  await page.goto(BARE_URL);
  const gpu = (await page.evaluate(`(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { shaderF16: adapter.features.has('shader-f16'), isFallbackAdapter: !!adapter.info?.isFallbackAdapter, detail: adapter.info?.vendor + ' ' + adapter.info?.architecture } : null;
  })()`)) as { shaderF16: boolean; isFallbackAdapter: boolean; detail: string } | null;
  const cores = (await page.evaluate('navigator.hardwareConcurrency')) as number;
  await page.close();
  return {
    webgpu: gpu ? { available: true, ...gpu } : { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'no adapter' },
    crossOriginIsolated: true,
    hardwareConcurrency: cores,
  };
}

const resultBase = join('bench/results', `${new Date().toISOString().replaceAll(':', '-')}${smoke ? '-smoke' : ''}${predictOnly ? '-predict' : ''}${appVsBareOnly ? '-app-vs-bare' : ''}${qwen35Only ? '-qwen35' : ''}${loadOnly ? '-load' : ''}${llamacppOnly ? '-llamacpp' : ''}`);
const run = new BenchRun({ base: resultBase, markdown: (figures) => benchMarkdown(figures as unknown as BenchFigures), abandon: closeAllBrowsers }).guardProcess();
const errors = run.errors;

async function main() {
  const date = new Date().toISOString();
  Object.assign(run.figures, { date, smoke, machine: machine() });
  const focused = predictOnly || appVsBareOnly || qwen35Only || loadOnly || llamacppOnly;
  const models = predictOnly
    ? PREDICT_CASES.map((c) => c.model)
    : appVsBareOnly
      ? [PLAN.speedModel]
      : qwen35Only
        ? []
        : loadOnly
          ? [PLAN.load.model]
          : llamacppOnly
            ? [PLAN.llamacpp.onnx]
            : [PLAN.speedModel, PLAN.webgpuSweepModel, BENCH_QWEN3, TINY_QWEN3, PLAN.load.model, PLAN.llamacpp.onnx, ...(PLAN.glm ? [PLAN.glm] : []), ...PREDICT_CASES.map((c) => c.model)];
  await ensureFixtureModels(DEFAULT_FIXTURES_DIR, [...new Set(models)]);
  if (llamacppOnly || !focused) await ensureGgufModels(DEFAULT_FIXTURES_DIR, [PLAN.llamacpp.gguf]);
  if (PLAN.qwen35 && (qwen35Only || !focused)) await ensureQwen35Shaped(DEFAULT_FIXTURES_DIR);
  if (!predictOnly) await runCommand('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', APP_BUILD, '--emptyOutDir']);
  await runCommand('npx', ['vite', 'build', '--config', 'scripts/bench/bare/vite.config.ts']);
  const mirror = await createMirrorServer({ root: DEFAULT_FIXTURES_DIR, port: 0 });
  run.onEnd(() => mirror.close());
  await run.serve(['vite', 'preview', '--config', 'scripts/bench/bare/vite.config.ts', '--port', String(BARE_PORT), '--strictPort'], BARE_PORT);
  if (!predictOnly) await run.serve(['vite', 'preview', '--outDir', APP_BUILD, '--port', String(APP_PORT), '--strictPort'], APP_PORT);
  await waitForHttp(BARE_URL);
  if (predictOnly) {
    run.figures.predictions = await run.section('predicted vs measured decode', () => runPredictions(mirror.url), limit(60));
    if (run.figures.predictions) console.log(predictTable((run.figures.predictions as { rows: Parameters<typeof predictTable>[0] }).rows));
    return;
  }
  await waitForHttp(APP_URL);
  const hub = mirror.url;
  const wasmProbe = await launchFor('wasm');
  const browserVersion = `Chromium ${wasmProbe.browser()?.version() ?? '?'}`;
  const wasmCaps = await withTimeLimit('reading the browser\'s capabilities', 120_000, () => webgpuCapabilities(wasmProbe)).finally(() => wasmProbe.close());
  const threads = wasmCaps.hardwareConcurrency;
  const setup = (model: { id: string }, newTokens: number, backend: 'wasm' | 'webgpu' = 'wasm', dtype: GenerationSetup['dtype'] = 'q8'): GenerationSetup => ({
    hub,
    model: model.id,
    backend,
    dtype,
    threads,
    newTokens,
    messages,
  });
  const speedSetup = setup(PLAN.speedModel, PLAN.newTokens);
  Object.assign(run.figures, { browser: browserVersion, settings: { decoding: 'greedy', messages, plan: PLAN } });

  const runQwen35 = async () => {
    const plan = PLAN.qwen35;
    if (!plan) return null;
    const qwenSetup = setup(QWEN35_0_8B_SHAPED, plan.newTokens);
    return run.section(`Qwen3.5 app vs bare: ${qwenSetup.model}`, async () => {
      const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
      try {
        const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
        return await measureQwen35(appPage, barePage, qwenSetup, plan.text, plan.pictures);
      } finally {
        await Promise.all([appContext.close(), bareContext.close()]);
      }
    }, limit(30));
  };

  const runLoad = () => {
    const loadSetup = setup(PLAN.load.model, PLAN.load.newTokens);
    return run.section(`loading: ${loadSetup.model}`, async () => {
      const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
      try {
        return await measureLoad(appContext, await bareContext.newPage(), mirror, DEFAULT_FIXTURES_DIR, loadSetup, PLAN.load, (partial) => (run.figures.load = partial));
      } finally {
        await Promise.all([appContext.close(), bareContext.close()]);
      }
    }, limit(30));
  };

  const runLlamaCpp = () => {
    const plan = PLAN.llamacpp;
    const llamaPlan: LlamaCppPlan = { shape: plan.shape, variants: llamaCppPlan(DEFAULT_FIXTURES_DIR, plan.onnx, plan.gguf, plan.quants), rounds: plan.rounds };
    return run.section(
      `llama.cpp against onnxruntime: ${plan.gguf.id}, ${plan.onnx.id}`,
      () => measureLlamaCpp(() => launchFor('wasm'), mirror, { hub, backend: 'wasm', threads, newTokens: plan.newTokens, messages }, llamaPlan, (partial) => (run.figures.llamacpp = partial)),
      limit(20),
    );
  };

  if (llamacppOnly) {
    const llamacpp = await keep('llamacpp', runLlamaCpp());
    if (llamacpp) {
      for (const [name, r] of Object.entries(llamacpp.ratios)) console.log(`${name} / onnxruntime q8: decode ${r.decode.toFixed(2)}, prefill ${r.prefill.toFixed(2)}, warm load ${r.warmLoad.toFixed(2)}, renderer peak ${r.peakMemory.toFixed(2)}`);
    }
    return;
  }

  if (qwen35Only) {
    const qwen35 = await runQwen35();
    run.figures.qwen35 = qwen35;
    if (qwen35) console.log(`app / bare: prefill ${qwen35.ratios.prefill.toFixed(2)}, decode ${qwen35.ratios.decode.toFixed(2)}, picture encode time ${qwen35.ratios.encodeTime.toFixed(2)}`);
    return;
  }

  if (loadOnly) {
    const load = await keep('load', runLoad());
    if (load) console.log(`warm load / store read ${load.warmLoadOverStoreRead.toFixed(2)}, peak memory / weights ${load.peakMemoryOverWeights.toFixed(2)}, download / bare fetch ${load.downloadOverBareFetch.toFixed(2)}`);
    return;
  }

  if (appVsBareOnly) {
    const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
    try {
      const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
      const appVsBare = await run.section(`app vs bare: ${speedSetup.model}`, () => measureAppVsBare(appPage, barePage, speedSetup, PLAN.speed), limit(20));
      run.figures.appVsBare = appVsBare;
      if (appVsBare) console.log(`app / bare: prefill ${appVsBare.ratios.prefill.toFixed(2)}, decode ${appVsBare.ratios.decode.toFixed(2)}`);
    } finally {
      await Promise.all([appContext.close(), bareContext.close()]);
    }
    return;
  }

  await keep('initialJs', run.section('initial JavaScript', async () => {
    const browser = await launchFor('wasm', { serviceWorkers: 'block' });
    try {
      return await measureInitialJs(browser);
    } finally {
      await browser.close();
    }
  }, limit(5)));

  // One browser per path, each with a single foreground page: in one shared browser the page
  // not in front gets a lower scheduling priority, which skews the comparison.
  const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
  const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
  let appVsBare = null;
  let cachedReopen = null;
  let appVsBareGlm = null;
  let downloads = null;
  try {
    appVsBare = await keep('appVsBare', run.section(`app vs bare: ${speedSetup.model}`, () => measureAppVsBare(appPage, barePage, speedSetup, PLAN.speed), limit(20)));
    cachedReopen = await keep('cachedReopen', run.section('cached reopen', () => measureCachedReopen(appContext, barePage, mirror, speedSetup, PLAN.reopens), limit(15)));
    if (PLAN.glm) {
      const glmSetup = setup(PLAN.glm, 8);
      appVsBareGlm = await keep('appVsBareGlm', run.section(`app vs bare: ${glmSetup.model}`, () => measureAppVsBare(appPage, barePage, glmSetup, PLAN.glmRuns), limit(40)));
    }
    downloads = await keep('downloads', run.section('downloads', async () => {
      // A page of its own: the app's store is emptied before each download.
      const page = await appContext.newPage();
      const result = await measureDownloads(page, barePage, setup(BENCH_QWEN3, 8), PLAN.downloads);
      await page.close();
      return result;
    }, limit(10)));
  } finally {
    await Promise.all([appContext.close(), bareContext.close()]);
  }

  // Browsers of its own, opened after the ones above are closed: the renderer's memory is measured.
  await keep('load', runLoad());

  await keep('llamacpp', runLlamaCpp());

  await keep('qwen35', runQwen35());

  await keep('threadScaling', run.section('WASM threads', () => measureThreadScaling(() => launchFor('wasm'), speedSetup, PLAN.speed), limit(20)));

  const wasmSweepSetup = setup(PLAN.speedModel, PLAN.sweep.newTokens);
  const wasmSweep = await run.section('dtype sweep: WASM', async () => {
    const browser = await launchFor('wasm');
    try {
      return await measureDtypeSweep(browser, { backend: 'wasm', setup: wasmSweepSetup, dtypes: ['q8', 'q4'], capabilities: wasmCaps, ...PLAN.sweep });
    } finally {
      await browser.close();
    }
  }, limit(20));
  const webgpuSweep = await run.section('dtype sweep: WebGPU', async () => {
    const browser = await launchFor('webgpu');
    try {
      const capabilities = await webgpuCapabilities(browser);
      const sweepSetup = setup(PLAN.webgpuSweepModel, PLAN.sweep.webgpuNewTokens, 'webgpu');
      return { adapter: capabilities.webgpu, ...(await measureDtypeSweep(browser, { backend: 'webgpu', setup: sweepSetup, dtypes: ['fp32', 'q8', 'q4'], capabilities, ...PLAN.sweep })) };
    } finally {
      await browser.close();
    }
  }, limit(40));
  run.figures.dtypeSweep = { wasm: wasmSweep, webgpu: webgpuSweep };

  // Native last among the speed figures, with no browser open: same prompt, tokens and threads as the WASM sweep.
  await keep('native', run.section('native onnxruntime-node', async () => {
    const rows = [];
    for (const dtype of ['q8', 'q4'] as const) {
      const result = await measureNative({ fixturesDir: DEFAULT_FIXTURES_DIR, model: wasmSweepSetup.model, dtype, threads, messages, warmups: PLAN.sweep.warmups, repeats: PLAN.sweep.repeats, newTokens: wasmSweepSetup.newTokens });
      const browser = wasmSweep?.rows.find((r) => r.dtype === dtype)?.median;
      rows.push({
        ...result,
        browser: browser ?? null,
        browserOverNative: browser
          ? { prefill: browser.prefillTokensPerSecond / result.median.prefillTokensPerSecond, decode: browser.decodeTokensPerSecond / result.median.decodeTokensPerSecond }
          : null,
      });
    }
    return rows;
  }, limit(20)));

  const tinySetup = (newTokens: number) => setup(TINY_QWEN3, newTokens);
  await keep('longTasks', run.section('long tasks while streaming', async () => {
    const browser = await launchFor('wasm');
    try {
      return await measureLongTasks(await browser.newPage(), tinySetup(128), smoke ? { warmups: 1, answers: 1 } : { warmups: 5, answers: 10 });
    } finally {
      await browser.close();
    }
  }, limit(10)));
  await keep('soak', run.section(`soak: ${PLAN.soakGenerations} generations`, async () => {
    const browser = await launchFor('wasm');
    try {
      return await measureSoak(await browser.newPage(), tinySetup(32), PLAN.soakGenerations);
    } finally {
      await browser.close();
    }
  }, limit(20)));
  // The full run leaves the probe comparison to `--predict`, which takes long on its own.
  await keep('predictions', smoke ? run.section('predicted vs measured decode', () => runPredictions(hub), limit(60)) : Promise.resolve(null));
}

/**
 * Puts a section's figure in the results as soon as it is measured, so a run that dies later keeps
 * it. A failed section (null) leaves what it recorded part-way.
 */
async function keep<T>(key: string, figure: Promise<T>): Promise<T> {
  const value = await figure;
  if (value !== null || !(key in run.figures)) run.figures[key] = value;
  return value;
}

try {
  await main();
} catch (error) {
  // Outside any section (a build, a server that never came up): the run stops here, recorded.
  errors.bench = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nThe bench stopped: ${errors.bench}`);
}
const markdown = await run.end();
if (markdown) console.log(`\n${markdown}`);
// Exit now rather than when the event loop drains: a section abandoned past its limit may still
// hold timers or native work that would keep the process alive.
process.exit(run.failed ? 1 : 0);
