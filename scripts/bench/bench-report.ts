// The Markdown summary of a bench run: one table of the figures with their goals, then a table
// per section. Goals are reported as met or not; nothing here fails a run.
import type { DownloadResult } from './downloads';
import { type LlamaCppResult, llamaCppMarkdown } from './llamacpp-report';
import type { LoadResult } from './load-section';
import type { measureNative } from './native-onnxruntime';
import type { measureCachedReopen, measureInitialJs, measureLongTasks, measureSoak } from './page-sections';
import type { PredictRow } from './predicted-vs-measured';
import { predictTable } from './predicted-vs-measured';
import type { measureAppVsBare, measureDtypeSweep, measureThreadScaling } from './speed-sections';
import type { measureQwen35 } from './qwen35-section';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>> | null;

/** A run's figures; a focused run (or one that died part-way) has only some of them. */
export interface BenchFigures {
  date?: string;
  smoke?: boolean;
  machine?: { platform: string; cpus: number; cpuModel?: string; memoryGiB: number; node: string };
  browser?: string;
  appVsBare?: Result<typeof measureAppVsBare>;
  appVsBareGlm?: Result<typeof measureAppVsBare>;
  qwen35?: Result<typeof measureQwen35>;
  threadScaling?: Result<typeof measureThreadScaling>;
  dtypeSweep?: { wasm: Result<typeof measureDtypeSweep>; webgpu: (Awaited<ReturnType<typeof measureDtypeSweep>> & { adapter: { detail: string; isFallbackAdapter: boolean; shaderF16: boolean } }) | null };
  native?: (Awaited<ReturnType<typeof measureNative>> & { browser: { prefillTokensPerSecond: number; decodeTokensPerSecond: number } | null; browserOverNative: { prefill: number; decode: number } | null })[] | null;
  cachedReopen?: Result<typeof measureCachedReopen>;
  longTasks?: Result<typeof measureLongTasks>;
  initialJs?: Result<typeof measureInitialJs>;
  soak?: Result<typeof measureSoak>;
  downloads?: DownloadResult | null;
  /** A load section stopped part-way holds `partial: true` and only the figures it reached. */
  load?: LoadResult | (Partial<LoadResult> & { partial: true }) | null;
  predictions?: { rows: PredictRow[] } | null;
  /** A llama.cpp section stopped part-way holds `partial: true` and only the figures it reached. */
  llamacpp?: LlamaCppResult | { partial: true } | null;
  errors: Record<string, string>;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const pct = (n: number) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)}%` : '–');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const ms = (n: number) => (!Number.isFinite(n) ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);
const met = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'yes' : '**no**');

export function benchMarkdown(r: BenchFigures): string {
  const lines: string[] = [];
  lines.push(`# Bench ${r.date ?? ''}${r.smoke ? ' (smoke: tiny models, no goals)' : ''}`);
  lines.push('');
  if (r.machine) lines.push(`${r.machine.cpus} × ${r.machine.cpuModel ?? 'CPU'}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}, ${r.browser ?? 'browser not started'}, Node ${r.machine.node}. Medians of repeats.`);
  lines.push('');
  lines.push('| figure | measured | goal | met |');
  lines.push('| --- | ---: | ---: | :---: |');
  const row = (figure: string, measured: string, goal: string, ok: boolean | null) => lines.push(`| ${figure} | ${measured} | ${goal} | ${r.smoke ? 'n/a' : met(ok)} |`);
  for (const avb of [r.appVsBare, r.appVsBareGlm]) {
    if (!avb) continue;
    row(`app / bare prefill, ${avb.model} ${avb.dtype}`, f2(avb.ratios.prefill), '≥ 0.97', avb.ratios.prefill >= 0.97);
    row(`app / bare decode, ${avb.model} ${avb.dtype}`, f2(avb.ratios.decode), '≥ 0.97', avb.ratios.decode >= 0.97);
  }
  if (r.qwen35) {
    const q = r.qwen35;
    row(`app / bare prefill, ${q.model} ${q.dtype}`, f2(q.ratios.prefill), '≥ 0.97', q.ratios.prefill >= 0.97);
    row(`app / bare decode, ${q.model} ${q.dtype}`, f2(q.ratios.decode), '≥ 0.97', q.ratios.decode >= 0.97);
    row(`app / bare encode time, ${q.picture.size} picture`, f2(q.ratios.encodeTime), '≤ 1.03', q.ratios.encodeTime <= 1.03);
  }
  if (r.threadScaling) {
    const t = r.threadScaling;
    row(`WASM ${t.threads} threads / 1 thread, prefill`, `${f2(t.speedup.prefill)}×`, '≥ 1.7×', t.speedup.prefill >= 1.7);
    row(`WASM ${t.threads} threads / 1 thread, decode`, `${f2(t.speedup.decode)}×`, '–', null);
  }
  for (const sweep of [r.dtypeSweep?.wasm, r.dtypeSweep?.webgpu]) {
    if (!sweep) continue;
    row(`app's ${sweep.backend} weights = fastest decode`, `${sweep.appChoice} (fastest: ${sweep.fastestDecode})`, 'same', sweep.appChoiceIsFastest);
  }
  for (const n of r.native ?? []) {
    if (!n.browserOverNative) continue;
    row(`browser WASM / native, ${n.dtype} decode`, f2(n.browserOverNative.decode), '≥ 0.5', n.browserOverNative.decode >= 0.5);
    row(`browser WASM / native, ${n.dtype} prefill`, f2(n.browserOverNative.prefill), '≥ 0.5', n.browserOverNative.prefill >= 0.5);
  }
  if (r.cachedReopen) {
    const c = r.cachedReopen;
    row('cached reopen: bytes fetched', String(c.app.median.fetchedBytes), '0', c.app.median.fetchedBytes === 0);
    row('cached reopen: app ready / bare session (without warm-up)', f2(c.appOverBareWithoutWarmup), '≤ 1.2', c.appOverBareWithoutWarmup <= 1.2);
    row('cached reopen: app ready / bare session (with warm-up)', f2(c.appOverBareWithWarmup), '–', null);
  }
  if (r.longTasks) {
    const lt = r.longTasks;
    const counted = lt.answers.filter((a) => !a.warmup).length;
    row(`main-thread long tasks while streaming (${counted} answers after ${lt.answers.length - counted} warm-up)`, `${lt.total}${lt.total ? ` (longest ${ms(lt.longestMs)})` : ''}`, '0', lt.total === 0);
    row('main-thread long tasks during the warm-up answers', String(lt.duringWarmup), '–', null);
  }
  if (r.initialJs) row('initial JavaScript, gzip', kb(r.initialJs.gzipBytes), '≤ 120 KB', r.initialJs.gzipBytes <= 120 * 1024);
  if (r.soak) {
    row(`soak ${r.soak.generations} generations: page memory growth`, pct(r.soak.growth.page), '< 10%', r.soak.growth.page < 0.1);
    row(`soak ${r.soak.generations} generations: worker memory growth`, pct(r.soak.growth.worker), '< 10%', r.soak.growth.worker < 0.1);
  }
  if (r.load && 'partial' in r.load) {
    const l = r.load;
    if (l.warmLoadOverStoreRead !== undefined) row(`warm load / store read, ${l.model} ${l.dtype}`, f2(l.warmLoadOverStoreRead), '≤ 4', l.warmLoadOverStoreRead <= 4);
    if (l.peakMemoryOverWeights !== undefined) row(`renderer peak memory / weights, ${l.model} ${l.dtype}`, f2(l.peakMemoryOverWeights), '≤ 1.6', l.peakMemoryOverWeights <= 1.6);
    if (l.downloadOverBareFetch !== undefined) row(`download / bare fetch, ${l.model} ${l.dtype}`, f2(l.downloadOverBareFetch), '≥ 0.8', l.downloadOverBareFetch >= 0.8);
  } else if (r.load) {
    const l = r.load;
    row(`warm load / store read, ${l.model} ${l.dtype}`, f2(l.warmLoadOverStoreRead), '≤ 4', l.warmLoadOverStoreRead <= 4);
    row(`renderer peak memory / weights, ${l.model} ${l.dtype}`, f2(l.peakMemoryOverWeights), '≤ 1.6', l.peakMemoryOverWeights <= 1.6);
    row(`download / bare fetch, ${l.model} ${l.dtype}`, f2(l.downloadOverBareFetch), '≥ 0.8', l.downloadOverBareFetch >= 0.8);
    row(`app / bare prefill (load section), ${l.model} ${l.dtype}`, f2(l.appVsBare.ratios.prefill), '≥ 0.95', l.appVsBare.ratios.prefill >= 0.95);
    row(`app / bare decode (load section), ${l.model} ${l.dtype}`, f2(l.appVsBare.ratios.decode), '≥ 0.95', l.appVsBare.ratios.decode >= 0.95);
  }
  for (const lever of r.load && !('partial' in r.load) ? r.load.levers : []) {
    if (lever.failure) row(`load lever "${lever.name}"`, lever.failure.error.split('\n')[0], '–', false);
  }
  if (r.llamacpp && !('partial' in r.llamacpp)) {
    const onnx = r.llamacpp.variants.find((v) => v.engine === 'onnxruntime')?.name ?? 'onnxruntime';
    for (const [name, ratio] of Object.entries(r.llamacpp.ratios)) {
      row(`${name} / ${onnx}, decode tok/s (${r.llamacpp.shape} shape)`, f2(ratio.decode), '–', null);
      row(`${name} / ${onnx}, prefill tok/s`, f2(ratio.prefill), '–', null);
      row(`${name} / ${onnx}, warm load time`, f2(ratio.warmLoad), '–', null);
      row(`${name} / ${onnx}, renderer peak`, f2(ratio.peakMemory), '–', null);
    }
  }
  for (const name of Object.keys(r.errors)) row(`section failed: ${name}`, 'error', '–', false);

  for (const avb of [r.appVsBare, r.appVsBareGlm]) {
    if (!avb) continue;
    lines.push('', `## App vs bare transformers.js — ${avb.model}, WASM ${avb.dtype}, ${avb.threads} threads, ${avb.promptTokens}-token prompt, ${avb.newTokens} new tokens, ${avb.app.runs.length} runs each, alternated`, '');
    lines.push('| path | TTFT | prefill tok/s | decode tok/s |', '| --- | ---: | ---: | ---: |');
    lines.push(`| app (UI → worker → engine) | ${ms(avb.app.median.timeToFirstTokenMs)} | ${f1(avb.app.median.prefillTokensPerSecond)} | ${f1(avb.app.median.decodeTokensPerSecond)} |`);
    lines.push(`| bare transformers.js worker | ${ms(avb.bare.median.timeToFirstTokenMs)} | ${f1(avb.bare.median.prefillTokensPerSecond)} | ${f1(avb.bare.median.decodeTokensPerSecond)} |`);
    lines.push(`| **app / bare** | | ${f2(avb.ratios.prefill)} | ${f2(avb.ratios.decode)} |`);
  }
  if (r.qwen35) {
    const q = r.qwen35;
    const s = q.sessions;
    lines.push('', `## Qwen3.5 app vs bare transformers.js — ${q.model}, WASM decoder ${s.decoder_model_merged} · embeddings ${s.embed_tokens} · vision ${s.vision_encoder}, ${q.threads} threads, ${q.promptTokens}-token prompt, ${q.newTokens} new tokens, ${q.app.runs.length} runs each, alternated`, '');
    lines.push(`| path | TTFT | prefill tok/s | decode tok/s | encode ${q.picture.size} |`, '| --- | ---: | ---: | ---: | ---: |');
    lines.push(`| app (UI → worker → engine) | ${ms(q.app.median.timeToFirstTokenMs)} | ${f1(q.app.median.prefillTokensPerSecond)} | ${f1(q.app.median.decodeTokensPerSecond)} | ${ms(q.picture.app.medianEncodeMs)} |`);
    lines.push(`| bare transformers.js worker | ${ms(q.bare.median.timeToFirstTokenMs)} | ${f1(q.bare.median.prefillTokensPerSecond)} | ${f1(q.bare.median.decodeTokensPerSecond)} | ${ms(q.picture.bare.medianEncodeMs)} |`);
    lines.push(`| **app / bare** | | ${f2(q.ratios.prefill)} | ${f2(q.ratios.decode)} | ${f2(q.ratios.encodeTime)} (time) |`);
    lines.push('', `Picture: pixel_values [${q.picture.pixelValues?.join(', ') ?? '?'}] → image_features [${q.picture.imageFeatures?.join(', ') ?? '?'}], ${q.picture.imageTokens ?? '?'} image tokens in the app's prompt; ${q.picture.app.runs.length} encodes each.`);
  }
  if (r.threadScaling) {
    const t = r.threadScaling;
    lines.push('', `## WASM threads — ${t.model} ${t.dtype}, bare transformers.js`, '');
    lines.push('| threads | prefill tok/s | decode tok/s |', '| ---: | ---: | ---: |');
    lines.push(`| ${t.threads} | ${f1(t.all.median.prefillTokensPerSecond)} | ${f1(t.all.median.decodeTokensPerSecond)} |`);
    lines.push(`| 1 | ${f1(t.one.median.prefillTokensPerSecond)} | ${f1(t.one.median.decodeTokensPerSecond)} |`);
  }
  for (const sweep of [r.dtypeSweep?.wasm, r.dtypeSweep?.webgpu]) {
    if (!sweep) continue;
    const adapter = 'adapter' in sweep ? ` (${(sweep as { adapter: { detail: string } }).adapter.detail})` : '';
    lines.push('', `## Weights on ${sweep.backend}${adapter} — ${sweep.model}, ${sweep.newTokens} new tokens`, '');
    lines.push('| weights | load | prefill tok/s | decode tok/s | app picks |', '| --- | ---: | ---: | ---: | :---: |');
    for (const d of sweep.rows) lines.push(`| ${d.dtype} | ${ms(d.loadMs)} | ${f1(d.median.prefillTokensPerSecond)} | ${f1(d.median.decodeTokensPerSecond)} | ${d.dtype === sweep.appChoice ? '✓' : ''} |`);
  }
  if (r.native && r.native.length > 0) {
    lines.push('', `## Browser WASM vs native onnxruntime-node — ${r.native[0].model}, ${r.native[0].threads} threads, same transformers.js loop`, '');
    lines.push('| weights | browser prefill | native prefill | browser decode | native decode | browser / native decode |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const n of r.native) {
      lines.push(`| ${n.dtype} | ${f1(n.browser?.prefillTokensPerSecond ?? NaN)} | ${f1(n.median.prefillTokensPerSecond)} | ${f1(n.browser?.decodeTokensPerSecond ?? NaN)} | ${f1(n.median.decodeTokensPerSecond)} | ${f2(n.browserOverNative?.decode ?? NaN)} |`);
    }
  }
  if (r.cachedReopen) {
    const c = r.cachedReopen;
    lines.push('', `## Re-opening a stored model — ${c.model} ${c.dtype}`, '');
    lines.push('| path | ready | of which warm-up | bytes from the network |', '| --- | ---: | ---: | ---: |');
    lines.push(`| app: Load → ready | ${ms(c.app.median.wallMs)} | ${ms(c.app.median.warmupMs)} | ${c.app.median.fetchedBytes} |`);
    lines.push(`| app: store read + session | ${ms(c.app.median.withoutWarmupMs)} | | |`);
    lines.push(`| bare from_pretrained from its cache | ${ms(c.bare.median.loadMs)} | | ${c.bare.median.fetchedBytes} |`);
  }
  if (r.initialJs) {
    lines.push('', `## Initial JavaScript (${r.initialJs.scripts.length} files, ${kb(r.initialJs.bytes)} raw, ${kb(r.initialJs.gzipBytes)} gzip)`, '');
    lines.push('| file | raw | gzip |', '| --- | ---: | ---: |');
    for (const s of r.initialJs.scripts) lines.push(`| ${s.url} | ${kb(s.bytes)} | ${kb(s.gzipBytes)} |`);
  }
  if (r.soak) {
    const s = r.soak;
    lines.push('', `## Soak — ${s.generations} generations of ${s.newTokens} tokens, ${s.model}, ${f1(s.seconds)} s`, '');
    lines.push('| memory | after 5 | after all | growth |', '| --- | ---: | ---: | ---: |');
    lines.push(`| page | ${mib(s.start.pageBytes)} | ${mib(s.end.pageBytes)} | ${pct(s.growth.page)} |`);
    lines.push(`| workers | ${mib(s.start.workerBytes)} | ${mib(s.end.workerBytes)} | ${pct(s.growth.worker)} |`);
    lines.push(`| all | ${mib(s.start.totalBytes)} | ${mib(s.end.totalBytes)} | ${pct(s.growth.total)} |`);
    lines.push('', `Decode: ${f1(s.decodeTokensPerSecond.first20)} tok/s over the first 20, ${f1(s.decodeTokensPerSecond.last20)} over the last 20.`);
  }
  if (r.downloads) {
    const d = r.downloads;
    lines.push('', `## Download from the mirror on loopback — ${d.model}, ${mib(d.bare.median.bytes)}`, '');
    lines.push('| path | time | MiB/s |', '| --- | ---: | ---: |');
    lines.push(`| app download manager (verify + store) | ${ms(d.app.median.ms)} | ${f1(d.app.median.bytesPerSecond / 2 ** 20)} |`);
    lines.push(`| bare fetch, same files | ${ms(d.bare.median.ms)} | ${f1(d.bare.median.bytesPerSecond / 2 ** 20)} |`);
  }
  if (r.load && !('partial' in r.load)) lines.push('', ...loadMarkdown(r.load));
  else if (r.load) lines.push('', '## Loading (stopped part-way: the figures reached are in the JSON)');
  if (r.llamacpp && !('partial' in r.llamacpp)) lines.push('', ...llamaCppMarkdown(r.llamacpp));
  else if (r.llamacpp) lines.push('', '## llama.cpp against onnxruntime (stopped part-way: the figures reached are in the JSON)');
  if (r.predictions) lines.push('', '## Predicted vs measured decode', '', predictTable(r.predictions.rows));
  if (Object.keys(r.errors).length > 0) {
    lines.push('', '## Failed sections', '');
    // The first line of each error: the JSON has the whole stack.
    for (const [name, error] of Object.entries(r.errors)) lines.push(`- **${name}**: ${error.split('\n')[0]}`);
  }
  return lines.join('\n');
}

function loadMarkdown(l: LoadResult): string[] {
  const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
  const lines = [`## Loading — ${l.model} ${l.dtype}, WASM, ${l.threads} threads, ${mib(l.weightBytes)} of weights`, ''];
  lines.push('| step | time | of it | memory peak (renderer PSS / RSS high-water) |', '| --- | ---: | --- | ---: |');
  const phases = (p: Record<string, number>) => Object.entries(p).map(([name, t]) => `${name} ${ms(t)}`).join(', ');
  lines.push(`| first load (download, verify, store, session) | ${ms(l.coldLoad.wallMs)} | ${phases(l.coldLoad.phases)} | ${gib(l.coldLoad.memory.pssBytes)} / ${gib(l.coldLoad.memory.rssHighWaterBytes)} |`);
  lines.push(`| store read: every stored file to its end (${mib(l.storeRead.bytes)}) | ${ms(l.storeRead.ms)} | | |`);
  lines.push(`| warm load: Load → ready, new page | ${ms(l.warmLoad.wallMs)} | ${phases(l.warmLoad.phases)} | ${gib(l.warmLoad.memory.pssBytes)} / ${gib(l.warmLoad.memory.rssHighWaterBytes)} |`);
  lines.push(`| warm load and ${l.appVsBare.app.runs.length + 1}+ answers | | | ${gib(l.peakMemory.pssBytes)} / ${gib(l.peakMemory.rssHighWaterBytes)} |`);
  lines.push('', '| figure | value |', '| --- | ---: |');
  lines.push(`| warm load / store read | ${f2(l.warmLoadOverStoreRead)} |`);
  lines.push(`| renderer peak PSS / weights (RSS high-water / weights) | ${f2(l.peakMemoryOverWeights)} (${f2(l.peakRssOverWeights)}) |`);
  lines.push(`| download / bare fetch (${f1(l.download.app.bytesPerSecond / 2 ** 20)} / ${f1(l.download.bare.bytesPerSecond / 2 ** 20)} MiB/s, ${mib(l.download.app.bytes)}) | ${f2(l.downloadOverBareFetch)} |`);
  const s = l.appVsBare;
  lines.push(`| app / bare prefill (${f1(s.app.median.prefillTokensPerSecond)} / ${f1(s.bare.median.prefillTokensPerSecond)} tok/s) | ${f2(s.ratios.prefill)} |`);
  lines.push(`| app / bare decode (${f1(s.app.median.decodeTokensPerSecond)} / ${f1(s.bare.median.decodeTokensPerSecond)} tok/s) | ${f2(s.ratios.decode)} |`);
  if (l.levers.length > 0) {
    lines.push('', '### Levers: warm loads with a setting forced (new page each)', '');
    lines.push('| setting | Load → ready | phases (last load) | renderer peak | prefill tok/s | decode tok/s |', '| --- | ---: | --- | ---: | ---: | ---: |');
    lines.push(`| default | ${ms(l.warmLoad.wallMs)} | ${phases(l.warmLoad.phases)} | ${gib(l.peakMemory.pssBytes)} | ${f1(s.app.median.prefillTokensPerSecond)} | ${f1(s.app.median.decodeTokensPerSecond)} |`);
    for (const lever of l.levers) {
      const last = lever.loads.at(-1);
      // A lever that ran out of time or failed says so where its next figure would be.
      const wall = [...lever.loads.map((x) => ms(x.wallMs)), ...(lever.failure ? [lever.failure.error.split('\n')[0]] : [])].join(', ');
      const peak = lever.loads.length > 0 ? gib(Math.max(...lever.loads.map((x) => x.memory.pssBytes))) : '–';
      lines.push(`| ${lever.name} | ${wall} | ${last ? phases(last.phases) : ''} | ${peak} | ${f1(lever.prefillTokensPerSecond ?? NaN)} | ${f1(lever.decodeTokensPerSecond ?? NaN)} |`);
    }
  }
  return lines;
}
