/**
 * Writes GGUF v3 files (the layout llama.cpp's gguf.cpp reads): magic, version, counts, typed
 * metadata, the tensor table, padding to `general.alignment`, then each tensor's data at its
 * aligned offset. Tensors are encoded one at a time as they are written, so a 0.6B-parameter
 * model never sits in memory as floats. The browser's llama.cpp probe writes its model with it;
 * the test fixtures stream theirs to disk (test/fixtures/gguf-writer.ts).
 */
import {
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufValueType,
  alignUp,
  ggmlTensorBytes,
} from './gguf-format';

/** A metadata value with its GGUF type. */
export type GgufWriteValue =
  | { type: Exclude<GgufValueType, typeof GgufValueType.ARRAY | typeof GgufValueType.STRING | typeof GgufValueType.BOOL>; value: number | bigint }
  | { type: typeof GgufValueType.BOOL; value: boolean }
  | { type: typeof GgufValueType.STRING; value: string }
  | { type: typeof GgufValueType.ARRAY; itemType: GgufValueType; items: readonly (number | bigint | boolean | string)[] | ArrayLike<number> };

export const gv = {
  u32: (value: number): GgufWriteValue => ({ type: GgufValueType.UINT32, value }),
  i32: (value: number): GgufWriteValue => ({ type: GgufValueType.INT32, value }),
  u16: (value: number): GgufWriteValue => ({ type: GgufValueType.UINT16, value }),
  u64: (value: number | bigint): GgufWriteValue => ({ type: GgufValueType.UINT64, value }),
  f32: (value: number): GgufWriteValue => ({ type: GgufValueType.FLOAT32, value }),
  bool: (value: boolean): GgufWriteValue => ({ type: GgufValueType.BOOL, value }),
  str: (value: string): GgufWriteValue => ({ type: GgufValueType.STRING, value }),
  strings: (items: readonly string[]): GgufWriteValue => ({ type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, items }),
  i32s: (items: ArrayLike<number>): GgufWriteValue => ({ type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, items }),
  f32s: (items: ArrayLike<number>): GgufWriteValue => ({ type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, items }),
};

/** A growable little-endian byte buffer (also used by tests to hand-craft broken files). */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private grow(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  u8 = (v: number) => {
    const at = this.grow(1); // before reading this.view: growing replaces it
    this.view.setUint8(at, v);
  };
  i8 = (v: number) => {
    const at = this.grow(1);
    this.view.setInt8(at, v);
  };
  u16 = (v: number) => {
    const at = this.grow(2);
    this.view.setUint16(at, v, true);
  };
  i16 = (v: number) => {
    const at = this.grow(2);
    this.view.setInt16(at, v, true);
  };
  u32 = (v: number) => {
    const at = this.grow(4);
    this.view.setUint32(at, v, true);
  };
  i32 = (v: number) => {
    const at = this.grow(4);
    this.view.setInt32(at, v, true);
  };
  f32 = (v: number) => {
    const at = this.grow(4);
    this.view.setFloat32(at, v, true);
  };
  f64 = (v: number) => {
    const at = this.grow(8);
    this.view.setFloat64(at, v, true);
  };
  u64 = (v: number | bigint) => {
    const at = this.grow(8);
    this.view.setBigUint64(at, BigInt(v), true);
  };
  i64 = (v: number | bigint) => {
    const at = this.grow(8);
    this.view.setBigInt64(at, BigInt(v), true);
  };
  bytes = (b: Uint8Array) => {
    const at = this.grow(b.length);
    this.buf.set(b, at);
  };
  string = (s: string) => {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  };
  pad = (alignment: number) => {
    const at = this.grow(alignUp(this.length, alignment) - this.length);
    this.buf.fill(0, at, this.length);
  };

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeScalar(w: ByteWriter, type: GgufValueType, v: number | bigint | boolean | string): void {
  switch (type) {
    case GgufValueType.UINT8:
      return w.u8(Number(v));
    case GgufValueType.INT8:
      return w.i8(Number(v));
    case GgufValueType.UINT16:
      return w.u16(Number(v));
    case GgufValueType.INT16:
      return w.i16(Number(v));
    case GgufValueType.UINT32:
      return w.u32(Number(v));
    case GgufValueType.INT32:
      return w.i32(Number(v));
    case GgufValueType.FLOAT32:
      return w.f32(Number(v));
    case GgufValueType.BOOL:
      return w.u8(v ? 1 : 0);
    case GgufValueType.STRING:
      return w.string(String(v));
    case GgufValueType.UINT64:
      return w.u64(v as number | bigint);
    case GgufValueType.INT64:
      return w.i64(v as number | bigint);
    case GgufValueType.FLOAT64:
      return w.f64(Number(v));
    default:
      throw new Error(`cannot write value type ${type} as a scalar`);
  }
}

export function writeKv(w: ByteWriter, key: string, value: GgufWriteValue): void {
  w.string(key);
  w.u32(value.type);
  if (value.type === GgufValueType.ARRAY) {
    w.u32(value.itemType);
    w.u64(value.items.length);
    for (let i = 0; i < value.items.length; i++) writeScalar(w, value.itemType, value.items[i]!);
  } else {
    writeScalar(w, value.type, value.value);
  }
}

/** One tensor to write: its shape and type up front, its bytes produced when it is written. */
export interface GgufTensorPlan {
  name: string;
  /** ggml dims, fastest first: a [out, in] matrix (PyTorch layout) is dims [in, out]. */
  dims: number[];
  type: number;
  /** The tensor's encoded bytes, in one or more chunks (chunks let huge tensors stream). */
  data: () => Iterable<Uint8Array>;
}

export interface GgufFilePlan {
  metadata: ReadonlyArray<readonly [string, GgufWriteValue]>;
  tensors: readonly GgufTensorPlan[];
}

function planAlignment(plan: GgufFilePlan): number {
  const a = plan.metadata.find(([k]) => k === 'general.alignment');
  return a && a[1].type !== GgufValueType.ARRAY ? Number(a[1].value) : GGUF_DEFAULT_ALIGNMENT;
}

export interface GgufLayout {
  /** Header bytes: everything before the tensor data, padded to the alignment. */
  head: Uint8Array;
  /** Each tensor's offset within the data section and its byte size. */
  offsets: number[];
  sizes: number[];
  totalBytes: number;
}

/** Lays the file out: header bytes and where each tensor's data goes. */
export function layoutGguf(plan: GgufFilePlan): GgufLayout {
  const alignment = planAlignment(plan);
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(plan.tensors.length);
  w.u64(plan.metadata.length);
  for (const [k, v] of plan.metadata) writeKv(w, k, v);
  const offsets: number[] = [];
  const sizes: number[] = [];
  let cursor = 0;
  for (const t of plan.tensors) {
    const size = ggmlTensorBytes(t.type, t.dims);
    if (size === null) throw new Error(`${t.name}: dims ${t.dims.join('×')} don't fit ${GGML_TYPES[t.type]?.name ?? t.type} blocks`);
    cursor = alignUp(cursor, alignment);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(cursor);
    offsets.push(cursor);
    sizes.push(size);
    cursor += size;
  }
  w.pad(alignment);
  // The data section ends padded too, as gguf-py and llama-gguf-split write it.
  return { head: w.toBytes(), offsets, sizes, totalBytes: w.length + alignUp(cursor, alignment) };
}

/** Yields the file's bytes in order: header, each tensor at its aligned offset, end padding. */
export function* ggufFileChunks(plan: GgufFilePlan, layout: GgufLayout): Generator<Uint8Array> {
  yield layout.head;
  let written = 0;
  for (let i = 0; i < plan.tensors.length; i++) {
    const t = plan.tensors[i]!;
    if (layout.offsets[i]! > written) {
      yield new Uint8Array(layout.offsets[i]! - written);
      written = layout.offsets[i]!;
    }
    let bytes = 0;
    for (const chunk of t.data()) {
      bytes += chunk.length;
      yield chunk;
    }
    if (bytes !== layout.sizes[i]) throw new Error(`${t.name}: wrote ${bytes} bytes, its shape needs ${layout.sizes[i]}`);
    written += bytes;
  }
  const tail = layout.totalBytes - layout.head.length - written;
  if (tail > 0) yield new Uint8Array(tail);
}

/** The whole file in memory (tests and tiny fixtures). */
export function encodeGguf(plan: GgufFilePlan): Uint8Array {
  const layout = layoutGguf(plan);
  const out = new Uint8Array(layout.totalBytes);
  let at = 0;
  for (const chunk of ggufFileChunks(plan, layout)) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
