// `npm run bench`: decode and prefill speed of the app's path (the real UI in Chromium, its
// worker and engine adapter) against bare transformers.js in a plain worker, on the same model,
// backend and weights. Writes bench/results/<timestamp>.json and prints a Markdown table.
// `--tiny` measures the tiny fixture instead of the bench model; `--smoke` runs the tiny model once, to keep the harness working in CI;
// `--downloads` runs only the download comparison; `--predict` only the predicted-vs-measured decode
// speed (the hardware probe's prediction against bare transformers.js, WASM and WebGPU); no thresholds anywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { createMirrorServer } from './mirror-server';
import { DEFAULT_FIXTURES_DIR, TINY_QWEN3, ensureFixtureModels, type FixtureRepoSpec } from '../test/fixtures/model-repos';
import { median } from '../src/lib/metrics/generation-clock';
import { answerRows } from '../test/e2e/app';
import type { Backend } from '../src/lib/engines/types';
import { type PredictCase, predictTable, predictedVsMeasured } from './bench/predicted-vs-measured';

const smoke = process.argv.includes('--smoke');
/** Only the download comparison, without the generation runs. */
const downloadsOnly = process.argv.includes('--downloads');
/** Only the predicted-vs-measured section. */
const predictOnly = process.argv.includes('--predict');
const APP_PORT = 4273;
const BARE_PORT = 4274;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const QUIET_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Big enough that a token costs real compute (tens of ms on 2 cores), small enough to generate in seconds. */
const BENCH_QWEN3: FixtureRepoSpec = {
  ...TINY_QWEN3,
  id: 'fixtures/bench-qwen3',
  seed: 777,
  dims: { hiddenSize: 512, numLayers: 8, numHeads: 8, numKvHeads: 4, headDim: 64, intermediateSize: 1536, maxPositionEmbeddings: 4096 },
  dtypes: ['q8', 'q4'],
};

// --tiny: the tiny fixture with full repeats, where per-token overhead outside the model shows most.
const model = smoke || process.argv.includes('--tiny') ? TINY_QWEN3 : BENCH_QWEN3;
const repeats = smoke ? 1 : 8;
const warmups = smoke ? 1 : 3;
const newTokens = smoke ? 16 : 64;
const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Explain in a few sentences why running a language model on the device keeps data private.' },
];

/**
 * Predicted vs measured: both generated models, WASM with its default int8 and the int4 it runs
 * far slower, WebGPU (SwiftShader here: no shader-f16, so q4 rather than q4f16).
 */
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

interface Run {
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  generatedTokens: number;
}

/** A browser for one backend: WebGPU off for WASM runs (as in the e2e suite), on (SwiftShader here) for WebGPU. */
function launchFor(backend: Backend) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...QUIET_FLAGS, backend === 'wasm' ? '--disable-features=WebGPU' : '--enable-unsafe-webgpu'] });
}

/** The predicted-vs-measured section; its browsers run after the others are closed. */
async function runPredictions(mirrorUrl: string) {
  return predictedVsMeasured(PREDICT_CASES, {
    fixturesDir: DEFAULT_FIXTURES_DIR,
    bareUrl: `http://localhost:${BARE_PORT}/`,
    hub: mirrorUrl,
    launch: launchFor,
    warmups,
    repeats: smoke ? 1 : 5,
    newTokens,
    messages,
  });
}

async function main() {
  await ensureFixtureModels(DEFAULT_FIXTURES_DIR, [...new Set([model, ...PREDICT_CASES.map((c) => c.model)])]);
  if (!predictOnly) await run('npx', ['vite', 'build', '--logLevel', 'warn']);
  await run('npx', ['vite', 'build', '--config', 'scripts/bench/bare/vite.config.ts']);
  const mirror = await createMirrorServer({ root: DEFAULT_FIXTURES_DIR, port: 0 });
  const servers = [
    serve(['vite', 'preview', '--config', 'scripts/bench/bare/vite.config.ts', '--port', String(BARE_PORT), '--strictPort']),
    ...(predictOnly ? [] : [serve(['vite', 'preview', '--port', String(APP_PORT), '--strictPort'])]),
  ];
  if (predictOnly) {
    try {
      await waitForHttp(`http://localhost:${BARE_PORT}/`);
      const predictions = await runPredictions(mirror.url);
      await writeResult({ date: new Date().toISOString(), smoke, machine: machine(), predictions });
      console.log(predictTable(predictions.rows));
    } finally {
      await mirror.close();
      servers.forEach(stop);
    }
    return;
  }
  // One browser per path, each with a single foreground page: in one shared browser the page
  // not in front gets a lower scheduling priority, which skews the comparison.
  const launch = () => launchFor('wasm');
  const [browser, bareBrowser] = await Promise.all([launch(), launch()]);
  try {
    await waitForHttp(`http://localhost:${APP_PORT}/`);
    await waitForHttp(`http://localhost:${BARE_PORT}/`);
    const page = await browser.newPage();
    const threads = await threadCount(page, `http://localhost:${APP_PORT}/`);

    const barePage = await bareBrowser.newPage();
    const bare = await openBare(barePage, mirror.url, threads);
    // Downloads first: each app run empties the store and loads again, leaving the model ready.
    // Once at loopback speed, once with the mirror paced like a 100 Mbit/s line.
    const downloads = await measureDownloads(page, barePage, mirror.url);
    mirror.setFaults([{ kind: 'throttle', bytesPerSecond: LINK_100_MBIT, times: Infinity }]);
    const downloads100Mbit = await measureDownloads(page, barePage, mirror.url);
    mirror.clearFaults();
    if (downloadsOnly) {
      console.log(downloadTable('from the mirror on loopback', downloads, downloads.app.median.bytesPerSecond / downloads.bare.median.bytesPerSecond));
      console.log(downloadTable('from the mirror paced to 100 Mbit/s per file', downloads100Mbit, downloads100Mbit.app.median.bytesPerSecond / downloads100Mbit.bare.median.bytesPerSecond));
      return;
    }
    const app = await openApp(page, mirror.url);
    // WASM code tiers up from baseline to optimised while it runs, and this machine is noisy:
    // warm both paths up, then alternate them so drift hits both alike.
    for (let i = 0; i < warmups; i++) {
      await app.run();
      await bare.run();
    }
    const appRuns: Run[] = [];
    const bareRuns: Run[] = [];
    for (let i = 0; i < repeats; i++) {
      // Swap the order every round: a run right after the other path's run can inherit its
      // thread pool still spinning down.
      if (i % 2 === 0) {
        appRuns.push(await app.run());
        bareRuns.push(await bare.run());
      } else {
        bareRuns.push(await bare.run());
        appRuns.push(await app.run());
      }
    }
    const summary = (runs: Run[]) => ({
      timeToFirstTokenMs: median(runs.map((r) => r.timeToFirstTokenMs)),
      prefillTokensPerSecond: median(runs.map((r) => r.prefillTokensPerSecond)),
      decodeTokensPerSecond: median(runs.map((r) => r.decodeTokensPerSecond)),
    });
    const appSummary = summary(appRuns);
    const bareSummary = summary(bareRuns);
    await Promise.all([browser.close(), bareBrowser.close()]);
    const predictions = await runPredictions(mirror.url);
    const result = {
      date: new Date().toISOString(),
      smoke,
      machine: machine(),
      browser: `Chromium ${browser.version()}`,
      model: { id: model.id, dims: model.dims, backend: 'wasm', dtype: 'q8', threads },
      settings: { repeats, warmup: warmups, newTokens, promptTokens: bare.promptTokens, decoding: 'greedy' },
      app: { runs: appRuns, median: appSummary },
      bare: { runs: bareRuns, median: bareSummary },
      downloads: { loopback: downloads, link100Mbit: downloads100Mbit },
      predictions,
      ratios: {
        downloadAppOverBare: downloads.app.median.bytesPerSecond / downloads.bare.median.bytesPerSecond,
        download100MbitAppOverBare: downloads100Mbit.app.median.bytesPerSecond / downloads100Mbit.bare.median.bytesPerSecond,
        decodeAppOverBare: appSummary.decodeTokensPerSecond / bareSummary.decodeTokensPerSecond,
        prefillAppOverBare: appSummary.prefillTokensPerSecond / bareSummary.prefillTokensPerSecond,
      },
    };
    await writeResult(result);
    console.log(markdownTable(result));
    console.log(downloadTable('from the mirror on loopback', downloads, result.ratios.downloadAppOverBare));
    console.log(downloadTable('from the mirror paced to 100 Mbit/s per file', downloads100Mbit, result.ratios.download100MbitAppOverBare));
    console.log(predictTable(predictions.rows));
  } finally {
    await Promise.all([browser.close(), bareBrowser.close()]);
    await mirror.close();
    servers.forEach(stop);
  }
}

function machine() {
  return { platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
}

async function writeResult(result: { date: string } & Record<string, unknown>): Promise<void> {
  await mkdir('bench/results', { recursive: true });
  const file = join('bench/results', `${result.date.replaceAll(':', '-')}${smoke ? '-smoke' : ''}${predictOnly ? '-predict' : ''}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWritten to ${file}`);
}

async function threadCount(page: Page, url: string): Promise<number> {
  await page.goto(url);
  return page.evaluate(() => (crossOriginIsolated ? navigator.hardwareConcurrency : 1));
}

/** The bare reference page, loaded and ready to run one generation per call. */
async function openBare(page: Page, hub: string, threads: number) {
  await page.goto(`http://localhost:${BARE_PORT}/`);
  await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench);
  const params = { hub, model: model.id, device: 'wasm', dtype: 'q8', threads: String(threads), tokens: String(newTokens), messages: JSON.stringify(messages) };
  const info = (await page.evaluate((p) => (window as any).__bench.load(p), params)) as { promptTokens: number };
  return {
    promptTokens: info.promptTokens,
    async run(): Promise<Run> {
      return page.evaluate(() => (window as any).__bench.run()) as Promise<Run>;
    },
  };
}

interface DownloadRun {
  bytes: number;
  ms: number;
  bytesPerSecond: number;
}

const LINK_100_MBIT = 12_500_000;
const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

/**
 * Download throughput of the app's download manager (parallel, resumable, sha256-verified,
 * stored in the Cache API) against plain fetches of the same files in a bare worker, both from
 * the mirror on loopback. The app's figure is its own "download" time from the load metrics.
 */
async function measureDownloads(page: Page, barePage: Page, hub: string) {
  await openApp(page, hub, { loadNow: false });
  const urls = MODEL_FILES.map((file) => `${hub}/${model.id}/resolve/main/${file}`);
  const appRuns: DownloadRun[] = [];
  const bareRuns: DownloadRun[] = [];
  for (let i = 0; i < warmups + repeats; i++) {
    await page.evaluate(() => caches.delete('transformers-cache'));
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-ready').waitFor({ timeout: 600_000 });
    const split = await page.getByTestId('load-split').textContent();
    const appRun = { bytes: NaN, ms: parseMs(/download ([\d.]+ m?s)/.exec(split ?? '')?.[1] ?? ''), bytesPerSecond: 0 };
    const bareRun = (await barePage.evaluate((p) => (window as any).__bench.fetchFiles(p), { urls: JSON.stringify(urls) })) as DownloadRun;
    if (i < warmups) continue;
    appRuns.push(appRun);
    bareRuns.push({ ...bareRun, bytesPerSecond: (bareRun.bytes * 1000) / bareRun.ms });
  }
  for (const r of appRuns) {
    // The same files as the bare fetch, which counts their bytes.
    r.bytes = bareRuns[0].bytes;
    r.bytesPerSecond = (r.bytes * 1000) / r.ms;
  }
  const summary = (runs: DownloadRun[]) => ({
    bytes: runs[0].bytes,
    ms: median(runs.map((r) => r.ms)),
    bytesPerSecond: median(runs.map((r) => r.bytesPerSecond)),
  });
  return { files: MODEL_FILES, app: { runs: appRuns, median: summary(appRuns) }, bare: { runs: bareRuns, median: summary(bareRuns) } };
}

function parseMs(text: string): number {
  const [value, unit] = text.split(' ');
  return Number(value) * (unit === 's' ? 1000 : 1);
}

function downloadTable(link: string, downloads: Awaited<ReturnType<typeof measureDownloads>>, ratio: number): string {
  const mbps = (n: number) => (n / 2 ** 20).toFixed(1);
  return [
    '',
    `Download of ${downloads.files.length} files (${mbps(downloads.bare.median.bytes)} MiB) ${link}, median of ${repeats}`,
    '',
    '| path | ms | MiB/s |',
    '| --- | ---: | ---: |',
    `| app download manager (verify + store) | ${downloads.app.median.ms.toFixed(0)} | ${mbps(downloads.app.median.bytesPerSecond)} |`,
    `| bare fetch, same files | ${downloads.bare.median.ms.toFixed(0)} | ${mbps(downloads.bare.median.bytesPerSecond)} |`,
    `| **app / bare** | | ${ratio.toFixed(3)} |`,
  ].join('\n');
}

/** The app, driven through its UI with the same model, backend, weights and prompt. */
async function openApp(page: Page, hub: string, { loadNow = true } = {}) {
  await page.goto(`http://localhost:${APP_PORT}/?hub=${encodeURIComponent(hub)}&model=${encodeURIComponent(model.id)}`);
  await page.getByLabel(/^Temperature/).fill('0');
  await page.getByLabel('Max new tokens').fill(String(newTokens));
  await page.getByLabel('System prompt').fill(messages[0].content);
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Weights').selectOption('q8');
  if (loadNow) {
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-ready').waitFor({ timeout: 600_000 });
  }
  const table = page.getByRole('table', { name: 'Answers' });
  let answers = 0;
  return {
    async run(): Promise<Run> {
      // A new chat each time, so every run prefills the whole prompt like the bare one.
      if (answers > 0) {
        await page.getByRole('button', { name: 'New chat' }).click();
        await table.waitFor({ state: 'detached' });
      }
      await page.getByRole('textbox', { name: 'Message' }).fill(messages[1].content);
      // Wait from inside the page on DOM mutations: Playwright's own waiting polls every animation
      // frame, which would put harness work on the app's main thread while it generates.
      // (A string, because tsx would wrap named functions in a helper the page doesn't have.)
      const answered = page.evaluate(`new Promise((resolve) => {
        const rows = () => document.querySelectorAll('table[aria-label="Answers"] tbody tr').length;
        const observer = new MutationObserver(() => {
          if (rows() > 0) { observer.disconnect(); resolve(); }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      })`);
      await page.getByRole('button', { name: 'Send' }).click();
      await answered;
      answers++;
      const row = (await answerRows(page)).at(-1)!;
      return {
        timeToFirstTokenMs: Number(row.time_to_first_token_ms),
        prefillTokensPerSecond: Number(row.prefill_tokens_per_s),
        decodeTokensPerSecond: Number(row.decode_tokens_per_s),
        generatedTokens: Number(row.generated_tokens),
      };
    },
  };
}

function markdownTable(result: {
  model: { id: string; dtype: string; threads: number };
  browser: string;
  app: { median: Record<string, number> };
  bare: { median: Record<string, number> };
  ratios: Record<string, number>;
}): string {
  const f = (n: number) => n.toFixed(1);
  return [
    `${result.model.id} · WASM ${result.model.dtype} · ${result.model.threads} threads · ${result.browser} · median of ${repeats}, runs alternated`,
    '',
    '| path | TTFT ms | prefill tok/s | decode tok/s |',
    '| --- | ---: | ---: | ---: |',
    `| app (UI → worker → engine) | ${f(result.app.median.timeToFirstTokenMs)} | ${f(result.app.median.prefillTokensPerSecond)} | ${f(result.app.median.decodeTokensPerSecond)} |`,
    `| bare transformers.js worker | ${f(result.bare.median.timeToFirstTokenMs)} | ${f(result.bare.median.prefillTokensPerSecond)} | ${f(result.bare.median.decodeTokensPerSecond)} |`,
    `| **app / bare** | | ${result.ratios.prefillAppOverBare.toFixed(3)} | ${result.ratios.decodeAppOverBare.toFixed(3)} |`,
  ].join('\n');
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

/** Starts a server in its own process group, so stopping it also stops what npx started. */
function serve(args: string[]): ChildProcess {
  return spawn('npx', args, { stdio: 'ignore', detached: true });
}

function stop(server: ChildProcess): void {
  try {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

await main();
