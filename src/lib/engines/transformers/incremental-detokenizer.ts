// Turns a growing list of token ids into text deltas. Decoding each token alone breaks
// multi-byte characters (one CJK character can span several byte-level tokens), so we decode a
// small sliding window and only emit text once it no longer ends in a replacement character.

export type Decode = (ids: bigint[]) => string;

export class IncrementalDetokenizer {
  #ids: bigint[] = [];
  #prefixOffset = 0;
  #readOffset = 0;
  #text = '';

  readonly #decode: Decode;

  constructor(decode: Decode) {
    // Tokenizers reject an empty id list; the empty window decodes to nothing.
    this.#decode = (ids) => (ids.length === 0 ? '' : decode(ids));
  }

  /** Adds one token; returns the text it completed (possibly empty). */
  push(id: bigint): string {
    return this.pushMany([id]);
  }

  /** Adds several tokens at the cost of one step: two decodes, whatever the count. */
  pushMany(ids: readonly bigint[]): string {
    if (ids.length === 0) return '';
    this.#ids.push(...ids);
    const settled = this.#decode(this.#ids.slice(this.#prefixOffset, this.#readOffset));
    const extended = this.#decode(this.#ids.slice(this.#prefixOffset));
    if (extended.length <= settled.length || extended.endsWith('\uFFFD')) return '';
    const delta = extended.slice(settled.length);
    this.#prefixOffset = this.#readOffset;
    this.#readOffset = this.#ids.length;
    this.#text += delta;
    return delta;
  }

  /** Emits whatever is left, even an incomplete character. */
  flush(): string {
    const settled = this.#decode(this.#ids.slice(this.#prefixOffset, this.#readOffset));
    const all = this.#decode(this.#ids.slice(this.#prefixOffset));
    const delta = all.slice(settled.length);
    this.#prefixOffset = this.#readOffset = this.#ids.length;
    this.#text += delta;
    return delta;
  }

  get text(): string {
    return this.#text;
  }

  get tokenCount(): number {
    return this.#ids.length;
  }
}
