// Predicted decode and prefill speed of a model on this device, before downloading it: the
// model's shape and weight format say what one token costs (weight bytes, KV bytes, nodes,
// tensors handed in and out); the hardware probe says what each of those costs here. Every term
// is returned, so the UI can show where the time goes.
import type { Backend, Dtype } from '../engines/types';
import type { ModelShape } from './model-shapes';
import type { ProbeDtype } from './probe/probe-graphs';
import type { ProbeResult } from './probe/probe-runner';

/** Bytes per weight in each format's kernel layout (q4: 4-bit codes + one scale per 32). */
export const BYTES_PER_WEIGHT: Readonly<Record<Dtype, number>> = { fp32: 4, fp16: 2, q8: 1, q4: 0.5 + 4 / 32, q4f16: 0.5 + 2 / 32 };

/** The probe kernel timed for each format; fp16 and q4f16 are read at their byte rates by their fp32/q4 relatives. */
const PROBED_KERNEL: Readonly<Record<Dtype, ProbeDtype>> = { fp32: 'fp32', fp16: 'fp32', q8: 'q8', q4: 'q4', q4f16: 'q4' };

/**
 * transformers.js 4.3.1's generate() loop per token outside `session.run`: building the next
 * step's input tensors, the logits processors and stopping criteria, the streamer. Measured as
 * the decode step minus `session.run` with the tiny generated model in Chromium on a 2-core VM
 * (3–7 ms, more the busier the machine); the learned correction absorbs other devices' share.
 */
export const GENERATE_LOOP_MS = 3;
/** JS work per vocabulary entry and token (slicing the last logits, greedy argmax). */
export const LOGITS_NS_PER_ENTRY = 2;

/**
 * Nodes per layer of an unfused decoder export, counted in the generated models
 * (test/fixtures/tiny-transformer.ts): RMSNorms, rotary, GQA attention, SwiGLU — 72 with one node
 * per projection. q8 (dynamic form) adds a DynamicQuantizeLinear per distinct input (4) and
 * Cast → Mul → Mul after each of the 7 MatMulIntegers. Fused exports have fewer.
 */
const NODES_PER_LAYER: Readonly<Record<Dtype, number>> = { fp32: 72, fp16: 72, q4: 72, q4f16: 72, q8: 72 + 4 + 7 * 3 };
const NODES_OUTSIDE_LAYERS = 37;

/** What is known about the ONNX file itself once it has been read. */
export interface GraphFacts {
  nodes?: number;
  /** lm_head's format when it differs from the layers' (the generated models keep it fp32). */
  lmHeadDtype?: Dtype;
  /**
   * How a q8 graph quantizes activations: 'dynamic' (DynamicQuantizeLinear, the usual export and
   * the default) or 'per-row' (plain ops with a constant zero point, as in the generated models).
   */
  q8Activations?: 'dynamic' | 'per-row';
}

export interface PredictOptions {
  /** Tokens in the KV cache while decoding (prompt + half the answer); default 512. */
  contextTokens?: number;
  graph?: GraphFacts;
}

/** Milliseconds per token, by cause. */
export interface DecodeBreakdown {
  /** Reading every projection's weights once (layers and lm_head) at the probe's matrix-vector rate. */
  weightsMs: number;
  /** Attention reading the KV cache and the concat writing it back, at the fp32 matrix-vector rate. */
  attentionMs: number;
  /** Nodes × the probe's per-node cost. */
  opsMs: number;
  /** The fixed cost of one `session.run`. */
  runMs: number;
  /** Tensors handed in and out (on WASM the whole KV cache each token; WebGPU keeps it on the GPU). */
  tensorsMs: number;
  /** transformers.js' own work per token between runs. */
  generateLoopMs: number;
}

export interface DecodePrediction {
  tokensPerSecond: number;
  msPerToken: number;
  breakdown: DecodeBreakdown;
  weightBytesPerToken: number;
  kvBytes: number;
  nodes: number;
  /** Where a number stood in for one the probe didn't time, or the shape was estimated. */
  notes: string[];
}

export interface PrefillPrediction {
  tokensPerSecond: number;
  /** Time to first token for the prompt: the batched pass, then the first token's overheads. */
  ms: number;
  computeMs: number;
}

/** Parameters of the per-layer projections (q, k, v, o, gate, up, down). */
export function layerWeights(s: Pick<ModelShape, 'hiddenSize' | 'intermediateSize' | 'numHeads' | 'numKvHeads' | 'headDim'>): number {
  const q = s.numHeads * s.headDim;
  const kv = s.numKvHeads * s.headDim;
  return s.hiddenSize * (q + 2 * kv) + q * s.hiddenSize + 3 * s.hiddenSize * s.intermediateSize;
}

/** Bytes of the KV cache at `tokens` tokens (fp16 for the fp16 formats, else fp32). */
export function kvCacheBytes(s: ModelShape, dtype: Dtype, tokens: number): number {
  const bytes = dtype === 'fp16' || dtype === 'q4f16' ? 2 : 4;
  return 2 * s.attentionLayers * s.numKvHeads * s.headDim * tokens * bytes;
}

/** Nodes of the graph: counted when known, else estimated from the layer count. */
export function estimateNodes(s: ModelShape, dtype: Dtype): number {
  return NODES_OUTSIDE_LAYERS + s.numLayers * NODES_PER_LAYER[dtype];
}

function kernelRate(probe: ProbeResult, dtype: Dtype, field: 'bandwidth' | 'matmulGflops', notes: string[], graph?: GraphFacts): number {
  const wanted = dtype === 'q8' && graph?.q8Activations === 'per-row' ? 'q8-integer' : PROBED_KERNEL[dtype];
  const rate = probe[field][wanted];
  if (rate) {
    if (wanted !== dtype && !(dtype === 'q8' && wanted === 'q8-integer')) notes.push(`${dtype} is estimated from the ${wanted} kernel's timing.`);
    return rate;
  }
  const [other, fallback] = Object.entries(probe[field]).find(([, v]) => v) ?? [];
  if (!fallback) throw new Error(`The probe timed no matrix kernel on ${probe.backend}.`);
  notes.push(`${wanted} was not probed on ${probe.backend}; its rate is taken from ${other}.`);
  return fallback;
}

interface StepCost {
  notes: string[];
  nodes: number;
  lmHeadDtype: Dtype;
  layerBytes: number;
  lmHeadBytes: number;
  overheadMs: Omit<DecodeBreakdown, 'weightsMs' | 'attentionMs'>;
}

/** What every run pays apart from its matrices: nodes, the run, tensors in and out, the JS loop. */
function stepCost(shape: ModelShape, dtype: Dtype, backend: Backend, probe: ProbeResult, kvBytes: number, options: PredictOptions): StepCost {
  const notes = shape.approximate ? [shape.approximate] : [];
  const nodes = options.graph?.nodes ?? estimateNodes(shape, dtype);
  if (options.graph?.nodes === undefined) notes.push(`The per-step overhead is estimated from the model's shape (about ${nodes} operations), since its graph hasn't been read yet.`);
  const lmHeadDtype = options.graph?.lmHeadDtype ?? dtype;
  const logitsBytes = shape.vocabSize * 4;
  // Inputs: ids, mask, positions, logits-to-keep and past K/V per layer; outputs: logits and present K/V.
  const kvTensors = 4 * shape.attentionLayers;
  const handed = backend === 'wasm' ? 5 + kvTensors : 5;
  const handedBytes = backend === 'wasm' ? 2 * kvBytes + logitsBytes : logitsBytes;
  return {
    notes,
    nodes,
    lmHeadDtype,
    layerBytes: shape.numLayers * layerWeights(shape) * BYTES_PER_WEIGHT[dtype],
    lmHeadBytes: shape.hiddenSize * shape.vocabSize * BYTES_PER_WEIGHT[lmHeadDtype],
    overheadMs: {
      opsMs: nodes * probe.perOpMs,
      runMs: probe.perRunMs,
      tensorsMs: handed * probe.perTensorMs + (handedBytes * 1000) / probe.tensorBytesPerSecond,
      generateLoopMs: GENERATE_LOOP_MS + (shape.vocabSize * LOGITS_NS_PER_ENTRY) / 1e6,
    },
  };
}

/** Decode speed of `shape` in `dtype` on `backend`, from a probe taken on that backend. */
export function predictDecode(shape: ModelShape, dtype: Dtype, backend: Backend, probe: ProbeResult, options: PredictOptions = {}): DecodePrediction {
  if (probe.backend !== backend) throw new Error(`A ${probe.backend} probe can't predict ${backend} speed.`);
  const kvBytes = kvCacheBytes(shape, dtype, options.contextTokens ?? 512);
  const cost = stepCost(shape, dtype, backend, probe, kvBytes, options);
  const { notes } = cost;
  const weightsMs =
    (cost.layerBytes * 1000) / kernelRate(probe, dtype, 'bandwidth', notes, options.graph) +
    (cost.lmHeadBytes * 1000) / kernelRate(probe, cost.lmHeadDtype, 'bandwidth', notes, options.graph);
  // Attention reads K and V once and the concat that makes `present` writes them once.
  const attentionMs = (2 * kvBytes * 1000) / kernelRate(probe, 'fp32', 'bandwidth', notes);
  const breakdown: DecodeBreakdown = { weightsMs, attentionMs, ...cost.overheadMs };
  const msPerToken = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return {
    tokensPerSecond: 1000 / msPerToken,
    msPerToken,
    breakdown,
    weightBytesPerToken: cost.layerBytes + cost.lmHeadBytes,
    kvBytes,
    nodes: cost.nodes,
    notes: [...new Set(notes)],
  };
}

/**
 * Prefill of a `promptTokens` prompt in one batched run: the projections at the probe's batched
 * GFLOP/s (or their weight reads, whichever is slower), attention's P² work at the fp32 rate,
 * lm_head for the last token only, plus one step's overheads.
 */
export function predictPrefill(shape: ModelShape, dtype: Dtype, backend: Backend, probe: ProbeResult, promptTokens: number, options: PredictOptions = {}): PrefillPrediction {
  const kvBytes = kvCacheBytes(shape, dtype, promptTokens);
  const cost = stepCost(shape, dtype, backend, probe, kvBytes, options);
  const flops = 2 * shape.numLayers * layerWeights(shape) * promptTokens;
  const layersMs = Math.max(
    (flops / kernelRate(probe, dtype, 'matmulGflops', cost.notes, options.graph)) * 1e-6,
    (cost.layerBytes * 1000) / kernelRate(probe, dtype, 'bandwidth', cost.notes, options.graph),
  );
  const attentionFlops = 4 * shape.attentionLayers * shape.numHeads * shape.headDim * promptTokens * promptTokens;
  const attentionMs = (attentionFlops / kernelRate(probe, 'fp32', 'matmulGflops', cost.notes)) * 1e-6;
  const lmHeadMs = (cost.lmHeadBytes * 1000) / kernelRate(probe, cost.lmHeadDtype, 'bandwidth', cost.notes, options.graph);
  const computeMs = layersMs + attentionMs + lmHeadMs;
  const ms = computeMs + Object.values(cost.overheadMs).reduce((a, b) => a + b, 0);
  return { tokensPerSecond: (promptTokens * 1000) / ms, ms, computeMs };
}
