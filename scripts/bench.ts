// `npm run bench`: measures the app in headless Chromium against the production build and the
// model mirror, on generated models with real models' shapes (scripts/bench/bench-models.ts).
// Writes bench/results/<timestamp>.json and .md; every figure is a median of repeats, and the
// goals are reported as met or not, never asserted.
//
//   --smoke     tiny models, one repeat, short soak: keeps the harness working in CI
//   --predict   only the hardware probe's predicted vs measured decode speed (smoke runs it too)
//   --app-vs-bare  only the app against bare transformers.js on the speed model (the answer path's cost)
//   --qwen35    only the Qwen3.5-0.8B-shaped model: app vs bare text speed and a 448×448 picture's encode
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import type { DeviceCapabilities } from '../src/lib/engines/backend-selection';
import { DEFAULT_FIXTURES_DIR, TINY_QWEN3, ensureFixtureModels } from '../test/fixtures/model-repos';
import { createMirrorServer } from './mirror-server';
import type { GenerationSetup } from './bench/bare-page';
import { BENCH_QWEN3, GLM_EDGE_1_5B_SHAPED, QWEN3_0_6B_SHAPED } from './bench/bench-models';
import { measureDownloads } from './bench/downloads';
import { APP_PORT, APP_URL, BARE_PORT, BARE_URL, launchFor, machine, runCommand, serve, stop, waitForHttp } from './bench/harness';
import { benchMarkdown } from './bench/bench-report';
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

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Explain in a few sentences why running a language model on the device keeps data private.' },
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
    };

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

/** Runs one section; a failure is recorded in the results instead of losing the others. */
async function section<T>(name: string, errors: Record<string, string>, body: () => Promise<T>): Promise<T | null> {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    const result = await body();
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  } catch (error) {
    errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`  FAILED: ${errors[name]}`);
    return null;
  }
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

async function main() {
  const models = predictOnly ? PREDICT_CASES.map((c) => c.model) : appVsBareOnly ? [PLAN.speedModel] : qwen35Only ? [] : [PLAN.speedModel, PLAN.webgpuSweepModel, BENCH_QWEN3, TINY_QWEN3, ...(PLAN.glm ? [PLAN.glm] : []), ...PREDICT_CASES.map((c) => c.model)];
  await ensureFixtureModels(DEFAULT_FIXTURES_DIR, [...new Set(models)]);
  if (PLAN.qwen35 && !predictOnly && !appVsBareOnly) await ensureQwen35Shaped(DEFAULT_FIXTURES_DIR);
  if (!predictOnly) await runCommand('npx', ['vite', 'build', '--logLevel', 'warn']);
  await runCommand('npx', ['vite', 'build', '--config', 'scripts/bench/bare/vite.config.ts']);
  const mirror = await createMirrorServer({ root: DEFAULT_FIXTURES_DIR, port: 0 });
  const servers = [
    serve(['vite', 'preview', '--config', 'scripts/bench/bare/vite.config.ts', '--port', String(BARE_PORT), '--strictPort']),
    ...(predictOnly ? [] : [serve(['vite', 'preview', '--port', String(APP_PORT), '--strictPort'])]),
  ];
  const errors: Record<string, string> = {};
  const date = new Date().toISOString();
  try {
    await waitForHttp(BARE_URL);
    if (predictOnly) {
      const predictions = await runPredictions(mirror.url);
      await writeResult({ date, smoke, machine: machine(), predictions }, null);
      console.log(predictTable(predictions.rows));
      return;
    }
    await waitForHttp(APP_URL);
    const hub = mirror.url;
    const wasmProbe = await launchFor('wasm');
    const browserVersion = `Chromium ${wasmProbe.browser()?.version() ?? '?'}`;
    const wasmCaps = await webgpuCapabilities(wasmProbe);
    await wasmProbe.close();
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

    const runQwen35 = async () => {
      const plan = PLAN.qwen35;
      if (!plan) return null;
      const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
      try {
        const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
        const qwenSetup = setup(QWEN35_0_8B_SHAPED, plan.newTokens);
        return await section(`Qwen3.5 app vs bare: ${qwenSetup.model}`, errors, () => measureQwen35(appPage, barePage, qwenSetup, plan.text, plan.pictures));
      } finally {
        await Promise.all([appContext.close(), bareContext.close()]);
      }
    };

    if (qwen35Only) {
      const qwen35 = await runQwen35();
      await writeResult({ date, smoke, machine: machine(), browser: browserVersion, settings: { decoding: 'greedy', messages, plan: PLAN }, qwen35, errors }, null);
      if (qwen35) console.log(`app / bare: prefill ${qwen35.ratios.prefill.toFixed(2)}, decode ${qwen35.ratios.decode.toFixed(2)}, picture encode time ${qwen35.ratios.encodeTime.toFixed(2)}`);
      if (Object.keys(errors).length > 0) process.exitCode = 1;
      return;
    }

    if (appVsBareOnly) {
      const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
      try {
        const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
        const appVsBare = await section(`app vs bare: ${speedSetup.model}`, errors, () => measureAppVsBare(appPage, barePage, speedSetup, PLAN.speed));
        await writeResult({ date, smoke, machine: machine(), browser: browserVersion, settings: { decoding: 'greedy', messages, plan: PLAN }, appVsBare, errors }, null);
        if (appVsBare) console.log(`app / bare: prefill ${appVsBare.ratios.prefill.toFixed(2)}, decode ${appVsBare.ratios.decode.toFixed(2)}`);
        if (Object.keys(errors).length > 0) process.exitCode = 1;
      } finally {
        await Promise.all([appContext.close(), bareContext.close()]);
      }
      return;
    }

    const initialJs = await section('initial JavaScript', errors, async () => {
      const browser = await launchFor('wasm', { serviceWorkers: 'block' });
      try {
        return await measureInitialJs(browser);
      } finally {
        await browser.close();
      }
    });

    // One browser per path, each with a single foreground page: in one shared browser the page
    // not in front gets a lower scheduling priority, which skews the comparison.
    const [appContext, bareContext] = await Promise.all([launchFor('wasm'), launchFor('wasm')]);
    const [appPage, barePage] = await Promise.all([appContext.newPage(), bareContext.newPage()]);
    let appVsBare = null;
    let cachedReopen = null;
    let appVsBareGlm = null;
    let downloads = null;
    try {
      appVsBare = await section(`app vs bare: ${speedSetup.model}`, errors, () => measureAppVsBare(appPage, barePage, speedSetup, PLAN.speed));
      cachedReopen = await section('cached reopen', errors, () => measureCachedReopen(appContext, barePage, mirror, speedSetup, PLAN.reopens));
      if (PLAN.glm) {
        const glmSetup = setup(PLAN.glm, 8);
        appVsBareGlm = await section(`app vs bare: ${glmSetup.model}`, errors, () => measureAppVsBare(appPage, barePage, glmSetup, PLAN.glmRuns));
      }
      downloads = await section('downloads', errors, async () => {
        // A page of its own: the app's store is emptied before each download.
        const page = await appContext.newPage();
        const result = await measureDownloads(page, barePage, setup(BENCH_QWEN3, 8), PLAN.downloads);
        await page.close();
        return result;
      });
    } finally {
      await Promise.all([appContext.close(), bareContext.close()]);
    }

    const qwen35 = await runQwen35();

    const threadScaling = await section('WASM threads', errors, () => measureThreadScaling(() => launchFor('wasm'), speedSetup, PLAN.speed));

    const wasmSweepSetup = setup(PLAN.speedModel, PLAN.sweep.newTokens);
    const wasmSweep = await section('dtype sweep: WASM', errors, async () => {
      const browser = await launchFor('wasm');
      try {
        return await measureDtypeSweep(browser, { backend: 'wasm', setup: wasmSweepSetup, dtypes: ['q8', 'q4'], capabilities: wasmCaps, ...PLAN.sweep });
      } finally {
        await browser.close();
      }
    });
    const webgpuSweep = await section('dtype sweep: WebGPU', errors, async () => {
      const browser = await launchFor('webgpu');
      try {
        const capabilities = await webgpuCapabilities(browser);
        const sweepSetup = setup(PLAN.webgpuSweepModel, PLAN.sweep.webgpuNewTokens, 'webgpu');
        return { adapter: capabilities.webgpu, ...(await measureDtypeSweep(browser, { backend: 'webgpu', setup: sweepSetup, dtypes: ['fp32', 'q8', 'q4'], capabilities, ...PLAN.sweep })) };
      } finally {
        await browser.close();
      }
    });

    // Native last among the speed figures, with no browser open: same prompt, tokens and threads as the WASM sweep.
    const native = await section('native onnxruntime-node', errors, async () => {
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
    });

    const tinySetup = (newTokens: number) => setup(TINY_QWEN3, newTokens);
    const longTasks = await section('long tasks while streaming', errors, async () => {
      const browser = await launchFor('wasm');
      try {
        return await measureLongTasks(await browser.newPage(), tinySetup(128), smoke ? { warmups: 1, answers: 1 } : { warmups: 5, answers: 10 });
      } finally {
        await browser.close();
      }
    });
    const soak = await section(`soak: ${PLAN.soakGenerations} generations`, errors, async () => {
      const browser = await launchFor('wasm');
      try {
        return await measureSoak(await browser.newPage(), tinySetup(32), PLAN.soakGenerations);
      } finally {
        await browser.close();
      }
    });
    // The full run leaves the probe comparison to `--predict`, which takes long on its own.
    const predictions = smoke ? await section('predicted vs measured decode', errors, () => runPredictions(hub)) : null;

    const result = {
      date,
      smoke,
      machine: machine(),
      browser: browserVersion,
      settings: { decoding: 'greedy', messages, plan: PLAN },
      appVsBare,
      appVsBareGlm,
      qwen35,
      threadScaling,
      dtypeSweep: { wasm: wasmSweep, webgpu: webgpuSweep },
      native,
      cachedReopen,
      longTasks,
      initialJs,
      soak,
      downloads,
      predictions,
      errors,
    };
    const markdown = benchMarkdown(result);
    await writeResult(result, markdown);
    console.log(`\n${markdown}`);
    if (Object.keys(errors).length > 0) {
      console.error(`\n${Object.keys(errors).length} section(s) failed: ${Object.keys(errors).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await mirror.close();
    servers.forEach(stop);
  }
}


async function writeResult(result: { date: string } & Record<string, unknown>, markdown: string | null): Promise<void> {
  await mkdir('bench/results', { recursive: true });
  const base = join('bench/results', `${result.date.replaceAll(':', '-')}${smoke ? '-smoke' : ''}${predictOnly ? '-predict' : ''}${appVsBareOnly ? '-app-vs-bare' : ''}${qwen35Only ? '-qwen35' : ''}`);
  await writeFile(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  if (markdown) await writeFile(`${base}.md`, `${markdown}\n`);
  console.log(`\nWritten to ${base}.json${markdown ? ' and .md' : ''}`);
}

await main();
