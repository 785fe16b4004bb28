// Protobuf wire format, read from a byte stream a field at a time and written back into small
// buffers. The ONNX splitter needs this instead of a protobuf library: a library decodes a whole
// message at once, and an inline model's message is the whole weights.
import { OnnxSplitError } from './onnx-split-error';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** A varint is at most 10 bytes (64 bits in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

export interface Tag {
  field: number;
  wire: number;
}

/**
 * Reads a stream front to back. Chunks may split a value anywhere (a 1-byte chunk stream reads the
 * same as one chunk); `position` counts bytes consumed so far, for message bounds.
 */
export class ByteStream {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #at = 0;
  /** Bytes of the stream before the current chunk. */
  #base = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  get position(): number {
    return this.#base + this.#at;
  }

  /** True when every byte has been read. */
  async atEnd(): Promise<boolean> {
    return this.#at >= this.#chunk.length && !(await this.#nextChunk());
  }

  async byte(): Promise<number> {
    if (this.#at >= this.#chunk.length && !(await this.#nextChunk())) throw truncated(this.position);
    return this.#chunk[this.#at++]!;
  }

  /**
   * Hands the next `length` bytes to `take` as views into the stream's own chunks, in order, and
   * waits for each hand-over (a full disk slows the reading, not the memory).
   */
  async pipe(length: number, take: (piece: Uint8Array) => void | Promise<void>): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.#at >= this.#chunk.length && !(await this.#nextChunk())) throw truncated(this.position);
      const n = Math.min(left, this.#chunk.length - this.#at);
      const piece = this.#chunk.subarray(this.#at, this.#at + n);
      this.#at += n;
      left -= n;
      await take(piece);
    }
  }

  /** The next `length` bytes as a copy of their own (a view would keep a whole chunk alive). */
  async copy(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let filled = 0;
    await this.pipe(length, (piece) => {
      out.set(piece, filled);
      filled += piece.length;
    });
    return out;
  }

  /** A varint's bytes as they were written, so an int64 (negative: 10 bytes) copies exactly. */
  async varintBytes(): Promise<Uint8Array> {
    const bytes: number[] = [];
    for (;;) {
      const b = await this.byte();
      bytes.push(b);
      if (b < 0x80) return Uint8Array.from(bytes);
      if (bytes.length === MAX_VARINT_BYTES) throw new OnnxSplitError('malformed', `a number at byte ${this.position} runs past 10 bytes`);
    }
  }

  /** A varint that must be a non-negative safe integer (lengths, tags, enum values). */
  async varint(): Promise<number> {
    return decodeVarint(await this.varintBytes(), this.position);
  }

  async tag(): Promise<Tag> {
    const at = this.position;
    const key = await this.varint();
    const tag = { field: Math.floor(key / 8), wire: key % 8 };
    if (tag.field === 0) throw new OnnxSplitError('malformed', `field number 0 at byte ${at}`);
    return tag;
  }

  /** A length prefix whose bytes must end at or before `end` (the enclosing message's end). */
  async length(end: number): Promise<number> {
    const length = await this.varint();
    if (this.position + length > end) {
      throw new OnnxSplitError('malformed', `a ${length}-byte field at byte ${this.position} runs past the end of its message (byte ${end})`);
    }
    return length;
  }

  async #nextChunk(): Promise<boolean> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      if (value.length === 0) continue;
      this.#base += this.#chunk.length;
      this.#chunk = value;
      this.#at = 0;
      return true;
    }
  }

  /** Stops reading: the source can let its file go. */
  async cancel(reason: unknown): Promise<void> {
    await this.#reader.cancel(reason).catch(() => {});
  }
}

function truncated(at: number): OnnxSplitError {
  return new OnnxSplitError('truncated', `the file ends early, at byte ${at}, inside a field`);
}

function decodeVarint(bytes: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  for (const b of bytes) {
    value += (b & 0x7f) * scale;
    scale *= 128;
  }
  if (!Number.isSafeInteger(value)) throw new OnnxSplitError('malformed', `a length or tag before byte ${at} is out of range`);
  return value;
}

/**
 * A message being written: its pieces are kept as they are and joined once, at the end. Every
 * piece copied from the input counts against a shared budget, so a model whose graph (everything
 * but the moved weights) is not small is refused rather than held in memory.
 */
export class MessageWriter {
  readonly #pieces: Uint8Array[] = [];
  #length = 0;

  constructor(readonly budget: ByteBudget) {}

  get length(): number {
    return this.#length;
  }

  bytes(piece: Uint8Array): void {
    this.budget.take(piece.length);
    this.#push(piece);
  }

  /** The next `length` bytes of `source`, counted before they are copied: a garbage length allocates nothing. */
  async copyFrom(source: ByteStream, length: number): Promise<void> {
    this.budget.take(length);
    this.#push(await source.copy(length));
  }

  varint(value: number): void {
    this.bytes(encodeVarint(value));
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A length-delimited field holding another message. */
  message(field: number, inner: MessageWriter): void {
    this.tag(field, WIRE.LEN);
    this.varint(inner.length);
    // Joined by reference: the inner bytes were counted when they were written there.
    for (const piece of inner.#pieces) this.#push(piece);
  }

  string(field: number, value: string): void {
    const bytes = new TextEncoder().encode(value);
    this.tag(field, WIRE.LEN);
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  #push(piece: Uint8Array): void {
    this.#pieces.push(piece);
    this.#length += piece.length;
  }

  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const piece of this.#pieces) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }
}

export class ByteBudget {
  #used = 0;

  constructor(readonly limit: number) {}

  take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.limit) {
      throw new OnnxSplitError(
        'unsupported',
        `its graph, without the weights moved out, is over ${Math.round(this.limit / 2 ** 20)} MiB (weights kept in node attributes or typed fields stay in the graph)`,
      );
    }
  }
}

function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

/** Copies one field whose tag was just read, whatever it holds, from `source` into `out`. */
export async function copyField(source: ByteStream, tag: Tag, out: MessageWriter, end: number): Promise<void> {
  out.tag(tag.field, tag.wire);
  switch (tag.wire) {
    case WIRE.VARINT:
      out.bytes(await source.varintBytes());
      return;
    case WIRE.I64:
      await out.copyFrom(source, 8);
      return;
    case WIRE.I32:
      await out.copyFrom(source, 4);
      return;
    case WIRE.LEN: {
      const length = await source.length(end);
      out.varint(length);
      await out.copyFrom(source, length);
      return;
    }
    default:
      // Groups (3, 4) are not used by ONNX; 6 and 7 don't exist.
      throw new OnnxSplitError('malformed', `wire type ${tag.wire} (field ${tag.field}) before byte ${source.position}`);
  }
}
