// The probe's hand-written ONNX encoder: its bytes must decode with the reference protobuf schema
// (onnx-proto) and run in onnxruntime (node and the web build's WASM backend) with the numbers a
// plain JavaScript computation gives.
import ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import * as onnxProtoNs from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ElemType, encodeOnnxModel, type OnnxGraph } from '../../src/lib/hardware/probe/onnx-model-encoder';
import { INT16_MAX, MATMUL_INTEGER_MAX_WEIGHT_CODE, worstPairSum } from '../../src/lib/hardware/probe/matmul-integer-codes';
import { integerMatmulWeights } from '../fixtures/matmul-integer-weights';
import { matmulChainGraph, matrixBytes, opChainGraph, tensorPassingGraph, type ProbeDtype } from '../../src/lib/hardware/probe/probe-graphs';

type OnnxNs = typeof onnxProtoNs.onnx;
const onnx: OnnxNs = (onnxProtoNs as unknown as { default?: { onnx?: OnnxNs } }).default?.onnx ?? onnxProtoNs.onnx;
type Long = number | { toString(): string };
interface DecodedModel {
  irVersion: Long;
  opsetImport: { domain: string; version: Long }[];
  graph: {
    name: string;
    node: { opType: string; domain: string; input: string[]; output: string[]; attribute: { name: string; type: number; i: Long; f: number; ints: Long[]; floats: number[] }[] }[];
    initializer: { name: string; dataType: number; dims: Long[]; rawData: Uint8Array }[];
    input: { type: { tensorType: { shape: { dim: { dimValue: Long; dimParam: string }[] } } } }[];
  };
}
/** The reference decoder's view of the bytes (its generated types mark every field optional). */
const decodeModel = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes) as unknown as DecodedModel;

function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out[i] = (x / 2 ** 30 - 1) * scale;
  }
  return out;
}

/** y = x · W for row-major x [M, K] and W [K, N]. */
function matmul(x: Float32Array, w: Float32Array, m: number, k: number, n: number): Float32Array {
  const y = new Float32Array(m * n);
  for (let r = 0; r < m; r++) for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) y[r * n + c] += x[r * k + i] * w[i * n + c];
  return y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function runNode(model: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>) {
  const session = await ort.InferenceSession.create(model);
  const tensors: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) tensors[k] = new ort.Tensor('float32', v.data, v.dims);
  const out = await session.run(tensors);
  await session.release();
  return out;
}

describe('encodeOnnxModel', () => {
  it('writes a model the reference schema decodes field by field', () => {
    const graph: OnnxGraph = {
      name: 'g',
      nodes: [
        { opType: 'ReduceMax', inputs: ['x'], outputs: ['m'], attributes: { axes: { ints: [-1] }, keepdims: { int: 1 } } },
        { opType: 'LeakyRelu', inputs: ['m'], outputs: ['y'], attributes: { alpha: { float: 0.25 } } },
        { opType: 'Foo', domain: 'com.microsoft', inputs: ['y'], outputs: ['z'], attributes: { s: { floats: [1.5, -2] }, big: { int: 2 ** 40 } } },
      ],
      initializers: [{ name: 'w', elemType: ElemType.INT8, dims: [2, 3], data: Int8Array.from([1, -2, 3, -4, 5, -6]) }],
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, shape: ['batch', 5] }],
      outputs: [{ name: 'z', elemType: ElemType.FLOAT, shape: ['batch', 1] }],
    };
    const model = decodeModel(encodeOnnxModel(graph));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17], ['com.microsoft', 1]]);
    const g = model.graph!;
    expect(g.name).toBe('g');
    expect(g.node.map((n) => [n.opType, n.domain, n.input, n.output])).toEqual([
      ['ReduceMax', '', ['x'], ['m']],
      ['LeakyRelu', '', ['m'], ['y']],
      ['Foo', 'com.microsoft', ['y'], ['z']],
    ]);
    expect(g.node[0].attribute.map((a) => [a.name, a.type, a.ints.map(Number), Number(a.i)])).toEqual([
      ['axes', onnx.AttributeProto.AttributeType.INTS, [-1], 0],
      ['keepdims', onnx.AttributeProto.AttributeType.INT, [], 1],
    ]);
    expect(g.node[1].attribute[0].f).toBe(0.25);
    expect(g.node[2].attribute[0].floats).toEqual([1.5, -2]);
    expect(Number(g.node[2].attribute[1].i)).toBe(2 ** 40);
    const w = g.initializer[0];
    expect([w.name, w.dataType, w.dims.map(Number)]).toEqual(['w', ElemType.INT8, [2, 3]]);
    expect([...new Int8Array(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength)]).toEqual([1, -2, 3, -4, 5, -6]);
    const dims = g.input[0].type.tensorType.shape.dim;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 5]);
  });

  it('runs an fp32 matmul with a transpose in onnxruntime and matches JavaScript', async () => {
    const w = seeded(12 * 7, 3);
    const x = seeded(2 * 12, 5);
    const model = encodeOnnxModel({
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
        { opType: 'Transpose', inputs: ['h'], outputs: ['y'], attributes: { perm: { ints: [1, 0] } } },
      ],
      initializers: [{ name: 'w', elemType: ElemType.FLOAT, dims: [12, 7], data: w }],
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, shape: ['rows', 12] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, shape: [7, 'rows'] }],
    });
    const { y } = await runNode(model, { x: { data: x, dims: [2, 12] } });
    expect(y.dims).toEqual([7, 2]);
    const ref = matmul(x, w, 2, 12, 7);
    const transposed = Array.from({ length: 14 }, (_, i) => ref[(i % 2) * 7 + Math.floor(i / 2)]);
    expect(maxAbsDiff(y.data as Float32Array, transposed)).toBeLessThan(1e-5);
  });
});

/** ONNX Round: half to even. */
const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * How far an activation's code may sit from a rounding tie and still round the other way in
 * onnxruntime: its kernels may order float32 work differently (a reciprocal instead of a division,
 * fused scale products), which moves x / s by a few ulps (~1e-5 of a code at 127 codes). 1e-3 is
 * a hundred times that.
 */
const TIE_MARGIN = 1e-3;

interface QuantizedInput {
  /** Dequantized codes minus the zero point, per element, as integers. */
  codes: Int32Array;
  /** One step per row (per-row symmetric) or one for the tensor (DynamicQuantizeLinear). */
  stepOfRow: (row: number) => number;
  /** Elements whose code could round the other way, and whether the zero point itself could. */
  nearTies: number;
  zeroPointNearTie: boolean;
}

/** The graph's activation quantization, in float32 arithmetic as the ONNX ops define it. */
function quantizeActivations(h: Float32Array, rows: number, k: number, dynamic: boolean): QuantizedInput {
  const f = Math.fround;
  const codes = new Int32Array(h.length);
  let nearTies = 0;
  const nearTie = (v: number) => Math.abs(Math.abs(v - Math.trunc(v)) - 0.5) < TIE_MARGIN;
  if (dynamic) {
    const lo = Math.min(0, ...h);
    const hi = Math.max(0, ...h);
    const step = f(f(hi - lo) / 255);
    const zpExact = f(-lo / step);
    const zp = Math.min(255, Math.max(0, roundHalfEven(zpExact)));
    for (let i = 0; i < h.length; i++) {
      const v = f(h[i] / step);
      if (nearTie(v)) nearTies++;
      codes[i] = Math.min(255, Math.max(0, roundHalfEven(v) + zp)) - zp;
    }
    return { codes, stepOfRow: () => step, nearTies, zeroPointNearTie: nearTie(zpExact) };
  }
  const steps = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let amax = 0;
    for (let i = 0; i < k; i++) amax = Math.max(amax, Math.abs(h[r * k + i]));
    steps[r] = f(Math.max(amax, f(1e-12)) / 127);
    for (let i = 0; i < k; i++) {
      const v = f(h[r * k + i] / steps[r]);
      if (nearTie(v)) nearTies++;
      codes[r * k + i] = roundHalfEven(v);
    }
  }
  return { codes, stepOfRow: (r) => steps[r], nearTies, zeroPointNearTie: false };
}

/**
 * Reads a chain graph's weights back and computes its output in JavaScript, quantizing
 * activations exactly as the graph does, with a bound on how far onnxruntime may be from it.
 *
 * The integer products are exact on every CPU because the weight codes can't saturate an int16
 * pair sum (asserted below): a saturating kernel is off by tens of percent. What remains is
 * float32 order (a few ulps, 1e-5 of the output's scale covers it) and, rarely, an activation
 * within TIE_MARGIN of a rounding tie landing on the other code: one step times |w| per output,
 * carried through the later layers by their largest column sum. A zero point near a tie could
 * shift every code of its tensor.
 */
function chainReference(model: Uint8Array, x: Float32Array, rows: number): { y: Float32Array; bound: number } {
  const g = decodeModel(model).graph;
  const init = new Map(g.initializer.map((t) => [t.name, t]));
  const floats = (name: string) => {
    const raw = init.get(name)!.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  };
  let h = x;
  let bound = 0;
  let width = Number(g.input[0].type.tensorType.shape.dim[1].dimValue);
  const usesDynamicQuantize = g.node.some((n) => n.opType === 'DynamicQuantizeLinear');
  for (const node of g.node) {
    if (node.opType === 'MatMul') {
      const t = init.get(node.input[1])!;
      const [k, n] = t.dims.map(Number);
      h = matmul(h, floats(t.name!), rows, k, n);
      width = n;
    } else if (node.opType === 'MatMulNBits') {
      const attrs = Object.fromEntries(node.attribute.map((a) => [a.name, Number(a.i)]));
      const { K: k, N: n, block_size: block } = attrs;
      const packed = init.get(node.input[1])!.rawData;
      const scales = floats(node.input[2]);
      const blocks = Math.ceil(k / block);
      const w = new Float32Array(k * n);
      for (let c = 0; c < n; c++) {
        for (let i = 0; i < k; i++) {
          const byte = packed[(c * blocks + Math.floor(i / block)) * (block / 2) + ((i % block) >> 1)];
          const code = i % 2 === 0 ? byte & 15 : byte >> 4;
          w[i * n + c] = (code - 8) * scales[c * blocks + Math.floor(i / block)];
        }
      }
      h = matmul(h, w, rows, k, n);
      width = n;
    } else if (node.opType === 'MatMulInteger') {
      const t = init.get(node.input[1])!;
      const [k, n] = t.dims.map(Number);
      const q = new Int8Array(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      const scales = floats(`${t.name}_scale`);
      const input = quantizeActivations(h, rows, k, usesDynamicQuantize);
      const y = new Float32Array(rows * n);
      let maxColumnSum = 0;
      let maxWeight = 0;
      for (let c = 0; c < n; c++) {
        let sum = 0;
        for (let i = 0; i < k; i++) {
          sum += Math.abs(q[i * n + c] * scales[c]);
          maxWeight = Math.max(maxWeight, Math.abs(q[i * n + c] * scales[c]));
        }
        maxColumnSum = Math.max(maxColumnSum, sum);
        for (let r = 0; r < rows; r++) {
          let acc = 0; // exact: |acc| < 2^24
          for (let i = 0; i < k; i++) acc += input.codes[r * k + i] * q[i * n + c];
          y[r * n + c] = Math.fround(Math.fround(acc * input.stepOfRow(r)) * scales[c]);
        }
      }
      let maxStep = 0;
      for (let r = 0; r < rows; r++) maxStep = Math.max(maxStep, input.stepOfRow(r));
      const flips = input.zeroPointNearTie ? k : input.nearTies;
      bound = bound * maxColumnSum + flips * maxStep * maxWeight;
      h = y;
      width = n;
    }
  }
  expect(h.length).toBe(rows * width);
  return { y: h, bound };
}

describe('probe graphs', () => {
  const dtypes: ProbeDtype[] = ['fp32', 'q4', 'q8', 'q8-integer'];
  it('q8 weight codes cannot saturate an int16 pair sum on a CPU without VNNI', () => {
    expect(worstPairSum(MATMUL_INTEGER_MAX_WEIGHT_CODE)).toBeLessThanOrEqual(INT16_MAX);
    expect(worstPairSum(127)).toBeGreaterThan(INT16_MAX); // why 8-bit codes are not used
    for (const dtype of ['q8', 'q8-integer'] as const) {
      const { matmuls, maxAbsCode } = integerMatmulWeights(matmulChainGraph({ dtype, k: 256, n: 512, count: 4 }).model);
      expect(matmuls).toBe(4);
      expect(maxAbsCode).toBe(MATMUL_INTEGER_MAX_WEIGHT_CODE); // the full 7-bit range is used
    }
  });

  for (const dtype of dtypes) {
    it(`${dtype} matmul chain: onnxruntime (node and web WASM) computes what JavaScript computes, one row and several`, async () => {
      const graph = matmulChainGraph({ dtype, k: 64, n: 96, count: 3 });
      // Matrices alternate 64×96 and 96×64.
      expect(graph.weightBytes).toBe(2 * matrixBytes(dtype, 64, 96) + matrixBytes(dtype, 96, 64));
      expect(graph.macsPerRow).toBe(3 * 64 * 96);
      ortWeb.env.wasm.numThreads = 1;
      const web = await ortWeb.InferenceSession.create(graph.model, { executionProviders: ['wasm'] });
      for (const rows of [1, 3]) {
        const x = seeded(rows * 64, 11 + rows);
        const { y: ref, bound } = chainReference(graph.model, x, rows);
        const scale = Math.max(...ref.map(Math.abs));
        expect(scale).toBeGreaterThan(0.05);
        // float32 summation order (1e-5 of the scale), plus the q8 rounding-tie bound above.
        const tolerance = bound + 1e-5 * scale;
        const { y } = await runNode(graph.model, { x: { data: x, dims: [rows, 64] } });
        expect(y.dims).toEqual([rows, 96]);
        expect(maxAbsDiff(y.data as Float32Array, ref)).toBeLessThan(tolerance);
        const webOut = await web.run({ x: new ortWeb.Tensor('float32', x, [rows, 64]) });
        expect(maxAbsDiff(webOut.y.data as Float32Array, ref)).toBeLessThan(tolerance);
      }
      await web.release();
    });
  }

  it('the op chain adds its constant once per node', async () => {
    const graph = opChainGraph(50, 8);
    const x = seeded(8, 2);
    const { y } = await runNode(graph.model, { x: { data: x, dims: [1, 8] } });
    expect(maxAbsDiff(y.data as Float32Array, x.map((v) => v + 50 * 1e-3))).toBeLessThan(1e-5);
  });

  it('the tensor-passing graph appends the step to every past tensor, at any length', async () => {
    const graph = tensorPassingGraph(4);
    for (const len of [3, 1000]) {
      const feeds: Record<string, { data: Float32Array; dims: number[] }> = { step: { data: Float32Array.of(7), dims: [1, 1] } };
      for (let i = 0; i < 4; i++) feeds[`past${i}`] = { data: seeded(len, i + 1), dims: [1, len] };
      const out = await runNode(graph.model, feeds);
      for (let i = 0; i < 4; i++) expect([...(out[`present${i}`].data as Float32Array)]).toEqual([...feeds[`past${i}`].data, 7]);
    }
  });
});
