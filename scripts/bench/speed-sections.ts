// Bench figures about generation speed: the app against bare transformers.js, WASM thread
// scaling, and each weight format per backend against the one the app picks.
import type { BrowserContext, Page } from '@playwright/test';
import { chooseDtype, type DeviceCapabilities } from '../../src/lib/engines/backend-selection';
import type { Backend, Dtype } from '../../src/lib/engines/types';
import type { FixtureDtype } from '../../test/fixtures/model-repos';
import { openAppPage } from './app-page';
import { type GenerationSetup, openBarePage } from './bare-page';
import { type Run, alternate, loadAverage, summarize } from './harness';

export interface Repeats {
  warmups: number;
  repeats: number;
}

/** The app (UI → worker → engine adapter) against bare transformers.js, same model and settings. */
export async function measureAppVsBare(appPage: Page, barePage: Page, setup: GenerationSetup, { warmups, repeats }: Repeats) {
  const app = await openAppPage(appPage, setup);
  const appLoad = await app.load();
  const bare = await (await openBarePage(barePage)).load(setup);
  const load = [loadAverage()];
  const result = await alternate(app.run, bare.run, warmups, repeats);
  load.push(loadAverage());
  return {
    model: setup.model,
    backend: setup.backend,
    dtype: setup.dtype,
    threads: setup.threads,
    promptTokens: bare.promptTokens,
    newTokens: setup.newTokens,
    appLoad,
    app: result.a,
    bare: result.b,
    loadAverage: load,
    ratios: {
      prefill: result.a.median.prefillTokensPerSecond / result.b.median.prefillTokensPerSecond,
      decode: result.a.median.decodeTokensPerSecond / result.b.median.decodeTokensPerSecond,
    },
  };
}

/**
 * onnxruntime-web with one WASM thread against all of them. The thread count is fixed when the
 * runtime starts, so each count gets its own browser (and worker), runs alternated.
 */
export async function measureThreadScaling(launch: () => Promise<BrowserContext>, setup: GenerationSetup, { warmups, repeats }: Repeats) {
  const [many, one] = await Promise.all([launch(), launch()]);
  try {
    const manyThreads = await (await openBarePage(await many.newPage())).load(setup);
    const oneThread = await (await openBarePage(await one.newPage())).load({ ...setup, threads: 1 });
    const result = await alternate(manyThreads.run, oneThread.run, warmups, repeats);
    return {
      model: setup.model,
      dtype: setup.dtype,
      threads: manyThreads.threads,
      newTokens: setup.newTokens,
      promptTokens: manyThreads.promptTokens,
      all: result.a,
      one: result.b,
      speedup: {
        prefill: result.a.median.prefillTokensPerSecond / result.b.median.prefillTokensPerSecond,
        decode: result.a.median.decodeTokensPerSecond / result.b.median.decodeTokensPerSecond,
      },
    };
  } finally {
    await Promise.all([many.close(), one.close()]);
  }
}

export interface SweepCase {
  backend: Backend;
  setup: GenerationSetup;
  dtypes: FixtureDtype[];
  /** The device's capabilities as the app sees them, to ask it which format it would pick. */
  capabilities: DeviceCapabilities;
  warmups: number;
  repeats: number;
}

/**
 * Every weight format of a model on one backend, bare transformers.js, a fresh worker each (so
 * one format's heap doesn't crowd the next); then whether the app's automatic choice was fastest.
 */
export async function measureDtypeSweep(browser: BrowserContext, sweep: SweepCase) {
  const page = await browser.newPage();
  const rows: { dtype: FixtureDtype; runs: Run[]; median: ReturnType<typeof summarize>; loadMs: number }[] = [];
  for (const dtype of sweep.dtypes) {
    await page.goto('about:blank');
    const session = await (await openBarePage(page)).load({ ...sweep.setup, dtype });
    for (let i = 0; i < sweep.warmups; i++) await session.run();
    const runs: Run[] = [];
    for (let i = 0; i < sweep.repeats; i++) runs.push(await session.run());
    rows.push({ dtype, runs, median: summarize(runs), loadMs: session.loadMs });
  }
  await page.close();
  const appChoice = chooseDtype(sweep.backend, sweep.capabilities, sweep.dtypes as Dtype[], null).value;
  const fastest = [...rows].sort((a, b) => b.median.decodeTokensPerSecond - a.median.decodeTokensPerSecond)[0].dtype;
  return {
    model: sweep.setup.model,
    backend: sweep.backend,
    threads: sweep.setup.threads,
    newTokens: sweep.setup.newTokens,
    rows,
    appChoice,
    fastestDecode: fastest,
    appChoiceIsFastest: appChoice === fastest,
  };
}
