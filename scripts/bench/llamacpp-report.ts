// The llama.cpp section's arithmetic and tables: each engine's samples summed up, llama.cpp's
// figures over onnxruntime's on the same shape, and the Markdown. No browser here, so it is
// tested on its own (test/unit/bench-llamacpp.test.ts).
import { median } from '../../src/lib/metrics/statistics';
import type { AppLoad } from './app-page';
import type { RendererPeak } from './renderer-memory';

/** One engine and weight file measured in the section. */
export interface EngineVariant {
  /** 'onnxruntime q8', 'llama.cpp Q4_K' */
  name: string;
  engine: 'onnxruntime' | 'llama.cpp';
  /** The repo id the app loads. */
  model: string;
  /** The app's Weights choice that loads this file. */
  dtype: 'q8' | 'q4';
  /** The weight file(s) of that choice, repo-relative; a cold load must fetch each of them. */
  files: string[];
  weightBytes: number;
}

/** One round's measurement of a variant: a warm load in a new page, then the first answer. */
export interface VariantSample {
  load: AppLoad;
  answer: {
    timeToFirstTokenMs: number;
    prefillTokensPerSecond: number;
    decodeTokensPerSecond: number;
    generatedTokens: number;
    promptTokens: number;
    cachedTokens: number;
  };
  /** The page's renderer from Load until the answer's metrics row. */
  memory: RendererPeak;
  /** The Metrics panel's runtime line ("Running on WASM · q8 · 2 threads"). */
  runtime: string;
}

export interface VariantSummary {
  warmLoadMs: number;
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** The highest renderer PSS of any sample. */
  peakPssBytes: number;
  peakRssHighWaterBytes: number;
  peakOverWeights: number;
  /** The threads the runtime line names; null where it names none. */
  threads: number | null;
  promptTokens: number;
  /** Prompt tokens an answer took from a cache instead of reading them (0: the whole prompt was read). */
  cachedTokens: number;
}

/** llama.cpp's figure over onnxruntime's: above 1 is faster for speeds, slower or heavier for time and memory. */
export interface LlamaCppRatios {
  prefill: number;
  decode: number;
  warmLoad: number;
  peakMemory: number;
}

export interface VariantResult extends EngineVariant {
  coldLoad: { wallMs: number; downloadMs: number; fetchedBytes: number; files: string[] };
  samples: VariantSample[];
  summary: VariantSummary;
}

export interface LlamaCppResult {
  /** The models' shape in words ("Qwen3-0.6B"). */
  shape: string;
  newTokens: number;
  rounds: number;
  loadAverage: number[];
  variants: VariantResult[];
  /** Per llama.cpp variant, by name, against the onnxruntime one. */
  ratios: Record<string, LlamaCppRatios>;
  /** Samples that don't compare like for like (a cached prompt, a short answer): see sampleProblems. */
  problems: string[];
}

/** The variants in round `round`'s order: each round starts one later, so drift and a machine busy at one moment hit each alike. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const shift = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** The thread count a runtime line names ("· 2 threads"), or null. */
export function threadsOf(runtime: string): number | null {
  const match = /(\d+)\s+threads?\b/.exec(runtime);
  return match ? Number(match[1]) : null;
}

export function summarizeVariant(variant: Pick<EngineVariant, 'weightBytes'>, samples: readonly VariantSample[]): VariantSummary {
  if (samples.length === 0) throw new Error('No samples to summarize');
  const peakPssBytes = Math.max(...samples.map((s) => s.memory.pssBytes));
  const threads = [...new Set(samples.map((s) => threadsOf(s.runtime)))];
  return {
    warmLoadMs: median(samples.map((s) => s.load.wallMs)),
    timeToFirstTokenMs: median(samples.map((s) => s.answer.timeToFirstTokenMs)),
    prefillTokensPerSecond: median(samples.map((s) => s.answer.prefillTokensPerSecond)),
    decodeTokensPerSecond: median(samples.map((s) => s.answer.decodeTokensPerSecond)),
    peakPssBytes,
    peakRssHighWaterBytes: Math.max(...samples.map((s) => s.memory.rssHighWaterBytes)),
    peakOverWeights: peakPssBytes / variant.weightBytes,
    threads: threads.length === 1 ? threads[0] : null,
    promptTokens: Math.max(...samples.map((s) => s.answer.promptTokens)),
    cachedTokens: Math.max(...samples.map((s) => s.answer.cachedTokens)),
  };
}

export function llamaCppRatios(onnx: VariantSummary, llama: VariantSummary): LlamaCppRatios {
  return {
    prefill: llama.prefillTokensPerSecond / onnx.prefillTokensPerSecond,
    decode: llama.decodeTokensPerSecond / onnx.decodeTokensPerSecond,
    warmLoad: llama.warmLoadMs / onnx.warmLoadMs,
    peakMemory: llama.peakPssBytes / onnx.peakPssBytes,
  };
}

/** Every llama.cpp variant's ratios against the (single) onnxruntime one. */
export function ratiosByVariant(variants: readonly (EngineVariant & { summary: VariantSummary })[]): Record<string, LlamaCppRatios> {
  const onnx = variants.find((v) => v.engine === 'onnxruntime');
  if (!onnx) return {};
  return Object.fromEntries(variants.filter((v) => v.engine === 'llama.cpp').map((v) => [v.name, llamaCppRatios(onnx.summary, v.summary)]));
}

/**
 * Checks that each sample is what the comparison needs: the whole prompt read (no cached
 * tokens) and the answer as long as asked. Returns what is wrong, empty when nothing.
 */
export function sampleProblems(variant: Pick<EngineVariant, 'name'>, samples: readonly VariantSample[], newTokens: number): string[] {
  const problems: string[] = [];
  samples.forEach((s, i) => {
    if (s.answer.cachedTokens > 0) problems.push(`${variant.name}, round ${i + 1}: ${s.answer.cachedTokens} prompt tokens came from a cache`);
    if (s.answer.generatedTokens !== newTokens) problems.push(`${variant.name}, round ${i + 1}: ${s.answer.generatedTokens} tokens generated, not ${newTokens}`);
  });
  return problems;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const mib = (n: number) => `${n < 10 * 2 ** 20 ? (n / 2 ** 20).toFixed(2) : Math.round(n / 2 ** 20)} MiB`;
const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');

export function llamaCppMarkdown(r: LlamaCppResult): string[] {
  const onnx = r.variants.find((v) => v.engine === 'onnxruntime');
  const threads = [...new Set(r.variants.map((v) => v.summary.threads))];
  const lines = [
    `## llama.cpp against onnxruntime — ${r.shape} shape, WASM, ${threads.length === 1 ? `${threads[0] ?? '?'} threads` : `threads ${threads.join(' / ')}`}, same prompt, greedy, ${r.newTokens} new tokens; ${r.rounds} round${r.rounds === 1 ? '' : 's'}, each answer the first after a warm load in a new page (load average ${r.loadAverage.join(' → ')})`,
    '',
    '| engine · weights | model | weights | warm load | prompt tokens | prefill tok/s | decode tok/s | renderer peak | peak / weights |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const v of r.variants) {
    const s = v.summary;
    lines.push(`| ${v.name} | ${v.model} | ${mib(v.weightBytes)} | ${seconds(s.warmLoadMs)} | ${s.promptTokens} | ${f1(s.prefillTokensPerSecond)} | ${f1(s.decodeTokensPerSecond)} | ${mib(s.peakPssBytes)} | ${f2(s.peakOverWeights)} |`);
  }
  if (onnx && Object.keys(r.ratios).length > 0) {
    lines.push('', `| llama.cpp / ${onnx.name} | prefill tok/s | decode tok/s | warm load time | renderer peak |`, '| --- | ---: | ---: | ---: | ---: |');
    for (const [name, ratio] of Object.entries(r.ratios)) lines.push(`| ${name} | ${f2(ratio.prefill)} | ${f2(ratio.decode)} | ${f2(ratio.warmLoad)} | ${f2(ratio.peakMemory)} |`);
  }
  if (r.problems.length > 0) lines.push('', 'Not like for like:', '', ...r.problems.map((p) => `- ${p}`));
  return lines;
}
