// Splitting an inline ONNX model into a graph and its external data: the graph decodes with the
// reference protobuf schema, every moved tensor's bytes sit in the data file where the graph says,
// and onnxruntime (node, and the web build with the data as a Blob, as the app loads it) computes
// exactly what it computes from the inline model. Read a byte at a time, it splits the same.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSplitError, splitOnnx, type SplitOptions } from '../../src/lib/models/onnx-split/onnx-split';
import { DT, GraphBuilder, onnx } from '../fixtures/onnx-graph-builder';
import { TINY_QWEN3, buildFixtureWeights, resolveFixture } from '../fixtures/model-repos';
import { VARIANTS, buildDecoderGraph, mulberry32 } from '../fixtures/tiny-transformer';

type Long = number | { toString(): string };
interface DecodedTensor {
  name: string;
  dims: Long[];
  rawData: Uint8Array;
  floatData: number[];
  dataLocation: number;
  externalData: { key: string; value: string }[];
}
interface DecodedGraph {
  node: { opType: string; attribute: { name: string; g?: DecodedGraph; t?: DecodedTensor }[] }[];
  initializer: DecodedTensor[];
}
interface DecodedModel {
  graph: DecodedGraph;
}
const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes) as unknown as DecodedModel;
const DATA_FILE = 'model.onnx_data';
const EXTERNAL = 1;

function seededFloats(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

/** A stream of `bytes` in chunks of the sizes `sizes` gives, in turn. */
function streamOf(bytes: Uint8Array, sizes: () => number = () => bytes.length): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const n = Math.max(1, sizes());
      // A copy, as a real stream hands out: the splitter must not rely on one big buffer.
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

async function split(bytes: Uint8Array, sizes?: () => number, options: Partial<SplitOptions> = {}) {
  const pieces: Uint8Array[] = [];
  const result = await splitOnnx(streamOf(bytes, sizes), {
    dataFileName: DATA_FILE,
    writeData: async (piece) => void pieces.push(piece.slice()),
    ...options,
  });
  const data = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    data.set(piece, at);
    at += piece.length;
  }
  return { ...result, data };
}

/** Byte equality without a deep-equal walk over a megabyte of elements. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function externalOf(tensor: DecodedTensor): Record<string, string> {
  return Object.fromEntries(tensor.externalData.map((e) => [e.key, e.value]));
}

/**
 * y = relu(x·W1 + b1)·W2 + b2 + typed + If(flag){ then } scaled by a scalar: weights of each kind
 * the splitter meets — big raw_data (W2 is over 1 MiB, so aligned), a bias just over the 1 KiB
 * threshold, a scalar under it, a tensor in float_data, and a subgraph's own initializer.
 */
function mixedModel(width = 1000): { bytes: Uint8Array; raw: Map<string, Uint8Array> } {
  const g = new GraphBuilder('mixed');
  const x = g.addInput('x', DT.FLOAT, [2, 64]);
  const w1 = g.addInitializer('w1', DT.FLOAT, [64, 300], seededFloats(64 * 300, 1));
  const b1 = g.addInitializer('b1', DT.FLOAT, [300], seededFloats(300, 2));
  const w2 = g.addInitializer('w2', DT.FLOAT, [300, width], seededFloats(300 * width, 3));
  const b2 = g.addInitializer('b2', DT.FLOAT, [width], seededFloats(width, 4));
  const scale = g.constF32([0.5], []);
  const hidden = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, w1]), b1])]);
  const out = g.op('Add', [g.op('MatMul', [hidden, w2]), b2]);
  const model = g.toModelProto();
  const graph = model.graph!;
  // A tensor kept in a typed field, as some exporters write small constants.
  graph.initializer!.push({ name: 'typed', dataType: DT.FLOAT, dims: [width], floatData: Array.from(seededFloats(width, 5)) });
  // An If whose branches carry their own (inline) initializers.
  graph.initializer!.push({ name: 'flag', dataType: DT.BOOL, dims: [], rawData: Uint8Array.of(1) });
  const branch = (name: string, seed: number) => ({
    name,
    initializer: [{ name: `${name}_w`, dataType: DT.FLOAT, dims: [width], rawData: new Uint8Array(seededFloats(width, seed).buffer) }],
    node: [{ opType: 'Identity', input: [`${name}_w`], output: [`${name}_out`] }],
    output: [{ name: `${name}_out`, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: width }] } } } }],
  });
  const T = onnx.AttributeProto.AttributeType;
  graph.node!.push(
    { opType: 'If', input: ['flag'], output: ['branch'], attribute: [
      { name: 'then_branch', type: T.GRAPH, g: branch('then', 6) },
      { name: 'else_branch', type: T.GRAPH, g: branch('else', 7) },
    ] },
    { opType: 'Add', input: [out, 'typed'], output: ['with_typed'] },
    { opType: 'Add', input: ['with_typed', 'branch'], output: ['with_branch'] },
    { opType: 'Mul', input: ['with_branch', scale], output: ['y'] },
  );
  graph.output = [{ name: 'y', type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 2 }, { dimValue: width }] } } } }];
  const raw = new Map(decode(onnx.ModelProto.encode(model).finish()).graph.initializer.map((t) => [t.name, new Uint8Array(t.rawData)]));
  return { bytes: onnx.ModelProto.encode(model).finish(), raw };
}

describe('splitOnnx', () => {
  const { bytes, raw } = mixedModel();
  const x = seededFloats(2 * 64, 9);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-split-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('moves every big raw_data into the data file and leaves the rest of the graph as it was', async () => {
    const result = await split(bytes);
    const model = decode(result.graph);
    const byName = new Map(model.graph.initializer.map((t) => [t.name, t]));

    for (const name of ['w1', 'b1', 'w2', 'b2']) {
      const tensor = byName.get(name)!;
      const ext = externalOf(tensor);
      expect(tensor.dataLocation, name).toBe(EXTERNAL);
      expect(tensor.rawData.length, name).toBe(0);
      expect(ext.location).toBe(DATA_FILE);
      const [offset, length] = [Number(ext.offset), Number(ext.length)];
      expect(length).toBe(raw.get(name)!.length);
      expect(sameBytes(result.data.subarray(offset, offset + length), raw.get(name)!), name).toBe(true);
    }
    // Over 1 MiB: on a 4 KiB page. b1 (1,200 bytes) is over the 1 KiB threshold, the scalar is not.
    expect(Number(externalOf(byName.get('w2')!).offset) % 4096).toBe(0);
    expect(result.movedTensors).toBe(4);
    const scalar = model.graph.initializer.find((t) => t.name.startsWith('const_f32'))!;
    expect(scalar.rawData.length).toBe(4);
    expect(scalar.externalData).toHaveLength(0);
    expect(byName.get('typed')!.floatData).toHaveLength(1000);
    expect(byName.get('typed')!.externalData).toHaveLength(0);
    const ifNode = model.graph.node.find((n) => n.opType === 'If')!;
    for (const attribute of ifNode.attribute) expect(attribute.g!.initializer[0]!.rawData.length).toBe(4000);

    expect(result.inputBytes).toBe(bytes.length);
    expect(result.dataBytes).toBe(result.data.length);
    // The graph holds the small things only.
    expect(result.graph.length).toBeLessThan(20_000);
    // Padding before w2 (under 4 KiB) and three external_data entries per moved tensor are all that is added.
    expect(result.graph.length + result.data.length).toBeLessThan(bytes.length + 4096 + 4 * 100);
  });

  it('gives onnxruntime-node the same outputs as the inline model, reading the data file beside the graph', async () => {
    const result = await split(bytes);
    await writeFile(join(dir, 'model.onnx'), result.graph);
    await writeFile(join(dir, DATA_FILE), result.data);
    const inline = await ort.InferenceSession.create(bytes);
    const external = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const feed = { x: new ort.Tensor('float32', x, [2, 64]) };
    const want = (await inline.run(feed)).y!.data as Float32Array;
    const got = (await external.run(feed)).y!.data as Float32Array;
    expect(got).toEqual(want);
    expect(want.some((v) => v !== 0)).toBe(true);
  });

  it('gives onnxruntime-web the same outputs with the data passed as a Blob, as the app loads it', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const result = await split(bytes);
    const inline = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const external = await ortWeb.InferenceSession.create(result.graph, {
      executionProviders: ['wasm'],
      externalData: [{ path: DATA_FILE, data: new Blob([result.data]) }],
    });
    const feed = { x: new ortWeb.Tensor('float32', x, [2, 64]) };
    expect((await external.run(feed)).y!.data).toEqual((await inline.run(feed)).y!.data);
  });

  it('splits the same whatever the chunk boundaries: one byte at a time, or chunks of random sizes', async () => {
    // Smaller weights (130 KB) and a 1 KiB alignment from 4 KiB up, so a byte-wise read stays quick and still pads.
    const small = mixedModel(40).bytes;
    const options = { alignThreshold: 4096, alignment: 1024 };
    const whole = await split(small, undefined, options);
    const bytewise = await split(small, () => 1, options);
    const random = mulberry32(42);
    const ragged = await split(small, () => 1 + Math.floor(random() * 5000), options);
    const tensors = decode(whole.graph).graph.initializer.filter((t) => t.dataLocation === EXTERNAL);
    // w2 follows w1 (76,800 bytes) and b1 (1,200): padded from 78,000 to the next 1 KiB.
    expect(Number(externalOf(tensors.find((t) => t.name === 'w2')!).offset)).toBe(78_848);
    expect(whole.dataBytes).toBeGreaterThan(tensors.reduce((n, t) => n + Number(externalOf(t).length), 0));
    for (const other of [bytewise, ragged]) {
      expect(sameBytes(other.graph, whole.graph)).toBe(true);
      expect(sameBytes(other.data, whole.data)).toBe(true);
    }
  });

  it('splits a decoder the way the app stores one, and onnxruntime computes the same logits from it', async () => {
    const fx = resolveFixture(TINY_QWEN3);
    const model = buildDecoderGraph(fx.arch, buildFixtureWeights(fx), VARIANTS.q8).serialize();
    const result = await split(model);
    const decoded = decode(result.graph);
    expect(result.movedTensors).toBeGreaterThan(10);
    expect(decoded.graph.initializer.filter((t) => t.rawData.length >= 1024)).toEqual([]);

    await writeFile(join(dir, 'decoder.onnx'), result.graph);
    await writeFile(join(dir, DATA_FILE), result.data);
    const inline = await ort.InferenceSession.create(model);
    const external = await ort.InferenceSession.create(join(dir, 'decoder.onnx'));
    const ids = [3n, 17n, 42n];
    const feed: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(ids, () => 1n), [1, ids.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
    };
    for (const name of inline.inputNames) {
      if (name.startsWith('past_key_values')) feed[name] = new ort.Tensor('float32', new Float32Array(0), [1, fx.arch.numKvHeads, 0, fx.arch.headDim]);
      if (name === 'num_logits_to_keep') feed[name] = new ort.Tensor('int64', BigInt64Array.of(0n), []);
    }
    const want = (await inline.run(feed)).logits!.data as Float32Array;
    expect((await external.run(feed)).logits!.data).toEqual(want);
  });

  it('refuses a cut-off model with a named error, wherever it was cut inside a field', async () => {
    for (const keep of [1, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const failure = await split(bytes.subarray(0, keep)).catch((error: unknown) => error);
      expect(failure, `cut at ${keep}`).toBeInstanceOf(OnnxSplitError);
      expect((failure as OnnxSplitError).name).toBe('OnnxSplitError');
      expect((failure as OnnxSplitError).failure, `cut at ${keep}`).toBe('truncated');
    }
  });

  it('refuses what is not an ONNX model: empty, text, random bytes', async () => {
    const random = mulberry32(7);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    const inputs = { empty: new Uint8Array(0), json: new TextEncoder().encode('{"model_type": "qwen3"}'), noise };
    for (const [label, input] of Object.entries(inputs)) {
      const failure = await split(input).catch((error: unknown) => error);
      expect(failure, label).toBeInstanceOf(OnnxSplitError);
      expect(['malformed', 'truncated'], label).toContain((failure as OnnxSplitError).failure);
      expect((failure as Error).message, label).toMatch(/^Can't split this ONNX file: /);
    }
  });

  it('leaves alone a model whose weights are already external', async () => {
    const g = new GraphBuilder('ext');
    const x = g.addInput('x', DT.FLOAT, [1, 64]);
    g.op('MatMul', [x, g.addInitializer('w', DT.FLOAT, [64, 64], seededFloats(64 * 64, 1))], {}, { output: 'y' });
    g.addOutput('y', DT.FLOAT, [1, 64]);
    const external = g.serialize({ external: new Map([['w', { location: 'elsewhere.onnx_data', offset: 0, length: 64 * 64 * 4 }]]) });
    const failure = await split(external).catch((error: unknown) => error);
    expect((failure as OnnxSplitError).failure).toBe('unsupported');
  });

  it('refuses to hold a graph that is big without its moved weights (weights in node attributes)', async () => {
    const model = onnx.ModelProto.decode(bytes);
    const T = onnx.AttributeProto.AttributeType;
    model.graph!.node!.push({ opType: 'Constant', output: ['big_constant'], attribute: [
      { name: 'value', type: T.TENSOR, t: { dataType: DT.FLOAT, dims: [50_000], rawData: new Uint8Array(200_000) } },
    ] });
    const failure = await split(onnx.ModelProto.encode(model).finish(), undefined, { maxGraphBytes: 100_000 }).catch((error: unknown) => error);
    expect((failure as OnnxSplitError).failure).toBe('unsupported');
    expect((failure as Error).message).toMatch(/graph/);
  });
});
