// Predicted decode and prefill speed of a GGUF model in llama.cpp on this device, from the
// llama.cpp probe (probe/llamacpp-probe-runner.ts): a decode step reads every layer matrix and
// the output matrix once, at the rate the probe's layers of the same format were read, plus the
// KV cache, plus what the probe's narrow model paid per token apart from its weights. onnxruntime's
// probe says little of llama.cpp's kernels (its 4-bit decode ran 7× onnxruntime's on the bench VM),
// so nothing here reads it.
import type { Backend, Dtype } from '../engines/types';
import { GGUF_BYTES_PER_WEIGHT } from './fit-verdict';
import type { ModelShape } from './model-shapes';
import type { LlamaCppProbeQuant } from './probe/llamacpp-probe-model';
import type { LlamaCppProbeResult } from './probe/llamacpp-probe-runner';
import { kvCacheBytes, layerWeights } from './speed-prediction';

/** The probed format that stands for each dtype's GGUF file: q8 is Q8_0, q4 a Q4_K_M file (mostly Q4_K). */
const PROBED_QUANT: Readonly<Record<Dtype, LlamaCppProbeQuant>> = { q8: 'Q8_0', q4: 'Q4_K', q4f16: 'Q4_K', fp16: 'Q8_0', fp32: 'Q8_0' };

/**
 * The sampler's work per vocabulary entry and token, for a probe stored before it timed this
 * itself (LlamaCppProbeResult.perVocabEntryNs): an estimate the learned correction refines.
 */
export const LLAMACPP_SAMPLING_NS_PER_ENTRY = 5;

export interface LlamaCppDecodeBreakdown {
  /** Every layer matrix and the output matrix read once, at the probe's rate for the format. */
  weightsMs: number;
  /** Attention reading the fp16 KV cache, at the probe's Q8_0 rate (a plain read of bytes). */
  kvMs: number;
  /** What the probe's narrow model paid per token apart from its weights. */
  perTokenMs: number;
  /** The logits and sampling over the vocabulary, at the probe's cost per entry. */
  samplingMs: number;
}

export interface LlamaCppDecodePrediction {
  tokensPerSecond: number;
  msPerToken: number;
  breakdown: LlamaCppDecodeBreakdown;
  weightBytesPerToken: number;
  kvBytes: number;
  notes: string[];
}

export interface LlamaCppPredictOptions {
  /** Tokens in the KV cache while decoding (prompt + half the answer); default 512. */
  contextTokens?: number;
  /** Bytes per weight of the file; default the dtype's GGUF figure (Q4_K_M's mix for q4). */
  bytesPerWeight?: number;
}

/** Weights a decode step reads: the layers' projections and the output matrix (tied or not, it is read once). */
export function llamaCppDecodeWeights(shape: ModelShape): number {
  return shape.numLayers * layerWeights(shape) + shape.vocabSize * shape.hiddenSize;
}

function rate(probe: LlamaCppProbeResult, quant: LlamaCppProbeQuant, field: 'decodeBytesPerSecond' | 'prefillGflops', notes: string[]): number {
  const own = probe[field][quant];
  if (own && Number.isFinite(own)) return own;
  const [other, value] = Object.entries(probe[field]).find(([, v]) => v && Number.isFinite(v)) ?? [];
  if (!value) throw new Error(`The llama.cpp probe timed no weight format on ${probe.backend}.`);
  notes.push(`${quant} was not probed in llama.cpp on ${probe.backend}; its rate is taken from ${other}.`);
  return value;
}

/** Decode speed of `shape` as a GGUF file of `dtype` in llama.cpp on `backend`, from a llama.cpp probe taken there. */
export function predictLlamaCppDecode(shape: ModelShape, dtype: Dtype, backend: Backend, probe: LlamaCppProbeResult, options: LlamaCppPredictOptions = {}): LlamaCppDecodePrediction {
  if (probe.backend !== backend) throw new Error(`A ${probe.backend} llama.cpp probe can't predict ${backend} speed.`);
  const notes: string[] = shape.approximate ? [shape.approximate] : [];
  const quant = PROBED_QUANT[dtype];
  const bytesPerWeight = options.bytesPerWeight ?? GGUF_BYTES_PER_WEIGHT[dtype] ?? 1;
  const weightBytesPerToken = llamaCppDecodeWeights(shape) * bytesPerWeight;
  // llama.cpp keeps its KV cache in fp16.
  const kvBytes = kvCacheBytes(shape, 'fp16', options.contextTokens ?? 512);
  const breakdown: LlamaCppDecodeBreakdown = {
    weightsMs: (weightBytesPerToken * 1000) / rate(probe, quant, 'decodeBytesPerSecond', notes),
    kvMs: (kvBytes * 1000) / rate(probe, 'Q8_0', 'decodeBytesPerSecond', notes),
    perTokenMs: probe.perTokenMs,
    samplingMs: (shape.vocabSize * (probe.perVocabEntryNs ?? LLAMACPP_SAMPLING_NS_PER_ENTRY)) / 1e6,
  };
  const msPerToken = breakdown.weightsMs + breakdown.kvMs + breakdown.perTokenMs + breakdown.samplingMs;
  notes.push(`Predicted from llama.cpp's own ${quant} decode, timed on this device.`);
  return { tokensPerSecond: 1000 / msPerToken, msPerToken, breakdown, weightBytesPerToken, kvBytes, notes: [...new Set(notes)] };
}

/**
 * Reading a `promptTokens` prompt: the layers' projections at the probe's prompt GFLOP/s, the
 * output matrix for the last token only, plus one token's fixed cost. Attention's own work is
 * left out: it is small beside the projections for the prompts the app sends.
 */
export function predictLlamaCppPrefill(shape: ModelShape, dtype: Dtype, backend: Backend, probe: LlamaCppProbeResult, promptTokens: number, options: Pick<LlamaCppPredictOptions, 'bytesPerWeight'> = {}): { tokensPerSecond: number; ms: number } {
  if (probe.backend !== backend) throw new Error(`A ${probe.backend} llama.cpp probe can't predict ${backend} speed.`);
  const notes: string[] = [];
  const quant = PROBED_QUANT[dtype];
  const bytesPerWeight = options.bytesPerWeight ?? GGUF_BYTES_PER_WEIGHT[dtype] ?? 1;
  const layersMs = ((2 * shape.numLayers * layerWeights(shape) * promptTokens) / rate(probe, quant, 'prefillGflops', notes)) * 1e-6;
  const outputMs = (shape.vocabSize * shape.hiddenSize * bytesPerWeight * 1000) / rate(probe, quant, 'decodeBytesPerSecond', notes);
  const ms = layersMs + outputMs + probe.perTokenMs;
  return { tokensPerSecond: (promptTokens * 1000) / ms, ms };
}
