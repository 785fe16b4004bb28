// Times llama.cpp itself (wllama, the build the app runs GGUF models with) on the probe models:
// what a decoded token costs apart from its weights, then, per weight format, how many weight
// bytes a second a decode step reads and the GFLOP/s of reading a prompt. llama.cpp's own
// timings are used, so the numbers hold no worker messages or page work. Each model answers a few
// short prompts and the fastest stands, as in the onnxruntime probe: on a busy machine llama.cpp's
// threads wait on each other at every step, and some answers pay that many times over.
import type { Backend } from '../../engines/types';
import {
  LLAMACPP_PROBE_QUANTS,
  PROBE_CONTEXT_TOKENS,
  PROBE_LAYER_WIDTH,
  PROBE_OVERHEAD_SHAPE,
  PROBE_VOCAB_SHAPE,
  type LlamaCppProbeQuant,
  type ProbeModel,
  type ProbeModelShape,
  probeBytesPerWeight,
  probeLayersShape,
  probeModel,
} from './llamacpp-probe-model';

/** llama.cpp's timings of one completion (wllama's `ResultTimings`). */
export interface CompletionTimings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

/** The part of a wllama instance the probe uses. */
export interface WllamaLike {
  loadModel(blobs: Blob[], params: { n_threads: number; n_gpu_layers: number; n_ctx: number }): Promise<void>;
  createCompletion(options: {
    prompt: string;
    max_tokens: number;
    temperature: number;
    top_p: number;
    ignore_eos: boolean;
    stream?: false;
  }): Promise<{ timings?: CompletionTimings }>;
  exit(): Promise<void>;
}

export interface LlamaCppProbeResult {
  backend: Backend;
  /** The wllama release that was timed. */
  wllamaVersion: string;
  threads: number;
  /** ISO 8601. */
  takenAt: string;
  /** Wall time of the whole probe, writing and loading the models included. */
  durationMs: number;
  /** A decoded token of the one-layer narrow model: what every token costs apart from its weights. */
  perTokenMs: number;
  /**
   * What each vocabulary entry adds to a token, in ns: the logits and the sampler's work over them
   * at the app's default sampling (temperature 0.7, top-p 0.9).
   */
  perVocabEntryNs: number;
  /** Weight bytes per second a decode step reads, per format, once the per-token cost is taken off. */
  decodeBytesPerSecond: Partial<Record<LlamaCppProbeQuant, number>>;
  /** GFLOP/s (2 × multiply-adds of the layers' projections) of reading a prompt, per format. */
  prefillGflops: Partial<Record<LlamaCppProbeQuant, number>>;
  /** The model and the counts that were timed, so a reader knows what the numbers stand for. */
  setup: {
    /** The layers' width (Qwen3-0.6B's) and, per format, how many layers were timed. */
    width: Omit<ProbeModelShape, 'numLayers'>;
    layers: Partial<Record<LlamaCppProbeQuant, number>>;
    /** Prompt tokens and decoded tokens of each timed answer, and the answers per model. */
    promptTokens: number;
    decodeTokens: number;
    repeats: number;
    decodeWeightBytes: Partial<Record<LlamaCppProbeQuant, number>>;
    /** Decode ms per token as llama.cpp timed it, per format (before the per-token cost is taken off). */
    decodeMsPerToken: Partial<Record<LlamaCppProbeQuant, number>>;
  };
}

export interface LlamaCppProbeOptions {
  backend: Backend;
  threads: number;
  wllamaVersion: string;
  quants?: readonly LlamaCppProbeQuant[];
  /** Decoded tokens per timed answer (default 8). */
  decodeTokens?: number;
  /** Timed answers per model, each to its own prompt (default 3). */
  repeats?: number;
  now?: () => number;
}

/**
 * Prompts of plain ASCII, one token per character in the probe's vocabulary; each starts
 * differently, so none reuses the cache of the one before and every prefill is read whole.
 */
const prompt = (i: number) => `${String.fromCharCode(65 + i)}: the quick brown fox.`;
/** Read first and answered briefly: pages in the weights and sizes llama.cpp's buffers before the timed runs. */
const WARM_UP_PROMPT = '#0123456789';
const WARM_UP_TOKENS = 4;

/** Sampling as the app's chat does by default, so the sampler's share is the one its answers pay. */
const SAMPLING = { temperature: 0.7, top_p: 0.9 } as const;

/** The fastest decode and prefill of the timed answers. */
interface ModelTiming {
  decodeMsPerToken: number;
  prefillMsPerToken: number;
  promptTokens: number;
}

export async function runLlamaCppProbe(createWllama: () => WllamaLike, options: LlamaCppProbeOptions): Promise<LlamaCppProbeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const decodeTokens = options.decodeTokens ?? 8;
  const repeats = options.repeats ?? 3;
  const quants = options.quants ?? LLAMACPP_PROBE_QUANTS;

  async function time(model: ProbeModel): Promise<ModelTiming> {
    const wllama = createWllama();
    try {
      await wllama.loadModel([new Blob([model.bytes as Uint8Array<ArrayBuffer>])], {
        n_threads: Math.max(1, options.threads),
        n_gpu_layers: options.backend === 'webgpu' ? 999 : 0,
        n_ctx: PROBE_CONTEXT_TOKENS,
      });
      const complete = (text: string, maxTokens: number) =>
        wllama.createCompletion({ prompt: text, max_tokens: maxTokens, ...SAMPLING, ignore_eos: true, stream: false });
      await complete(WARM_UP_PROMPT, WARM_UP_TOKENS);
      const best: ModelTiming = { decodeMsPerToken: Infinity, prefillMsPerToken: Infinity, promptTokens: 0 };
      for (let i = 0; i < repeats; i++) {
        const { timings } = await complete(prompt(i), decodeTokens);
        if (!timings || !(timings.predicted_n > 1) || !(timings.predicted_ms > 0) || !(timings.prompt_n > 0) || !(timings.prompt_ms > 0)) {
          throw new Error('llama.cpp returned no timings for the probe model.');
        }
        best.decodeMsPerToken = Math.min(best.decodeMsPerToken, timings.predicted_ms / timings.predicted_n);
        best.prefillMsPerToken = Math.min(best.prefillMsPerToken, timings.prompt_ms / timings.prompt_n);
        best.promptTokens = timings.prompt_n;
      }
      return best;
    } finally {
      await wllama.exit().catch(() => {});
    }
  }

  const perTokenMs = (await time(probeModel(PROBE_OVERHEAD_SHAPE, 'Q8_0'))).decodeMsPerToken;
  const decodeBytesPerSecond: LlamaCppProbeResult['decodeBytesPerSecond'] = {};
  const prefillGflops: LlamaCppProbeResult['prefillGflops'] = {};
  const decodeWeightBytes: LlamaCppProbeResult['setup']['decodeWeightBytes'] = {};
  const decodeMsPerToken: LlamaCppProbeResult['setup']['decodeMsPerToken'] = {};
  const layers: LlamaCppProbeResult['setup']['layers'] = {};
  let promptTokens = 0;
  for (const quant of quants) {
    const shape = probeLayersShape(quant);
    const model = probeModel(shape, quant);
    layers[quant] = shape.numLayers;
    const timing = await time(model);
    const msPerToken = timing.decodeMsPerToken;
    // On a quiet machine the narrow model's token is a fifth of these models' or less; on a busy
    // one it came out longer than a whole Q8_0 token. The floor keeps such noise from making a
    // rate more than twice what the token's plain time says.
    const weightsMs = Math.max(msPerToken - perTokenMs, msPerToken * 0.5);
    decodeBytesPerSecond[quant] = (model.decodeWeightBytes * 1000) / weightsMs;
    prefillGflops[quant] = (2 * model.layerWeights) / timing.prefillMsPerToken / 1e6;
    decodeWeightBytes[quant] = model.decodeWeightBytes;
    decodeMsPerToken[quant] = msPerToken;
    promptTokens = timing.promptTokens;
  }
  // The vocabulary's cost: the big-vocabulary model's token less the small one's and its extra
  // output rows read at the Q8_0 rate (the floor keeps noise from making it negative).
  const vocabMs = (await time(probeModel(PROBE_VOCAB_SHAPE, 'Q8_0'))).decodeMsPerToken;
  const extraOutputBytes = (PROBE_VOCAB_SHAPE.vocabSize - PROBE_OVERHEAD_SHAPE.vocabSize) * PROBE_VOCAB_SHAPE.hiddenSize * probeBytesPerWeight('Q8_0');
  const q8Rate = decodeBytesPerSecond.Q8_0 ?? Object.values(decodeBytesPerSecond)[0] ?? Infinity;
  const vocabOnlyMs = Math.max(0, vocabMs - perTokenMs - (extraOutputBytes * 1000) / q8Rate);
  const perVocabEntryNs = (vocabOnlyMs * 1e6) / (PROBE_VOCAB_SHAPE.vocabSize - PROBE_OVERHEAD_SHAPE.vocabSize);
  return {
    backend: options.backend,
    wllamaVersion: options.wllamaVersion,
    threads: options.threads,
    takenAt: new Date().toISOString(),
    durationMs: now() - started,
    perTokenMs,
    perVocabEntryNs,
    decodeBytesPerSecond,
    prefillGflops,
    setup: { width: { ...PROBE_LAYER_WIDTH }, layers, promptTokens, decodeTokens, repeats, decodeWeightBytes, decodeMsPerToken },
  };
}
