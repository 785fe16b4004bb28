// `npm run bench -- --load`: how long the app takes to get a stored model ready and how much
// memory it takes doing so, each against the floor the hardware sets, all from one run:
//   - download: the app's first load from the mirror (download manager, verify, store) against
//     plain fetches of the same files (the downloads section's method, on this model);
//   - store read: a page script reading every stored file of the model from the Cache API to
//     the end, in the same profile;
//   - warm load: Load → ready in a new page of the same profile, the model already stored;
//   - memory: the peak of the page's renderer process (with its workers) while it loads and
//     answers, over the bytes of the weights;
//   - app vs bare prefill and decode on the loaded model;
//   - levers: the same warm load with the engine's session options forced from the URL, if the
//     build reads them; each within a time limit, past which its row says it did not finish and
//     the table goes on.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { DTYPE_FILES } from '../../test/fixtures/model-repos';
import type { MirrorServer } from '../mirror-server';
import { openAppPage, type AppLoad } from './app-page';
import { type GenerationSetup, openBarePage } from './bare-page';
import { alternate, loadAverage, profileOf } from './harness';
import { type RendererPeak, sampleRendererMemory } from './renderer-memory';
import type { Repeats } from './speed-sections';
import { type BoundedFailure, settleWithin, withTimeLimit } from './time-limit';

/**
 * A forced engine setting, as URL parameters the app's worker reads. The levers the engine
 * exposes are listed here; a build that ignores a parameter loads as by default, which the
 * table shows as no difference.
 */
export interface Lever {
  name: string;
  query: Record<string, string>;
}

export interface LoadPlan {
  speed: Repeats;
  /** Warm loads per lever (each in a new page), after the default's. */
  levers: Lever[];
  leverRepeats: number;
  /** A lever's loads and answer past this are abandoned: its row says it did not finish. */
  leverLimitMs: number;
}

/** One row of the lever table: its loads, and its answer's speeds unless it failed or ran out of time. */
export interface LeverRow extends Lever {
  loads: MeasuredLoad[];
  prefillTokensPerSecond: number | null;
  decodeTokensPerSecond: number | null;
  /** Why the row has no answer, if it has none. */
  failure: BoundedFailure | null;
}

/** What a load in progress has opened, for closing it when the load is abandoned. */
interface Opened {
  page?: Page;
  memory?: ReturnType<typeof sampleRendererMemory>;
}

/** A page being abandoned may be stuck: closing it is bounded too. */
const PAGE_CLOSE_LIMIT_MS = 20_000;

/** Bytes the mirror served since its log was emptied, and the URLs that carried them. */
export function mirrorTraffic(mirror: MirrorServer) {
  const served = mirror.requests.filter((r) => r.bytes > 0);
  return { bytes: served.reduce((sum, r) => sum + r.bytes, 0), urls: [...new Set(served.map((r) => `${mirror.url}${r.path}`))] };
}

/** A URL the mirror served, as a path in `model`'s repo ("onnx/model_quantized.onnx"). */
export const repoPath = (url: string, model: string): string => url.slice(url.indexOf(`/${model}/`) + model.length + 2);

/** The weight files' bytes on disk: the ONNX file of the dtype and its external data, if any. */
export function weightBytes(fixturesDir: string, model: string, dtype: GenerationSetup['dtype']): number {
  const onnx = join(fixturesDir, model, DTYPE_FILES[dtype]);
  let bytes = statSync(onnx).size;
  for (const suffix of ['_data', ...Array.from({ length: 8 }, (_, i) => `_data_${i + 1}`)]) {
    try {
      bytes += statSync(`${onnx}${suffix}`).size;
    } catch {
      // no such part
    }
  }
  return bytes;
}

/**
 * Reads the model's stored files out of the app's Cache API bucket to their last byte, one
 * after another, as a load would: the files the manifest lists for the dtype plus the small
 * ones (config, tokenizer), or every stored file of the model where no manifest says.
 */
async function readStore(page: Page, setup: GenerationSetup) {
  return (await page.evaluate(
    `(async ({ model, dtype }) => {
      const cache = await caches.open('transformers-cache');
      const urls = (await cache.keys()).map((r) => r.url).filter((u) => u.includes('/' + model + '/'));
      const manifestUrl = urls.find((u) => u.endsWith('.playground/manifest.json'));
      const manifest = manifestUrl ? await (await cache.match(manifestUrl)).json() : null;
      const weights = manifest?.filesByDtype?.[dtype];
      const isWeight = (u) => /\\.onnx(_data(_\\d+)?)?$/.test(u);
      const chosen = weights ? urls.filter((u) => !isWeight(u) || weights.some((f) => u.endsWith('/' + f))) : urls;
      const started = performance.now();
      let bytes = 0;
      for (const url of chosen) {
        const reader = (await cache.match(url)).body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
        }
      }
      return { ms: performance.now() - started, bytes, files: chosen.map((u) => u.slice(u.indexOf('/' + model + '/') + model.length + 2)) };
    })(${JSON.stringify({ model: setup.model, dtype: setup.dtype })})`,
  )) as { ms: number; bytes: number; files: string[] };
}

const PHASES = ['storeReadMs', 'tokenizerMs', 'engineStartMs', 'sessionCreateMs', 'warmupMs'] as const;

/** The engine's phase times of a load, each null where the build doesn't report it. */
function phaseTimes(load: AppLoad): Record<(typeof PHASES)[number], number | null> {
  return Object.fromEntries(PHASES.map((phase) => [phase, typeof load.metrics?.[phase] === 'number' ? load.metrics[phase] : null])) as Record<(typeof PHASES)[number], number | null>;
}

/** A load with the page's load phases and the renderer's peak while it ran. */
export interface MeasuredLoad extends AppLoad {
  fetchedBytes: number;
  memory: RendererPeak;
}

async function loadInNewPage(context: BrowserContext, mirror: MirrorServer, setup: GenerationSetup, query: Record<string, string> = {}, opened: Opened = {}) {
  const page = (opened.page = await context.newPage());
  const app = await openAppPage(page, setup, { query });
  mirror.requests.length = 0;
  const memory = (opened.memory = sampleRendererMemory(profileOf(context)));
  const load = await app.load();
  const measured: MeasuredLoad = { ...load, fetchedBytes: mirrorTraffic(mirror).bytes, memory: memory.peek() };
  return { page, app, load: measured, memory };
}

/**
 * `progress` gets the figures measured so far after each step, so a run stopped part-way (by the
 * clock or a signal) still writes them.
 */
export async function measureLoad(appContext: BrowserContext, barePage: Page, mirror: MirrorServer, fixturesDir: string, setup: GenerationSetup, plan: LoadPlan, progress: (partial: Record<string, unknown>) => void = () => {}) {
  const weights = weightBytes(fixturesDir, setup.model, setup.dtype);
  const partial: Record<string, unknown> = { model: setup.model, dtype: setup.dtype, threads: setup.threads, weightBytes: weights, partial: true };
  const step = (figures: Record<string, unknown>) => progress(Object.assign(partial, figures));

  // 1. First load: the download, against plain fetches of what the app fetched.
  const cold = await loadInNewPage(appContext, mirror, setup);
  cold.memory.stop();
  const fetched = mirrorTraffic(mirror);
  const bare = await openBarePage(barePage);
  const bareFetch = await bare.fetchFiles(fetched.urls);
  const download = {
    app: { bytes: fetched.bytes, ms: cold.load.downloadMs, bytesPerSecond: (fetched.bytes * 1000) / cold.load.downloadMs },
    bare: { ...bareFetch, bytesPerSecond: (bareFetch.bytes * 1000) / bareFetch.ms },
    files: fetched.urls.map((u) => repoPath(u, setup.model)),
  };
  step({ download, coldLoad: cold.load, downloadOverBareFetch: download.app.bytesPerSecond / download.bare.bytesPerSecond });

  // 2. The floor of a warm load: the same stored bytes read in the same profile.
  const storeRead = await readStore(cold.page, setup);
  await cold.page.close();
  step({ storeRead });

  // 3. The warm load and answers in a new page (a new renderer), sampled until the last answer.
  const warm = await loadInNewPage(appContext, mirror, setup);
  step({ warmLoad: warm.load, warmLoadOverStoreRead: warm.load.wallMs / storeRead.ms });
  const bareSession = await bare.load(setup);
  const loadAverages = [loadAverage()];
  const speed = await alternate(warm.app.run, bareSession.run, plan.speed.warmups, plan.speed.repeats);
  loadAverages.push(loadAverage());
  const peak = warm.memory.stop();
  await warm.page.close();
  step({ peakMemory: peak, peakMemoryOverWeights: peak.pssBytes / weights, appVsBare: { app: speed.a, bare: speed.b } });

  // 4. Levers: each a warm load in a new page with a setting forced, its memory and one answer,
  // within the lever's time limit.
  const levers: LeverRow[] = [];
  for (const lever of plan.levers) {
    const loads: MeasuredLoad[] = [];
    const opened: Opened = {};
    const abandon = async () => {
      opened.memory?.stop();
      if (opened.page) await withTimeLimit('closing the page', PAGE_CLOSE_LIMIT_MS, () => opened.page!.close());
    };
    const outcome = await settleWithin(`lever ${lever.name}`, plan.leverLimitMs, async () => {
      let answer = null;
      for (let i = 0; i < plan.leverRepeats; i++) {
        const run = await loadInNewPage(appContext, mirror, setup, lever.query, opened);
        if (i === plan.leverRepeats - 1) answer = await run.app.run();
        loads.push({ ...run.load, memory: run.memory.stop() });
        await run.page.close();
      }
      return answer!;
    });
    if (outcome.failure) {
      console.warn(`  lever ${lever.name}: ${outcome.failure.error}`);
      await abandon().catch(() => {});
    }
    levers.push({ ...lever, loads, prefillTokensPerSecond: outcome.value?.prefillTokensPerSecond ?? null, decodeTokensPerSecond: outcome.value?.decodeTokensPerSecond ?? null, failure: outcome.failure });
    step({ levers });
  }

  return {
    model: setup.model,
    dtype: setup.dtype,
    threads: setup.threads,
    weightBytes: weights,
    download,
    storeRead,
    coldLoad: cold.load,
    warmLoad: warm.load,
    phases: { warm: phaseTimes(warm.load), cold: phaseTimes(cold.load) },
    peakMemory: peak,
    appVsBare: {
      promptTokens: bareSession.promptTokens,
      newTokens: setup.newTokens,
      app: speed.a,
      bare: speed.b,
      loadAverage: loadAverages,
      ratios: {
        prefill: speed.a.median.prefillTokensPerSecond / speed.b.median.prefillTokensPerSecond,
        decode: speed.a.median.decodeTokensPerSecond / speed.b.median.decodeTokensPerSecond,
      },
    },
    levers,
    warmLoadOverStoreRead: warm.load.wallMs / storeRead.ms,
    peakMemoryOverWeights: peak.pssBytes / weights,
    peakRssOverWeights: peak.rssHighWaterBytes / weights,
    downloadOverBareFetch: download.app.bytesPerSecond / download.bare.bytesPerSecond,
  };
}

export type LoadResult = Awaited<ReturnType<typeof measureLoad>>;
