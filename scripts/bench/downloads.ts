// Download throughput of the app's download manager (parallel, resumable, sha256-verified,
// stored in the Cache API) against plain fetches of the same files in the bare page, both from
// the mirror. The app's figure is its own "download" time from the load metrics.
import type { Page } from '@playwright/test';
import { median } from '../../src/lib/metrics/statistics';
import { openAppPage } from './app-page';
import { type GenerationSetup, openBarePage } from './bare-page';

interface DownloadRun {
  bytes: number;
  ms: number;
  bytesPerSecond: number;
}

const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

export async function measureDownloads(page: Page, barePage: Page, setup: GenerationSetup, { warmups, repeats }: { warmups: number; repeats: number }) {
  const app = await openAppPage(page, setup);
  const bare = await openBarePage(barePage);
  const urls = MODEL_FILES.map((file) => `${setup.hub}/${setup.model}/resolve/main/${file}`);
  const appRuns: DownloadRun[] = [];
  const bareRuns: DownloadRun[] = [];
  for (let i = 0; i < warmups + repeats; i++) {
    // Each app run empties the store and loads again, leaving the model ready.
    await page.evaluate(() => caches.delete('transformers-cache'));
    const load = await app.load();
    const bareRun = await bare.fetchFiles(urls);
    if (i < warmups) continue;
    // The same files as the bare fetch, which counts their bytes.
    appRuns.push({ bytes: bareRun.bytes, ms: load.downloadMs, bytesPerSecond: (bareRun.bytes * 1000) / load.downloadMs });
    bareRuns.push({ ...bareRun, bytesPerSecond: (bareRun.bytes * 1000) / bareRun.ms });
  }
  const summary = (runs: DownloadRun[]) => ({
    bytes: runs[0].bytes,
    ms: median(runs.map((r) => r.ms)),
    bytesPerSecond: median(runs.map((r) => r.bytesPerSecond)),
  });
  const appMedian = summary(appRuns);
  const bareMedian = summary(bareRuns);
  return {
    model: setup.model,
    files: MODEL_FILES,
    app: { runs: appRuns, median: appMedian },
    bare: { runs: bareRuns, median: bareMedian },
    appOverBare: appMedian.bytesPerSecond / bareMedian.bytesPerSecond,
  };
}

export type DownloadResult = Awaited<ReturnType<typeof measureDownloads>>;
