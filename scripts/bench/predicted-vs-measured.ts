// `npm run bench` (or `-- --predict` alone): the app's hardware probe and speed prediction
// against measured decode speed. In one browser per backend, the probe worker times its
// micro-benchmarks, then bare transformers.js generates with each generated model; the prediction
// is computed from the model's config.json (and, in a second column, also from its ONNX graph's
// node count) and compared with the measured median.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import * as onnxProtoNs from 'onnx-proto';
import type { Backend } from '../../src/lib/engines/types';
import { shapeFromConfig } from '../../src/lib/hardware/model-shapes';
import type { ProbeResult } from '../../src/lib/hardware/probe/probe-runner';
import { type DecodePrediction, predictDecode, predictPrefill } from '../../src/lib/hardware/speed-prediction';
import { median } from '../../src/lib/metrics/statistics';
import { DTYPE_FILES, type FixtureDtype, type FixtureRepoSpec } from '../../test/fixtures/model-repos';

type OnnxNs = typeof onnxProtoNs.onnx;
const onnx: OnnxNs = (onnxProtoNs as unknown as { default?: { onnx?: OnnxNs } }).default?.onnx ?? onnxProtoNs.onnx;

export interface PredictCase {
  model: FixtureRepoSpec;
  backend: Backend;
  dtype: FixtureDtype;
  /** Fewer tokens and runs where a run takes minutes (a bigger model on a software GPU). */
  newTokens?: number;
  repeats?: number;
}

export interface PredictSettings {
  fixturesDir: string;
  bareUrl: string;
  hub: string;
  launch(backend: Backend): Promise<BrowserContext>;
  warmups: number;
  repeats: number;
  newTokens: number;
  messages: { role: string; content: string }[];
}

interface MeasuredRun {
  decodeTokensPerSecond: number;
  prefillTokensPerSecond: number;
  /** onnxruntime's share of a decode step (median `session.run`); the rest is transformers.js. */
  decodeRunMs: number;
}

export interface PredictRow {
  model: string;
  backend: Backend;
  dtype: FixtureDtype;
  threads: number;
  promptTokens: number;
  newTokens: number;
  repeats: number;
  contextTokens: number;
  measured: { decodeTokensPerSecond: number; prefillTokensPerSecond: number; decodeRunMs: number; runs: MeasuredRun[] };
  /** From config.json alone, as the catalog predicts before a download. */
  fromShape: DecodePrediction;
  /** Also knowing the ONNX graph: its node count and lm_head's format. */
  fromGraph: DecodePrediction;
  prefillFromGraph: number;
  /**
   * The machine's 1-minute load average before and after the runs: above the core count other
   * work competed with them (the probe ran earlier, so it may have seen a different load).
   */
  loadAverage: [number, number];
  /** (predicted − measured) / measured, decode, graph-aware prediction. */
  decodeError: number;
  decodeErrorFromShape: number;
  prefillError: number;
}

/** Node count and lm_head format read from the model file, like the app can once it is stored. */
async function graphFacts(dir: string, dtype: FixtureDtype) {
  const model = onnx.ModelProto.decode(await readFile(join(dir, DTYPE_FILES[dtype])));
  const graph = model.graph!;
  const lmHead = graph.initializer!.find((t) => t.name?.startsWith('lm_head.weight'))?.name ?? '';
  const lmHeadDtype = lmHead.endsWith('_Q4') ? 'q4' : lmHead.endsWith('_quantized') ? 'q8' : 'fp32';
  const q8Activations = graph.node!.some((n) => n.opType === 'DynamicQuantizeLinear') ? 'dynamic' : 'per-row';
  return { nodes: graph.node!.length, lmHeadDtype, q8Activations } as const;
}

async function openBare(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench);
}

export async function predictedVsMeasured(cases: PredictCase[], s: PredictSettings): Promise<{ probes: ProbeResult[]; rows: PredictRow[] }> {
  const probes: ProbeResult[] = [];
  const rows: PredictRow[] = [];
  for (const backend of [...new Set(cases.map((c) => c.backend))]) {
    const browser = await s.launch(backend);
    try {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`[bare page] ${e.message}`));
      await openBare(page, s.bareUrl);
      const threads = await page.evaluate(() => (crossOriginIsolated ? navigator.hardwareConcurrency : 1));
      const probe = (await page.evaluate((b) => (window as any).__bench.probe(b), backend)) as ProbeResult;
      probes.push(probe);
      console.log(`probe ${backend}: ${(probe.durationMs / 1000).toFixed(1)} s`);
      for (const c of cases.filter((x) => x.backend === backend)) {
        // A fresh page per model, so one model's session doesn't share memory with the next.
        const modelPage = await browser.newPage();
        await openBare(modelPage, s.bareUrl);
        const newTokens = c.newTokens ?? s.newTokens;
        const repeats = c.repeats ?? s.repeats;
        const params = { hub: s.hub, model: c.model.id, device: backend, dtype: c.dtype, threads: String(threads), tokens: String(newTokens), messages: JSON.stringify(s.messages) };
        const info = (await modelPage.evaluate((p) => (window as any).__bench.load(p), params)) as { promptTokens: number };
        const loadBefore = os.loadavg()[0];
        const runs: MeasuredRun[] = [];
        for (let i = 0; i < s.warmups + repeats; i++) {
          const run = (await modelPage.evaluate(() => (window as any).__bench.run())) as (typeof runs)[number];
          if (i >= s.warmups) runs.push(run);
        }
        await modelPage.close();
        const dir = join(s.fixturesDir, c.model.id);
        const shape = shapeFromConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
        if (!shape) throw new Error(`${c.model.id}: config.json lacks a size the prediction needs`);
        // The KV cache grows from the prompt to prompt + answer while decoding: its middle.
        const contextTokens = info.promptTokens + newTokens / 2;
        const facts = await graphFacts(dir, c.dtype);
        const fromShape = predictDecode(shape, c.dtype, backend, probe, { contextTokens });
        const fromGraph = predictDecode(shape, c.dtype, backend, probe, { contextTokens, graph: facts });
        const prefill = predictPrefill(shape, c.dtype, backend, probe, info.promptTokens, { graph: facts });
        const measured = {
          decodeTokensPerSecond: median(runs.map((r) => r.decodeTokensPerSecond)),
          prefillTokensPerSecond: median(runs.map((r) => r.prefillTokensPerSecond)),
          decodeRunMs: median(runs.map((r) => r.decodeRunMs)),
          runs,
        };
        const error = (p: number, m: number) => (p - m) / m;
        rows.push({
          model: c.model.id,
          backend,
          dtype: c.dtype,
          threads: backend === 'wasm' ? threads : 0,
          promptTokens: info.promptTokens,
          newTokens,
          repeats,
          contextTokens,
          measured,
          fromShape,
          fromGraph,
          prefillFromGraph: prefill.tokensPerSecond,
          loadAverage: [loadBefore, os.loadavg()[0]],
          decodeError: error(fromGraph.tokensPerSecond, measured.decodeTokensPerSecond),
          decodeErrorFromShape: error(fromShape.tokensPerSecond, measured.decodeTokensPerSecond),
          prefillError: error(prefill.tokensPerSecond, measured.prefillTokensPerSecond),
        });
        console.log(
          `${c.model.id} ${backend} ${c.dtype}: predicted ${fromGraph.tokensPerSecond.toFixed(1)}, measured ${measured.decodeTokensPerSecond.toFixed(1)} tok/s ` +
            `(step ${(1000 / measured.decodeTokensPerSecond).toFixed(1)} ms, of which session.run ${measured.decodeRunMs.toFixed(1)} ms; predicted ${JSON.stringify(fromGraph.breakdown, (_, v) => (typeof v === 'number' ? +v.toFixed(2) : v))})`,
        );
      }
    } finally {
      await browser.close();
    }
  }
  return { probes, rows };
}

export function predictTable(rows: PredictRow[]): string {
  const f = (n: number) => n.toFixed(1);
  const pct = (e: number) => `${e >= 0 ? '+' : ''}${(e * 100).toFixed(0)}%`;
  return [
    '',
    'Predicted vs measured decode tok/s (bare transformers.js, median of the runs; prediction from the probe taken in the same browser)',
    '',
    '| model | backend · weights | runs × tokens | predicted (config only) | predicted (config + graph) | measured | error | prefill predicted / measured | load avg |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.backend === 'wasm' ? `WASM ${r.threads} threads` : 'WebGPU'} · ${r.dtype} | ${r.repeats} × ${r.newTokens} | ${f(r.fromShape.tokensPerSecond)} (${pct(r.decodeErrorFromShape)}) | ${f(r.fromGraph.tokensPerSecond)} | ${f(r.measured.decodeTokensPerSecond)} | **${pct(r.decodeError)}** | ${f(r.prefillFromGraph)} / ${f(r.measured.prefillTokensPerSecond)} (${pct(r.prefillError)}) | ${r.loadAverage.map((l) => l.toFixed(1)).join('→')} |`,
    ),
  ].join('\n');
}
