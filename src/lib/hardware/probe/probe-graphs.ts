// The micro-benchmark graphs the hardware probe times, built with the same kernels the model files
// use: fp32 `MatMul`; q8 `DynamicQuantizeLinear → MatMulInteger → Cast → Mul → Mul` (7-bit int8
// weights with per-column scales, as in dynamic-quantized exports); q8-integer, the same MatMulInteger fed
// activations quantized by plain ops with a constant zero point (as in this project's generated
// models — onnxruntime runs it about twice as fast in WASM); q4 com.microsoft `MatMulNBits` (4 bits,
// blocks of 32, fp32 scales). Weights are random: timing doesn't depend on their values.
import { MATMUL_INTEGER_MAX_WEIGHT_CODE, toWeightCodes } from './matmul-integer-codes';
import { ElemType, type OnnxGraph, type OnnxNode, type OnnxValueInfo, encodeOnnxModel } from './onnx-model-encoder';

/** Matrix kernels the probe times, named after the transformers.js dtypes that use them. */
export type ProbeDtype = 'fp32' | 'q8' | 'q8-integer' | 'q4';
export const PROBE_DTYPES: readonly ProbeDtype[] = ['q8', 'q8-integer', 'q4', 'fp32'];

/** A feed described without any ORT type, so the graphs stay independent of the runtime. */
export interface ProbeFeed {
  type: 'float32';
  data: Float32Array;
  dims: number[];
}

export interface ProbeGraph {
  model: Uint8Array;
  /** Nodes in the graph (each pays the per-op dispatch cost once per run). */
  nodes: number;
  /** Bytes of weights one run reads, scales included. */
  weightBytes: number;
  /** Multiply-accumulates per input row. */
  macsPerRow: number;
}

export const Q4_BLOCK = 32;

/** Bytes one weight matrix of K×N occupies in a dtype's kernel layout. */
export function matrixBytes(dtype: ProbeDtype, k: number, n: number): number {
  if (dtype === 'fp32') return 4 * k * n;
  if (dtype === 'q8' || dtype === 'q8-integer') return k * n + 4 * n;
  return (k * n) / 2 + 4 * n * Math.ceil(k / Q4_BLOCK);
}

/** Cheap deterministic bytes (xorshift32): random enough for weights, fast for tens of MB. */
function randomBytes(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, length);
}

/** Uniform floats in [-scale, scale). */
function randomFloats(length: number, seed: number, scale: number): Float32Array {
  const bytes = randomBytes(length * 4, seed);
  const words = new Uint32Array(bytes.buffer, 0, length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (words[i] / 2 ** 31 - 1) * scale;
  return out;
}

export interface MatmulChainOptions {
  dtype: ProbeDtype;
  /** Matrices alternate K×N and N×K, so the chain keeps shapes like a transformer's MLP. */
  k: number;
  n: number;
  count: number;
  seed?: number;
}

/**
 * x [rows, K] through `count` weight matrices. With rows = 1 it is a decode step's matrix-vector
 * work (bound by reading the weights); with rows = 64 it is prefill's batched matmul (bound by
 * compute). `rows` is a symbolic dim, so one session serves both.
 */
export function matmulChainGraph(options: MatmulChainOptions): ProbeGraph {
  const { dtype, k, n, count } = options;
  const seed = options.seed ?? 1;
  const graph: OnnxGraph = {
    nodes: [],
    initializers: [],
    inputs: [{ name: 'x', elemType: ElemType.FLOAT, shape: ['rows', k] }],
    outputs: [],
  };
  // One random buffer per orientation: the session still holds every matrix separately.
  const shared = new Map<string, Uint8Array | Int8Array | Float32Array>();
  const reuse = <T extends Uint8Array | Int8Array | Float32Array>(key: string, make: () => T): T => {
    if (!shared.has(key)) shared.set(key, make());
    return shared.get(key) as T;
  };
  let x = 'x';
  let weightBytes = 0;
  for (let i = 0; i < count; i++) {
    const [kk, nn] = i % 2 === 0 ? [k, n] : [n, k];
    const y = i === count - 1 ? 'y' : `h${i}`;
    const w = `w${i}`;
    // Scales keep activations near unit size, so no layer overflows or flushes to zero.
    const scale = 1 / Math.sqrt(kk);
    if (dtype === 'fp32') {
      graph.initializers.push({ name: w, elemType: ElemType.FLOAT, dims: [kk, nn], data: reuse(`f${kk}`, () => randomFloats(kk * nn, seed + kk, scale)) });
      graph.nodes.push({ opType: 'MatMul', inputs: [x, w], outputs: [y] });
    } else if (dtype === 'q8' || dtype === 'q8-integer') {
      graph.initializers.push(
        // 7-bit codes: full-range ones saturate onnxruntime's x86 kernel on CPUs without VNNI.
        { name: w, elemType: ElemType.INT8, dims: [kk, nn], data: reuse(`b${kk}`, () => toWeightCodes(randomBytes(kk * nn, seed + kk))) },
        { name: `${w}_scale`, elemType: ElemType.FLOAT, dims: [nn], data: new Float32Array(nn).fill(scale / MATMUL_INTEGER_MAX_WEIGHT_CODE) },
        { name: `${w}_zp`, elemType: ElemType.INT8, dims: [], data: new Int8Array(1) },
      );
      if (dtype === 'q8') graph.nodes.push(...q8Matmul(x, w, y, i));
      else {
        if (i === 0) graph.initializers.push(...PER_ROW_CONSTANTS);
        graph.nodes.push(...q8IntegerMatmul(x, w, y, i));
      }
    } else {
      const blocks = Math.ceil(kk / Q4_BLOCK);
      graph.initializers.push(
        { name: w, elemType: ElemType.UINT8, dims: [nn, blocks, Q4_BLOCK / 2], data: reuse(`b${kk}q4`, () => randomBytes((nn * blocks * Q4_BLOCK) / 2, seed + kk)) },
        { name: `${w}_scale`, elemType: ElemType.FLOAT, dims: [nn * blocks], data: new Float32Array(nn * blocks).fill(scale / 8) },
      );
      graph.nodes.push({
        opType: 'MatMulNBits',
        domain: 'com.microsoft',
        inputs: [x, w, `${w}_scale`],
        outputs: [y],
        attributes: { K: { int: kk }, N: { int: nn }, bits: { int: 4 }, block_size: { int: Q4_BLOCK } },
      });
    }
    weightBytes += matrixBytes(dtype, kk, nn);
    x = y;
  }
  const outWidth = count % 2 === 0 ? k : n;
  graph.outputs.push({ name: 'y', elemType: ElemType.FLOAT, shape: ['rows', outWidth] });
  return { model: encodeOnnxModel(graph), nodes: graph.nodes.length, weightBytes, macsPerRow: count * k * n };
}

/** Dynamic uint8 activations × int8 weights, then back to float with both scales. */
function q8Matmul(x: string, w: string, y: string, i: number): OnnxNode[] {
  const [xq, xs, xzp, acc, accF, partial] = ['xq', 'xs', 'xzp', 'acc', 'accf', 'part'].map((s) => `${s}${i}`);
  return [
    { opType: 'DynamicQuantizeLinear', inputs: [x], outputs: [xq, xs, xzp] },
    { opType: 'MatMulInteger', inputs: [xq, w, xzp, `${w}_zp`], outputs: [acc] },
    { opType: 'Cast', inputs: [acc], outputs: [accF], attributes: { to: { int: ElemType.FLOAT } } },
    { opType: 'Mul', inputs: [accF, xs], outputs: [partial] },
    { opType: 'Mul', inputs: [partial, `${w}_scale`], outputs: [y] },
  ];
}

const scalar = (name: string, elemType: typeof ElemType.FLOAT | typeof ElemType.UINT8, value: number) => ({
  name,
  elemType,
  dims: [],
  data: elemType === ElemType.FLOAT ? Float32Array.of(value) : Uint8Array.of(value),
});
const PER_ROW_CONSTANTS = [
  scalar('eps', ElemType.FLOAT, 1e-12),
  scalar('c127', ElemType.FLOAT, 127),
  scalar('c128', ElemType.FLOAT, 128),
  scalar('c0', ElemType.FLOAT, 0),
  scalar('c255', ElemType.FLOAT, 255),
  scalar('zp128', ElemType.UINT8, 128),
];

/** Symmetric per-row uint8 activations from plain ops (codes round(x / s) + 128), then MatMulInteger. */
function q8IntegerMatmul(x: string, w: string, y: string, i: number): OnnxNode[] {
  const t = (s: string) => `${s}${i}`;
  return [
    { opType: 'Abs', inputs: [x], outputs: [t('abs')] },
    { opType: 'ReduceMax', inputs: [t('abs')], outputs: [t('amax')], attributes: { axes: { ints: [-1] }, keepdims: { int: 1 } } },
    { opType: 'Max', inputs: [t('amax'), 'eps'], outputs: [t('amaxe')] },
    { opType: 'Div', inputs: [t('amaxe'), 'c127'], outputs: [t('xs')] },
    { opType: 'Div', inputs: [x, t('xs')], outputs: [t('xd')] },
    { opType: 'Round', inputs: [t('xd')], outputs: [t('xr')] },
    { opType: 'Add', inputs: [t('xr'), 'c128'], outputs: [t('xa')] },
    { opType: 'Clip', inputs: [t('xa'), 'c0', 'c255'], outputs: [t('xc')] },
    { opType: 'Cast', inputs: [t('xc')], outputs: [t('xq')], attributes: { to: { int: ElemType.UINT8 } } },
    { opType: 'MatMulInteger', inputs: [t('xq'), w, 'zp128', `${w}_zp`], outputs: [t('acc')] },
    { opType: 'Cast', inputs: [t('acc')], outputs: [t('accf')], attributes: { to: { int: ElemType.FLOAT } } },
    { opType: 'Mul', inputs: [t('accf'), t('xs')], outputs: [t('part')] },
    { opType: 'Mul', inputs: [t('part'), `${w}_scale`], outputs: [y] },
  ];
}

/**
 * `count` elementwise Adds on a tiny tensor in a chain: nearly all of the time is the runtime's
 * cost per node, which is what a decode step of a small model mostly pays.
 */
export function opChainGraph(count: number, width = 64): ProbeGraph {
  const nodes: OnnxNode[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push({ opType: 'Add', inputs: [i === 0 ? 'x' : `h${i - 1}`, 'c'], outputs: [i === count - 1 ? 'y' : `h${i}`] });
  }
  const model = encodeOnnxModel({
    nodes,
    initializers: [{ name: 'c', elemType: ElemType.FLOAT, dims: [width], data: new Float32Array(width).fill(1e-3) }],
    inputs: [{ name: 'x', elemType: ElemType.FLOAT, shape: [1, width] }],
    outputs: [{ name: 'y', elemType: ElemType.FLOAT, shape: [1, width] }],
  });
  return { model, nodes: count, weightBytes: 0, macsPerRow: 0 };
}

/**
 * `count` tensors in and out of each run the way a decode step hands over its KV cache: input
 * `past{i}` [1, len] is concatenated with a one-element `step` into output `present{i}`, which the
 * next run gets back as its input. `len` is symbolic, so the same session measures the cost per
 * tensor (short) and per byte (long).
 */
export function tensorPassingGraph(count: number): ProbeGraph {
  const nodes: OnnxNode[] = [];
  const inputs: OnnxValueInfo[] = [{ name: 'step', elemType: ElemType.FLOAT, shape: [1, 1] }];
  const outputs: OnnxValueInfo[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push({ opType: 'Concat', inputs: [`past${i}`, 'step'], outputs: [`present${i}`], attributes: { axis: { int: 1 } } });
    inputs.push({ name: `past${i}`, elemType: ElemType.FLOAT, shape: [1, 'len'] });
    outputs.push({ name: `present${i}`, elemType: ElemType.FLOAT, shape: [1, 'len_plus_one'] });
  }
  return { model: encodeOnnxModel({ nodes, initializers: [], inputs, outputs }), nodes: count, weightBytes: 0, macsPerRow: 0 };
}

/** Feeds for a graph's float inputs: `names` each get a [rows, width] tensor of small values. */
export function floatFeeds(names: string[], rows: number, width: number): Record<string, ProbeFeed> {
  const feeds: Record<string, ProbeFeed> = {};
  names.forEach((name, i) => {
    feeds[name] = { type: 'float32', data: randomFloats(rows * width, 97 + i, 1), dims: [rows, width] };
  });
  return feeds;
}
