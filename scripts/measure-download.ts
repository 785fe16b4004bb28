// A quick side measurement of the app's first load of the Qwen3-0.6B-shaped q8 model (download,
// verify, split, store) against plain fetches of the same files, and of the renderer's peak while
// it loads and answers once: the download part of `npm run bench -- --load` alone, on a build of
// the app given by folder, at a port of its own, so two builds can be compared in one sitting.
//   npx tsx scripts/measure-download.ts <built app folder> [port] [rounds] [query]
// Run it under the bench lock (flock /tmp/bench.lock …), like the bench.
import { spawn } from 'node:child_process';
import { DEFAULT_FIXTURES_DIR, ensureFixtureModels } from '../test/fixtures/model-repos';
import { createMirrorServer } from './mirror-server';
import { QWEN3_0_6B_SHAPED } from './bench/bench-models';
import { openAppPage } from './bench/app-page';
import { launchFor, loadAverage, profileOf, waitForHttp } from './bench/harness';
import { sampleRendererMemory } from './bench/renderer-memory';
import { weightBytes } from './bench/load-section';

const [outDir = 'dist', portText = '4283', roundsText = '1', queryText = ''] = process.argv.slice(2);
const port = Number(portText);
const appUrl = `http://localhost:${port}/`;
const query = Object.fromEntries(new URLSearchParams(queryText));

await ensureFixtureModels(DEFAULT_FIXTURES_DIR, [QWEN3_0_6B_SHAPED]);
const mirror = await createMirrorServer({ root: DEFAULT_FIXTURES_DIR, port: 0 });
const preview = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
try {
  await waitForHttp(appUrl);
  const setup = {
    hub: mirror.url,
    model: QWEN3_0_6B_SHAPED.id,
    backend: 'wasm' as const,
    dtype: 'q8' as const,
    threads: 2,
    newTokens: 8,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say something.' },
    ],
  };
  const weights = weightBytes(DEFAULT_FIXTURES_DIR, setup.model, setup.dtype);
  for (let round = 0; round < Number(roundsText); round++) {
    const context = await launchFor('wasm');
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (message) => logs.push(message.text()));
    page.on('worker', (worker) => worker.on('console', (message) => logs.push(message.text())));
    const app = await openAppPage(page, setup, { appUrl, query });
    mirror.requests.length = 0;
    const before = loadAverage();
    const memory = sampleRendererMemory(profileOf(context));
    const load = await app.load();
    console.log(JSON.stringify({ round, loaded: load, loadPeakPssBytes: memory.peek().pssBytes }));
    const answer = await Promise.race([app.run(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 180_000))]);
    const peak = memory.stop();
    const served = mirror.requests.filter((r) => r.bytes > 0);
    const bytes = served.reduce((sum, r) => sum + r.bytes, 0);
    const urls = [...new Set(served.map((r) => `${mirror.url}${r.path}`))];
    console.log(JSON.stringify({ round, downloadMs: load.downloadMs, phases: load.phases, logs: logs.filter((l) => l.startsWith('[measure]')) }));
    // The same files fetched plainly, read to the end and thrown away, from a page of the mirror's own origin.
    const barePage = await context.newPage();
    await barePage.goto(`${mirror.url}/${setup.model}/resolve/main/config.json`);
    const bare = (await barePage.evaluate(`(async () => {
      const start = performance.now();
      const sizes = await Promise.all(${JSON.stringify(urls)}.map(async (u) => (await (await fetch(u, { cache: 'no-store' })).arrayBuffer()).byteLength));
      return { bytes: sizes.reduce((a, b) => a + b, 0), ms: performance.now() - start };
    })()`)) as { bytes: number; ms: number };
    const stored = (await page.evaluate(`(async () => {
      const cache = await caches.open('transformers-cache');
      const out = {};
      for (const r of await cache.keys()) if (r.url.includes('/onnx/')) out[r.url.slice(r.url.indexOf('/onnx/') + 1)] = (await (await cache.match(r)).blob()).size;
      return out;
    })()`)) as Record<string, number>;
    console.log(
      JSON.stringify({
        round,
        outDir,
        loadAverage: [before, loadAverage()],
        downloadMs: load.downloadMs,
        bytes,
        bareMs: bare.ms,
        downloadOverBareFetch: bare.ms / load.downloadMs,
        phases: load.phases,
        peakPssBytes: peak.pssBytes,
        peakOverWeights: peak.pssBytes / weights,
        prefill: answer?.prefillTokensPerSecond ?? null,
        decode: answer?.decodeTokensPerSecond ?? null,
        stored,
        logs: logs.filter((l) => l.startsWith('[measure]')),
      }),
    );
    await context.close();
  }
} finally {
  if (preview.pid) process.kill(-preview.pid);
  await mirror.close();
}
