// Bench figures about the page rather than the model's speed: re-opening a stored model, the
// main thread while tokens stream, the JavaScript a first visit downloads, memory over many
// generations.
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from '@playwright/test';
import { median } from '../../src/lib/metrics/statistics';
import type { MirrorServer } from '../mirror-server';
import { openAppPage, type AppLoad } from './app-page';
import { type GenerationSetup, openBarePage } from './bare-page';
import { APP_URL } from './harness';

/** Bytes the mirror served since the log was last emptied: what a load took from the network. */
function mirrorBytes(mirror: MirrorServer): number {
  return mirror.requests.reduce((sum, r) => sum + r.bytes, 0);
}

/**
 * Re-opening a model already stored: the app in a new page of the same profile (the model is in
 * its store) against bare transformers.js loading from its own browser cache. Bytes counted at
 * the mirror, so worker and service-worker fetches are all seen.
 */
export async function measureCachedReopen(appContext: BrowserContext, barePage: Page, mirror: MirrorServer, setup: GenerationSetup, repeats: number) {
  const appRuns: (AppLoad & { fetchedBytes: number })[] = [];
  for (let i = 0; i < repeats; i++) {
    const page = await appContext.newPage();
    const app = await openAppPage(page, setup);
    mirror.requests.length = 0;
    const load = await app.load();
    appRuns.push({ ...load, fetchedBytes: mirrorBytes(mirror) });
    await page.close();
  }
  const bareRuns: { loadMs: number; fetchedBytes: number }[] = [];
  // The first load fills transformers.js' cache if an earlier section has not.
  await barePage.goto('about:blank');
  await (await openBarePage(barePage)).load(setup);
  for (let i = 0; i < repeats; i++) {
    // A fresh page each time, like the app's: a new worker that starts onnxruntime again.
    await barePage.goto('about:blank');
    const bare = await openBarePage(barePage);
    mirror.requests.length = 0;
    const session = await bare.load(setup);
    bareRuns.push({ loadMs: session.loadMs, fetchedBytes: mirrorBytes(mirror) });
  }
  const app = {
    wallMs: median(appRuns.map((r) => r.wallMs)),
    withoutWarmupMs: median(appRuns.map((r) => r.downloadMs + r.sessionInitMs)),
    warmupMs: median(appRuns.map((r) => r.warmupMs)),
    fetchedBytes: Math.max(...appRuns.map((r) => r.fetchedBytes)),
  };
  const bare = { loadMs: median(bareRuns.map((r) => r.loadMs)), fetchedBytes: Math.max(...bareRuns.map((r) => r.fetchedBytes)) };
  return {
    model: setup.model,
    dtype: setup.dtype,
    app: { runs: appRuns, median: app },
    bare: { runs: bareRuns, median: bare },
    // The app's ready includes a two-token warm-up pass that the bare path pays in its first answer instead.
    appOverBareWithoutWarmup: app.withoutWarmupMs / bare.loadMs,
    appOverBareWithWarmup: app.wallMs / bare.loadMs,
  };
}

/**
 * Main-thread tasks over 50 ms from the Send click until the answer's metrics row is shown (Long
 * Tasks API, in the page). The harness's own clicks before and after stay outside that window.
 * The first answers run while the browser is still compiling the WASM kernels to optimised code
 * on the same cores, so they are reported apart from the steady state that the goal is about.
 */
export async function measureLongTasks(page: Page, setup: Omit<GenerationSetup, 'threads'>, { warmups, answers }: { warmups: number; answers: number }) {
  const app = await openAppPage(page, setup);
  await app.load();
  await page.evaluate(`(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration }); })
      .observe({ type: 'longtask' });
  })()`);
  const perAnswer: { warmup: boolean; tokens: number; decodeTokensPerSecond: number; longTasks: number; longestMs: number }[] = [];
  for (let i = 0; i < warmups + answers; i++) {
    const run = await app.run();
    const [sentAt, shownAt] = run.window;
    const all = (await page.evaluate('window.__longTasks.splice(0)')) as { start: number; ms: number }[];
    const tasks = all.filter((t) => t.start + t.ms >= sentAt && t.start <= shownAt);
    perAnswer.push({ warmup: i < warmups, tokens: run.generatedTokens, decodeTokensPerSecond: run.decodeTokensPerSecond, longTasks: tasks.length, longestMs: Math.max(0, ...tasks.map((t) => t.ms)) });
  }
  const measured = perAnswer.filter((a) => !a.warmup);
  const warm = perAnswer.filter((a) => a.warmup);
  return {
    model: setup.model,
    answers: perAnswer,
    total: measured.reduce((n, a) => n + a.longTasks, 0),
    longestMs: Math.max(0, ...measured.map((a) => a.longestMs)),
    duringWarmup: warm.reduce((n, a) => n + a.longTasks, 0),
  };
}

/**
 * JavaScript a first visit downloads before any model or engine loads: every script response of
 * a fresh profile (given with service workers blocked) until the network is idle, gzip-compressed here (level 9, as a host that
 * pre-compresses would serve it). The service worker is blocked so its background precache of the
 * engine chunks for offline use is not counted as page weight.
 */
export async function measureInitialJs(context: BrowserContext, appUrl = APP_URL) {
  const page = await context.newPage();
  const scripts: { url: string; bytes: number; gzipBytes: number }[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    const url = response.url();
    if (type !== 'script' && !/\.m?js(\?|$)/.test(url)) return;
    // Caught here, not only where awaited below: if the page or browser goes away mid-load, the
    // navigation throws first and nothing would ever await these, so the body's rejection would
    // end the whole bench process past its cleanup.
    const body = response.body().then((bytes) => {
      scripts.push({ url: url.replace(appUrl, '/'), bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
    });
    body.catch(() => {});
    pending.push(body);
  });
  await page.goto(appUrl, { waitUntil: 'networkidle' });
  await Promise.all(pending);
  scripts.sort((a, b) => b.gzipBytes - a.gzipBytes);
  return { scripts, bytes: scripts.reduce((n, s) => n + s.bytes, 0), gzipBytes: scripts.reduce((n, s) => n + s.gzipBytes, 0) };
}

interface MemorySample {
  /**
   * performance.measureUserAgentSpecificMemory(), split by realm. It answers only when every
   * worker has reached a safe point; onnxruntime's pool threads sleep in Atomics.wait, so each
   * sample waits for the browser's timeout (about a minute).
   */
  pageBytes: number;
  workerBytes: number;
  totalBytes: number;
}

async function sampleMemory(page: Page): Promise<MemorySample> {
  return (await page.evaluate(`(async () => {
    const result = await performance.measureUserAgentSpecificMemory();
    let pageBytes = 0, workerBytes = 0;
    for (const entry of result.breakdown) {
      const scopes = entry.attribution.map((a) => a.scope);
      if (scopes.includes('DedicatedWorkerGlobalScope')) workerBytes += entry.bytes;
      else if (scopes.includes('Window')) pageBytes += entry.bytes;
    }
    return { pageBytes, workerBytes, totalBytes: result.bytes };
  })()`)) as MemorySample;
}

/**
 * Many generations in one loaded session, each in a new chat: memory of the page and its
 * workers after the first few answers (caches and JIT warm) against after the last.
 */
export async function measureSoak(page: Page, setup: Omit<GenerationSetup, 'threads'>, generations: number) {
  const app = await openAppPage(page, setup);
  await app.load();
  const settle = 5;
  for (let i = 0; i < settle; i++) await app.run();
  const start = await sampleMemory(page);
  const decode: number[] = [];
  const startedAt = Date.now();
  for (let i = settle; i < generations; i++) decode.push((await app.run()).decodeTokensPerSecond);
  const end = await sampleMemory(page);
  const growth = (a: number, b: number) => (a > 0 ? (b - a) / a : NaN);
  return {
    model: setup.model,
    generations,
    newTokens: setup.newTokens,
    seconds: (Date.now() - startedAt) / 1000,
    start,
    end,
    growth: { page: growth(start.pageBytes, end.pageBytes), worker: growth(start.workerBytes, end.workerBytes), total: growth(start.totalBytes, end.totalBytes) },
    decodeTokensPerSecond: { first20: median(decode.slice(0, 20)), last20: median(decode.slice(-20)) },
  };
}
