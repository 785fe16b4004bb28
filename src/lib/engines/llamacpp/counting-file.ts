// How many bytes of a stored GGUF file were read, and where. llama.cpp reads the weights itself,
// through wllama, as slices of the File it is handed; the app reads only the header. Counting the
// slices taken shows a load reading the weights once, and a phase that reads the file again (a
// hash, a copy into JS memory) stands out against the file's size.

/** Bytes taken from the files handed out, split at the start of each file's tensor data. */
export class ReadCounter {
  /** Bytes of reads that began in a file's header (its first bytes, metadata, vocabulary). */
  headBytes = 0;
  /** Bytes of reads that began in a file's tensor data: the weights. */
  tensorBytes = 0;

  get bytes(): number {
    return this.headBytes + this.tensorBytes;
  }
}

/**
 * A File over the same stored bytes (wrapping copies nothing) that adds the size of every slice
 * taken from it to `counter`. wllama reads a file only through `slice()`; a read of the whole
 * file at once (`arrayBuffer()`, `stream()`) counts as one that began in the header.
 * `dataOffset` (where the tensor data starts) may be set once the header has been read; until
 * then every read counts as a header read.
 */
export class CountingFile extends File {
  readonly #counter: ReadCounter;
  dataOffset = Number.POSITIVE_INFINITY;

  constructor(source: Blob, name: string, counter: ReadCounter) {
    super([source], name);
    this.#counter = counter;
  }

  override slice(start?: number, end?: number, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    const from = start === undefined ? 0 : start < 0 ? Math.max(0, this.size + start) : start;
    if (from >= this.dataOffset) this.#counter.tensorBytes += part.size;
    else this.#counter.headBytes += part.size;
    return part;
  }

  override stream(): ReturnType<File['stream']> {
    this.#counter.headBytes += this.size;
    return super.stream();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    this.#counter.headBytes += this.size;
    return super.arrayBuffer();
  }
}
