// `npm run bench -- --llamacpp`: llama.cpp (wllama) on GGUF files against onnxruntime-web on the
// ONNX export of the same shape, in one run, all through the app's UI on WASM: same prompt,
// greedy, the app's thread count, the same number of new tokens.
//
// Each engine and weight file gets a browser of its own (its own profile and store). A first
// load there downloads the model (checked to be the file meant); then every round gives each a
// warm load in a new page of that profile and one answer, the renderer's memory sampled from Load
// to the answer's metrics row. Every answer is the first after a load: llama.cpp keeps the last
// prompt's KV cache across a new chat, so a second answer to the same prompt would read one token
// of it instead of the whole prompt. Rounds rotate the order, so drift hits each alike.
import type { BrowserContext } from '@playwright/test';
import type { MirrorServer } from '../mirror-server';
import { openAppPage } from './app-page';
import type { GenerationSetup } from './bare-page';
import { loadAverage, profileOf } from './harness';
import { mirrorTraffic, repoPath } from './load-section';
import { type EngineVariant, type LlamaCppResult, type VariantResult, type VariantSample, ratiosByVariant, rotation, sampleProblems, summarizeVariant } from './llamacpp-report';
import { sampleRendererMemory } from './renderer-memory';

export interface LlamaCppPlan {
  shape: string;
  /** The onnxruntime variant first, then the llama.cpp ones. */
  variants: EngineVariant[];
  rounds: number;
}

/** The setup's hub, prompt, and token count; model and weights come from each variant. */
type SharedSetup = Omit<GenerationSetup, 'model' | 'dtype'>;

export async function measureLlamaCpp(
  launch: () => Promise<BrowserContext>,
  mirror: MirrorServer,
  setup: SharedSetup,
  plan: LlamaCppPlan,
  progress: (partial: Record<string, unknown>) => void = () => {},
): Promise<LlamaCppResult> {
  const contexts = new Map<string, BrowserContext>();
  const partial: Record<string, unknown> = { shape: plan.shape, newTokens: setup.newTokens, partial: true };
  try {
    for (const variant of plan.variants) contexts.set(variant.name, await launch());
    const setupOf = (variant: EngineVariant): GenerationSetup => ({ ...setup, model: variant.model, dtype: variant.dtype });

    // 1. The first load of each downloads its file into its own store.
    const coldLoads: Record<string, VariantResult['coldLoad']> = {};
    for (const variant of plan.variants) {
      const page = await contexts.get(variant.name)!.newPage();
      const app = await openAppPage(page, setupOf(variant));
      mirror.requests.length = 0;
      const load = await app.load();
      const fetched = mirrorTraffic(mirror);
      const files = fetched.urls.map((u) => repoPath(u, variant.model));
      // The app picks the file from the Weights choice and the listing: it must be the one this row names.
      const missing = variant.files.filter((file) => !files.some((f) => f.endsWith(file)));
      if (missing.length > 0) throw new Error(`${variant.name}: the first load fetched ${files.join(', ')}, not ${missing.join(', ')}`);
      coldLoads[variant.name] = { wallMs: load.wallMs, downloadMs: load.downloadMs, fetchedBytes: fetched.bytes, files };
      await page.close();
      progress(Object.assign(partial, { coldLoads }));
    }

    // 2. Rounds: a warm load in a new page and one answer, each variant in turn.
    const samples = new Map<string, VariantSample[]>(plan.variants.map((v) => [v.name, []]));
    const loads = [loadAverage()];
    for (let round = 0; round < plan.rounds; round++) {
      for (const variant of rotation(plan.variants, round)) {
        const context = contexts.get(variant.name)!;
        const page = await context.newPage();
        const app = await openAppPage(page, setupOf(variant));
        const memory = sampleRendererMemory(profileOf(context));
        try {
          const load = await app.load();
          const runtime = await app.runtime();
          const answer = await app.run();
          samples.get(variant.name)!.push({ load, answer, memory: memory.stop(), runtime });
        } finally {
          memory.stop();
          await page.close();
        }
      }
      progress(Object.assign(partial, { samples: Object.fromEntries(samples) }));
    }
    loads.push(loadAverage());

    const variants: VariantResult[] = plan.variants.map((variant) => ({
      ...variant,
      coldLoad: coldLoads[variant.name],
      samples: samples.get(variant.name)!,
      summary: summarizeVariant(variant, samples.get(variant.name)!),
    }));
    return {
      shape: plan.shape,
      newTokens: setup.newTokens,
      rounds: plan.rounds,
      loadAverage: loads,
      variants,
      ratios: ratiosByVariant(variants),
      problems: variants.flatMap((v) => sampleProblems(v, v.samples, setup.newTokens)),
    };
  } finally {
    await Promise.allSettled([...contexts.values()].map((context) => context.close()));
  }
}
