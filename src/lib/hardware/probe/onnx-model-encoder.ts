// Encodes a small ONNX ModelProto (protobuf wire format) in plain TypeScript, so the hardware
// probe can build its benchmark graphs inside a browser worker with no protobuf library.
// Only what the probe graphs need: nodes with int/ints/float/floats attributes, raw_data
// initializers, typed inputs/outputs with fixed or symbolic dims, and opset imports.
// Field numbers follow onnx/onnx.proto (IR version 8).

/** TensorProto.DataType values the probe uses. */
export const ElemType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type ElemTypeId = (typeof ElemType)[keyof typeof ElemType];

export type AttributeValue =
  | { int: number }
  | { ints: number[] }
  | { float: number }
  | { floats: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** '' (ai.onnx) or 'com.microsoft'. */
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxInitializer {
  name: string;
  elemType: ElemTypeId;
  dims: number[];
  /** Little-endian element bytes, exactly dims' product × element size. */
  data: ArrayBufferView;
}

export interface OnnxValueInfo {
  name: string;
  elemType: ElemTypeId;
  /** Numbers are fixed sizes, strings symbolic ones. */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name?: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** ai.onnx 17 (MatMulInteger, DynamicQuantizeLinear) and com.microsoft 1 (MatMulNBits). */
export const PROBE_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

/** Append-only protobuf writer; nested messages are encoded first and written as bytes. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }

  private varint(value: number | bigint): void {
    // int64 fields: negative values are written as their 64-bit two's complement (10 bytes).
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : value < 0 ? BigInt.asUintN(64, BigInt(value)) : value;
    if (typeof v === 'number' && v > 0xfffffff) v = BigInt(v);
    if (typeof v === 'bigint') {
      while (v > 0x7fn) {
        this.scratch.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.scratch.push(Number(v));
      return;
    }
    while (v > 0x7f) {
      this.scratch.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.scratch.push(v);
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.scratch.push(...bytes);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.varint(data.byteLength);
    this.flushScratch();
    // Initializers can be tens of MB: keep a view, copy once in finish().
    this.parts.push(data);
    this.length += data.byteLength;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Nested message: its parts are adopted, not copied (initializers are tens of MB). */
  message(field: number, sub: ProtoWriter): this {
    sub.flushScratch();
    this.tag(field, WIRE_BYTES);
    this.varint(sub.length);
    this.flushScratch();
    this.parts.push(...sub.parts);
    this.length += sub.length;
    return this;
  }

  finish(): Uint8Array {
    this.flushScratch();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('int' in value) w.int(3, value.int).int(20, ATTR_INT);
  else if ('float' in value) w.float(2, value.float).int(20, ATTR_FLOAT);
  else if ('ints' in value) {
    for (const v of value.ints) w.int(8, v);
    w.int(20, ATTR_INTS);
  } else {
    for (const v of value.floats) w.float(7, v);
    w.int(20, ATTR_FLOATS);
  }
  return w;
}

function node(n: OnnxNode, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, `${n.opType}_${index}`).string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, attribute(name, value));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function tensor(t: OnnxInitializer): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.elemType).string(8, t.name);
  return w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  }
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** Serializes a graph as an ONNX model file's bytes. */
export function encodeOnnxModel(graph: OnnxGraph, opsets = PROBE_OPSETS): Uint8Array {
  const g = new ProtoWriter();
  graph.nodes.forEach((n, i) => g.message(1, node(n, i)));
  g.string(2, graph.name ?? 'probe');
  for (const t of graph.initializers) g.message(5, tensor(t));
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));

  const model = new ProtoWriter().int(1, 8).string(2, 'on-device-playground-probe');
  model.message(7, g);
  for (const o of opsets) model.message(8, new ProtoWriter().string(1, o.domain).int(2, o.version));
  return model.finish();
}
