// The model the llama.cpp probe times, written in the browser as a GGUF: a few decoder layers of
// Qwen3-0.6B's width (hidden 1024, MLP 3072, 16/8 heads of 128) in one weight format, and a
// byte-level vocabulary of a few hundred tokens, so nearly every byte read per token is a layer
// matrix like a real model's. A one-layer narrow model of the same kind times what a token costs
// apart from its weights. Every matrix repeats one block of quantized random values: the kernels
// cost the same whatever the values, and writing 60 MB takes a copy, not a quantizer's minutes.
import { GGML_TYPES, GgmlType } from '../../models/gguf/gguf-format';
import { encodeTensorData } from '../../models/gguf/gguf-quants';
import { type GgufFilePlan, type GgufTensorPlan, type GgufWriteValue, encodeGguf, gv, layoutGguf } from '../../models/gguf/gguf-writer';
import type { ModelShape } from '../model-shapes';
import { layerWeights } from '../speed-prediction';

/** The GGUF weight formats the probe times: llama.cpp's 8-bit and its 4-bit K-quant. */
export type LlamaCppProbeQuant = 'Q8_0' | 'Q4_K';
export const LLAMACPP_PROBE_QUANTS: readonly LlamaCppProbeQuant[] = ['Q4_K', 'Q8_0'];

const QUANT_TYPE: Readonly<Record<LlamaCppProbeQuant, number>> = { Q8_0: GgmlType.Q8_0, Q4_K: GgmlType.Q4_K };

/** The sizes a probe model is written with: the part of a model's shape its GGUF layers need. */
export type ProbeModelShape = Pick<ModelShape, 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'headDim' | 'vocabSize'>;

/** Qwen3-0.6B's layer: 15.7 M projection weights, 16.7 MB in Q8_0 and 8.8 MB in Q4_K. */
export const PROBE_LAYER_WIDTH: Readonly<Omit<ProbeModelShape, 'numLayers'>> = { hiddenSize: 1024, intermediateSize: 3072, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 512 };

/**
 * Weight bytes each format's probe model reads per token: about twice a 32 MiB L3 cache, so most of
 * each step comes from memory, as a real model's weights do (35 MB of Q4_K ran 1.5× faster per byte
 * than 67 MB of Q8_0 on a 32 MiB-L3 VM, where the whole models read at about the same rate).
 */
export const PROBE_WEIGHT_BYTES = 64e6;

/** Bytes per weight of a format's blocks (Q8_0: 34 per 32, Q4_K: 144 per 256). */
export function probeBytesPerWeight(quant: LlamaCppProbeQuant): number {
  const { typeSize, blockSize } = GGML_TYPES[QUANT_TYPE[quant]]!;
  return typeSize / blockSize;
}

/** As many of Qwen3-0.6B's layers as reach PROBE_WEIGHT_BYTES in `quant`: 4 in Q8_0, 8 in Q4_K. */
export function probeLayersShape(quant: LlamaCppProbeQuant): ProbeModelShape {
  const layerBytes = layerWeights(PROBE_LAYER_WIDTH) * probeBytesPerWeight(quant);
  return { ...PROBE_LAYER_WIDTH, numLayers: Math.ceil(PROBE_WEIGHT_BYTES / layerBytes) };
}
/** One narrow layer: its token costs llama.cpp's per-token work (graph, the server loop), not weights. */
export const PROBE_OVERHEAD_SHAPE: Readonly<ProbeModelShape> = { hiddenSize: 64, intermediateSize: 128, numLayers: 1, numHeads: 1, numKvHeads: 1, headDim: 64, vocabSize: 512 };
/**
 * The same with Qwen's vocabulary (151,936 tokens): what it adds per token is the logits and the
 * sampler's work over them (and its 10 MB output matrix, taken off at the Q8_0 rate).
 */
export const PROBE_VOCAB_SHAPE: Readonly<ProbeModelShape> = { ...PROBE_OVERHEAD_SHAPE, vocabSize: 151_936 };

export const PROBE_CONTEXT_TOKENS = 512;

/**
 * The ASCII bytes as GPT-2's byte-level BPE spells them (printable ones as themselves, the others
 * moved up to U+0100…). Only ASCII: whatever random weights pick, the text llama.cpp hands back is
 * valid UTF-8, which its server's JSON needs.
 */
function asciiTokens(): string[] {
  const out: string[] = [];
  let moved = 256;
  for (let b = 0; b < 128; b++) out.push(b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : String.fromCharCode(moved++));
  return out;
}

/** llama.cpp token types (llama.h `llama_token_type`). */
const TokenType = { NORMAL: 1, CONTROL: 3, UNUSED: 5 } as const;

function metadata(shape: ProbeModelShape, name: string): [string, GgufWriteValue][] {
  const tokens = [...asciiTokens(), '<|endoftext|>'];
  const eos = tokens.length - 1;
  const types = new Int32Array(shape.vocabSize).fill(TokenType.NORMAL);
  types[eos] = TokenType.CONTROL;
  for (let i = tokens.length; i < shape.vocabSize; i++) {
    types[i] = TokenType.UNUSED;
    tokens.push(`[PAD${i}]`);
  }
  return [
    ['general.architecture', gv.str('qwen3')],
    ['general.name', gv.str(name)],
    ['general.quantization_version', gv.u32(2)],
    ['qwen3.context_length', gv.u32(PROBE_CONTEXT_TOKENS)],
    ['qwen3.embedding_length', gv.u32(shape.hiddenSize)],
    ['qwen3.block_count', gv.u32(shape.numLayers)],
    ['qwen3.feed_forward_length', gv.u32(shape.intermediateSize)],
    ['qwen3.attention.head_count', gv.u32(shape.numHeads)],
    ['qwen3.attention.head_count_kv', gv.u32(shape.numKvHeads)],
    ['qwen3.attention.key_length', gv.u32(shape.headDim)],
    ['qwen3.attention.value_length', gv.u32(shape.headDim)],
    ['qwen3.rope.freq_base', gv.f32(1_000_000)],
    ['qwen3.attention.layer_norm_rms_epsilon', gv.f32(1e-6)],
    ['tokenizer.ggml.model', gv.str('gpt2')],
    ['tokenizer.ggml.pre', gv.str('qwen2')],
    ['tokenizer.ggml.tokens', gv.strings(tokens)],
    ['tokenizer.ggml.token_type', gv.i32s(types)],
    // No merges: every character is its own token, so a prompt of n ASCII characters is n tokens.
    ['tokenizer.ggml.merges', gv.strings([])],
    ['tokenizer.ggml.eos_token_id', gv.u32(eos)],
    ['tokenizer.ggml.bos_token_id', gv.u32(eos)],
    ['tokenizer.ggml.add_bos_token', gv.bool(false)],
  ];
}

/** A small xorshift generator: the same weights on every device. */
function uniformValues(count: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** Values encoded once per format and width; 64 rows is a whole number of Q8_0 and Q4_K blocks. */
const POOL_ROWS = 64;

function repeatedMatrix(name: string, cols: number, rows: number, type: number, pool: Uint8Array): GgufTensorPlan {
  const rowBytes = pool.length / POOL_ROWS;
  return {
    name,
    dims: [cols, rows],
    type,
    data: function* () {
      for (let r = 0; r < rows; r += POOL_ROWS) yield pool.subarray(0, Math.min(POOL_ROWS, rows - r) * rowBytes);
    },
  };
}

function ones(name: string, n: number): GgufTensorPlan {
  return { name, dims: [n], type: GgmlType.F32, data: () => [encodeTensorData(GgmlType.F32, new Float32Array(n).fill(1))] };
}

export interface ProbeModel {
  bytes: Uint8Array;
  /** Bytes one decode step reads: every tensor but the embedding table (one row of it is read). */
  decodeWeightBytes: number;
  /** Weights of the layers' projections, for the prefill's FLOPs. */
  layerWeights: number;
}

/** The probe model of `shape` with every matrix in `quant`, as a GGUF file's bytes. */
export function probeModel(shape: ProbeModelShape, quant: LlamaCppProbeQuant): ProbeModel {
  const type = QUANT_TYPE[quant];
  const { hiddenSize: H, intermediateSize: I, numHeads, numKvHeads, headDim: D, vocabSize: V } = shape;
  const pools = new Map<number, Uint8Array>();
  // Each width's pool: rows scaled by 1/sqrt(width), as a trained model's projections roughly are.
  const pool = (cols: number) => {
    let p = pools.get(cols);
    if (!p) pools.set(cols, (p = encodeTensorData(type, uniformValues(POOL_ROWS * cols, 1 / Math.sqrt(cols), cols))));
    return p;
  };
  const matrix = (name: string, cols: number, rows: number) => repeatedMatrix(name, cols, rows, type, pool(cols));
  const tensors: GgufTensorPlan[] = [
    repeatedMatrix('token_embd.weight', H, V, type, encodeTensorData(type, uniformValues(POOL_ROWS * H, 1, 7))),
    ones('output_norm.weight', H),
    matrix('output.weight', H, V),
  ];
  for (let l = 0; l < shape.numLayers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      ones(p + 'attn_norm.weight', H),
      matrix(p + 'attn_q.weight', H, numHeads * D),
      matrix(p + 'attn_k.weight', H, numKvHeads * D),
      matrix(p + 'attn_v.weight', H, numKvHeads * D),
      ones(p + 'attn_q_norm.weight', D),
      ones(p + 'attn_k_norm.weight', D),
      matrix(p + 'attn_output.weight', numHeads * D, H),
      ones(p + 'ffn_norm.weight', H),
      matrix(p + 'ffn_gate.weight', H, I),
      matrix(p + 'ffn_up.weight', H, I),
      matrix(p + 'ffn_down.weight', I, H),
    );
  }
  const plan: GgufFilePlan = { metadata: metadata(shape, `llama.cpp probe (${shape.numLayers}×${H}, ${quant})`), tensors };
  const { sizes } = layoutGguf(plan);
  const decodeWeightBytes = sizes.reduce((sum, size, i) => (tensors[i]!.name === 'token_embd.weight' ? sum : sum + size), 0);
  return { bytes: encodeGguf(plan), decodeWeightBytes, layerWeights: shape.numLayers * layerWeights(shape) };
}
