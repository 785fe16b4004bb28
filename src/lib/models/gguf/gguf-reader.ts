// Reads a GGUF file's header (metadata and tensor table) from a Blob without reading its tensor
// data: a multi-gigabyte model is inspected from its first few megabytes, before any download
// finishes or any engine starts. Every count and length is bounded first, so a hostile file
// can't make us allocate more than `maxHeaderBytes` plus the small per-entry objects.
import {
  GGML_MAX_DIMS,
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_SCALAR_BYTES,
  GgufValueType,
  alignUp,
  ggmlTensorBytes,
} from './gguf-format';
import {
  GgufBadMagicError,
  GgufFormatError,
  GgufLimitError,
  GgufTruncatedError,
  GgufUnsupportedVersionError,
} from './gguf-errors';

/** A metadata array: numbers in a typed array, strings, booleans or nested arrays. */
export type GgufArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array
  | boolean[]
  | string[]
  | GgufArray[];

/** 64-bit integers are numbers when exact, bigints past 2^53. */
export type GgufValue = number | bigint | boolean | string | GgufArray;

export interface GgufTensorInfo {
  name: string;
  /** Dimensions, fastest first (ggml's ne[]). */
  dims: number[];
  /** ggml type id (see GGML_TYPES). */
  type: number;
  /** Offset from the start of the tensor data section. */
  offset: number;
  byteSize: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Where tensor data starts in the file. */
  dataOffset: number;
  /** Bytes the tensor data needs: the end of the last tensor. */
  tensorDataBytes: number;
  fileBytes: number;
}

/** What the reader will accept; the defaults fit every published model with room to spare. */
export interface GgufReadLimits {
  /** Bytes of header (magic to the end of the tensor table) we are willing to read. */
  maxHeaderBytes: number;
  maxKvCount: number;
  maxTensorCount: number;
  maxStringBytes: number;
  maxArrayLength: number;
  /** Nesting of arrays inside arrays. */
  maxArrayDepth: number;
}

export const DEFAULT_GGUF_LIMITS: Readonly<GgufReadLimits> = Object.freeze({
  // Qwen3's header (151,936 tokens and 151,387 merges) is about 6 MiB.
  maxHeaderBytes: 64 * 1024 * 1024,
  maxKvCount: 4096,
  maxTensorCount: 65_536,
  // Long chat templates are tens of KiB.
  maxStringBytes: 1024 * 1024,
  // Gemma's 262,144-token vocabulary is the largest in common use.
  maxArrayLength: 4 * 1024 * 1024,
  maxArrayDepth: 4,
});

/** Thrown inside a parse pass when the bytes read so far end too soon; the caller reads more. */
class NeedMoreBytes extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A cursor over the bytes read so far; every read is bounds-checked against them. */
class HeadCursor {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    /** true when `bytes` already reaches the end of the file. */
    private readonly atEof: boolean,
    private readonly fileBytes: number,
    private readonly limits: GgufReadLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.byteLength) {
      if (this.atEof) throw new GgufTruncatedError('header', at + n, this.fileBytes);
      throw new NeedMoreBytes();
    }
    this.pos = at + n;
    return at;
  }

  u8 = () => this.view.getUint8(this.take(1));
  i8 = () => this.view.getInt8(this.take(1));
  u16 = () => this.view.getUint16(this.take(2), true);
  i16 = () => this.view.getInt16(this.take(2), true);
  u32 = () => this.view.getUint32(this.take(4), true);
  i32 = () => this.view.getInt32(this.take(4), true);
  f32 = () => this.view.getFloat32(this.take(4), true);
  f64 = () => this.view.getFloat64(this.take(8), true);
  u64big = () => this.view.getBigUint64(this.take(8), true);
  i64big = () => this.view.getBigInt64(this.take(8), true);

  /** A uint64 count, refused past `limit` before anything is allocated for it. */
  count(what: string, limit: number): number {
    const n = this.u64big();
    if (n > BigInt(limit)) throw new GgufLimitError(what, n, limit);
    return Number(n);
  }

  string(what: string): string {
    const n = this.count(`${what} length`, this.limits.maxStringBytes);
    const at = this.take(n);
    return utf8.decode(this.bytes.subarray(at, at + n));
  }

  /**
   * Checks that `n` more bytes exist without consuming them: an array's elements take at least
   * this much, so its length is proven by bytes in hand before an array that long is allocated.
   */
  require(n: number): void {
    const at = this.pos;
    this.take(n);
    this.pos = at;
  }

  /** A copy of `n` bytes, aligned for a typed array of the caller's choice. */
  bytesCopy(n: number): ArrayBuffer {
    const at = this.take(n);
    return this.bytes.slice(at, at + n).buffer;
  }
}

const exact = (n: bigint): number | bigint => (n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n);

function readScalar(c: HeadCursor, type: number, key: string): number | bigint | boolean | string {
  switch (type) {
    case GgufValueType.UINT8:
      return c.u8();
    case GgufValueType.INT8:
      return c.i8();
    case GgufValueType.UINT16:
      return c.u16();
    case GgufValueType.INT16:
      return c.i16();
    case GgufValueType.UINT32:
      return c.u32();
    case GgufValueType.INT32:
      return c.i32();
    case GgufValueType.FLOAT32:
      return c.f32();
    case GgufValueType.BOOL: {
      const b = c.u8();
      if (b > 1) throw new GgufFormatError(`Metadata "${key}" holds ${b}, which is not a boolean.`);
      return b === 1;
    }
    case GgufValueType.STRING:
      return c.string(`"${key}" string`);
    case GgufValueType.UINT64:
      return exact(c.u64big());
    case GgufValueType.INT64:
      return exact(c.i64big());
    case GgufValueType.FLOAT64:
      return c.f64();
    default:
      throw new GgufFormatError(`Metadata "${key}" has value type ${type}, which GGUF doesn't define.`);
  }
}

function readArray(c: HeadCursor, key: string, limits: GgufReadLimits, depth: number): GgufArray {
  if (depth > limits.maxArrayDepth) throw new GgufLimitError(`"${key}" array nesting`, depth, limits.maxArrayDepth);
  const type = c.u32();
  const n = c.count(`"${key}" array length`, limits.maxArrayLength);
  const width = GGUF_SCALAR_BYTES[type as GgufValueType];
  if (width !== undefined && type !== GgufValueType.BOOL) {
    const buf = c.bytesCopy(n * width);
    switch (type) {
      case GgufValueType.UINT8:
        return new Uint8Array(buf);
      case GgufValueType.INT8:
        return new Int8Array(buf);
      case GgufValueType.UINT16:
        return new Uint16Array(buf);
      case GgufValueType.INT16:
        return new Int16Array(buf);
      case GgufValueType.UINT32:
        return new Uint32Array(buf);
      case GgufValueType.INT32:
        return new Int32Array(buf);
      case GgufValueType.FLOAT32:
        return new Float32Array(buf);
      case GgufValueType.UINT64:
        return new BigUint64Array(buf);
      case GgufValueType.INT64:
        return new BigInt64Array(buf);
      case GgufValueType.FLOAT64:
        return new Float64Array(buf);
    }
  }
  if (type === GgufValueType.BOOL) {
    c.require(n);
    const out: boolean[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readScalar(c, type, key) as boolean;
    return out;
  }
  if (type === GgufValueType.STRING) {
    c.require(n * 8);
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = c.string(`"${key}" element`);
    return out;
  }
  if (type === GgufValueType.ARRAY) {
    c.require(n * 12);
    const out: GgufArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readArray(c, key, limits, depth + 1);
    return out;
  }
  throw new GgufFormatError(`Metadata "${key}" is an array of value type ${type}, which GGUF doesn't define.`);
}

/** Magic, version and counts: what every pass reads first. */
function parsePreamble(c: HeadCursor, bytes: Uint8Array, limits: GgufReadLimits): { version: number; tensorCount: number; kvCount: number } {
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) {
    const found = Array.from(bytes.subarray(0, 4), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    throw new GgufBadMagicError(found);
  }
  const version = c.u32();
  if (version !== 2 && version !== 3) {
    if ((version & 0xffff) === 0 && version !== 0) {
      throw new GgufFormatError('This GGUF file is big-endian; llama.cpp in the browser reads little-endian files only.');
    }
    throw new GgufUnsupportedVersionError(version);
  }
  return { version, tensorCount: c.count('tensor count', limits.maxTensorCount), kvCount: c.count('metadata count', limits.maxKvCount) };
}

/** One pass over the head; throws NeedMoreBytes when `bytes` ends before the tensor table does. */
function parseHead(bytes: Uint8Array, atEof: boolean, fileBytes: number, limits: GgufReadLimits): GgufHeader {
  const c = new HeadCursor(bytes, atEof, fileBytes, limits);
  const { version, tensorCount, kvCount } = parsePreamble(c, bytes, limits);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string('metadata key');
    if (metadata.has(key)) throw new GgufFormatError(`Metadata key "${key}" appears twice.`);
    const type = c.u32();
    metadata.set(key, type === GgufValueType.ARRAY ? readArray(c, key, limits, 1) : readScalar(c, type, key));
  }

  const alignmentValue = metadata.get('general.alignment') ?? GGUF_DEFAULT_ALIGNMENT;
  if (typeof alignmentValue !== 'number' || alignmentValue <= 0 || (alignmentValue & (alignmentValue - 1)) !== 0) {
    throw new GgufFormatError(`general.alignment is ${String(alignmentValue)}; it must be a power of two.`);
  }
  const alignment = alignmentValue;

  const tensors: GgufTensorInfo[] = new Array(tensorCount);
  const names = new Set<string>();
  let tensorDataBytes = 0;
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string('tensor name');
    if (names.has(name)) throw new GgufFormatError(`Tensor "${name}" appears twice.`);
    names.add(name);
    const nDims = c.u32();
    if (nDims < 1 || nDims > GGML_MAX_DIMS) throw new GgufFormatError(`Tensor "${name}" has ${nDims} dimensions; ggml allows 1 to ${GGML_MAX_DIMS}.`);
    const dims: number[] = [];
    let elements = 1;
    for (let d = 0; d < nDims; d++) {
      const ne = c.u64big();
      if (ne > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufLimitError(`tensor "${name}" dimension ${d}`, ne, Number.MAX_SAFE_INTEGER);
      dims.push(Number(ne));
      elements *= Number(ne);
    }
    if (!Number.isSafeInteger(elements)) throw new GgufLimitError(`tensor "${name}" element count`, elements, Number.MAX_SAFE_INTEGER);
    const type = c.u32();
    if (!GGML_TYPES[type]) throw new GgufFormatError(`Tensor "${name}" has type ${type}, which this llama.cpp build doesn't know.`);
    const offsetBig = c.u64big();
    if (offsetBig > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufLimitError(`tensor "${name}" offset`, offsetBig, Number.MAX_SAFE_INTEGER);
    const offset = Number(offsetBig);
    if (offset % alignment !== 0) throw new GgufFormatError(`Tensor "${name}" starts at ${offset}, not a multiple of the alignment ${alignment}.`);
    const byteSize = ggmlTensorBytes(type, dims);
    if (byteSize === null) {
      throw new GgufFormatError(`Tensor "${name}" rows of ${dims[0]} values don't fill whole ${GGML_TYPES[type]!.name} blocks.`);
    }
    tensors[i] = { name, dims, type, offset, byteSize };
    tensorDataBytes = Math.max(tensorDataBytes, offset + byteSize);
  }
  // Tensors must not overlap (llama.cpp lays them out back to back, each aligned).
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (prev.offset + prev.byteSize > byOffset[i]!.offset) {
      throw new GgufFormatError(`Tensors "${prev.name}" and "${byOffset[i]!.name}" overlap.`);
    }
  }
  const dataOffset = alignUp(c.offset, alignment);
  return { version, metadata, tensors, alignment, dataOffset, tensorDataBytes, fileBytes };
}

/**
 * A pass that stops at `general.architecture`, which converters write among the first keys: the
 * architecture of a multi-megabyte header is known from its first few hundred bytes. Null when the
 * file has no such key (a later part of a split model).
 */
function parseArchitecture(bytes: Uint8Array, atEof: boolean, fileBytes: number, limits: GgufReadLimits): string | null {
  const c = new HeadCursor(bytes, atEof, fileBytes, limits);
  const { kvCount } = parsePreamble(c, bytes, limits);
  for (let i = 0; i < kvCount; i++) {
    const key = c.string('metadata key');
    const type = c.u32();
    const value = type === GgufValueType.ARRAY ? readArray(c, key, limits, 1) : readScalar(c, type, key);
    if (key === 'general.architecture') {
      if (typeof value !== 'string') throw new GgufFormatError('general.architecture is not a string.');
      return value;
    }
  }
  return null;
}

export interface ReadGgufOptions {
  limits?: Partial<GgufReadLimits>;
  /** First read size; doubled until the header fits. */
  initialReadBytes?: number;
  /**
   * Check the tensor data against the file's size (default true). Off for a file still being
   * downloaded, whose head is already there.
   */
  requireTensorData?: boolean;
}

/**
 * Where a head is read from: a Blob, or a file on a server read with Range requests. `read(end)`
 * gives the file's first `end` bytes, fewer only where the file ends sooner.
 */
export interface GgufHeadSource {
  /** The file's size; null while a server hasn't said. */
  readonly size: number | null;
  read(end: number): Promise<Uint8Array>;
}

function blobSource(blob: Blob): GgufHeadSource {
  return { size: blob.size, read: async (end) => new Uint8Array(await blob.slice(0, Math.min(end, blob.size)).arrayBuffer()) };
}

/**
 * Reads the first 256 KiB and runs `parse` on them, then twice as much each time the part it needs
 * runs past what was read, up to `maxHeaderBytes`.
 */
async function parseGrowing<T>(
  source: GgufHeadSource,
  options: ReadGgufOptions,
  parse: (bytes: Uint8Array, atEof: boolean, fileBytes: number, limits: GgufReadLimits) => T,
): Promise<T> {
  const limits: GgufReadLimits = { ...DEFAULT_GGUF_LIMITS, ...options.limits };
  let want = Math.min(options.initialReadBytes ?? 256 * 1024, limits.maxHeaderBytes);
  for (;;) {
    const bytes = await source.read(want);
    const atEof = bytes.byteLength < want || (source.size !== null && want >= source.size);
    try {
      return parse(bytes, atEof, source.size ?? bytes.byteLength, limits);
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      if (want >= limits.maxHeaderBytes) throw new GgufLimitError('header size in bytes', null, limits.maxHeaderBytes);
      want = Math.min(want * 2, limits.maxHeaderBytes);
    }
  }
}

/**
 * Reads the header of the GGUF file `blob`: reads the first 256 KiB, and twice as much each time
 * the header runs past what was read, up to `maxHeaderBytes`. Tensor data is never read.
 */
export async function readGgufHeader(blob: Blob, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  return parseGrowing(blobSource(blob), options, (bytes, atEof, fileBytes, limits) => {
    const header = parseHead(bytes, atEof, fileBytes, limits);
    if (options.requireTensorData !== false && header.tensors.length > 0 && header.dataOffset + header.tensorDataBytes > fileBytes) {
      throw new GgufTruncatedError('tensor-data', header.dataOffset + header.tensorDataBytes, fileBytes);
    }
    return header;
  });
}

/** `general.architecture` of a GGUF file, read from as little of its head as holds it; null when absent. */
export function readGgufArchitecture(source: GgufHeadSource, options: Pick<ReadGgufOptions, 'limits' | 'initialReadBytes'> = {}): Promise<string | null> {
  return parseGrowing(source, options, parseArchitecture);
}
