import { describe, expect, it } from 'vitest';
import { IncrementalDetokenizer } from '../../src/lib/engines/transformers/incremental-detokenizer';

// A byte-level toy: each id is one UTF-8 byte, decoded the way byte-level BPE decoders do
// (invalid sequences become U+FFFD).
const decode = (ids: bigint[]) => new TextDecoder().decode(new Uint8Array(ids.map(Number)));
const bytes = (text: string) => [...new TextEncoder().encode(text)].map(BigInt);

describe('IncrementalDetokenizer', () => {
  it('emits ASCII token by token', () => {
    const detok = new IncrementalDetokenizer(decode);
    expect(bytes('Hi!').map((id) => detok.push(id))).toEqual(['H', 'i', '!']);
    expect(detok.text).toBe('Hi!');
  });
  it('holds back a multi-byte character until it is complete', () => {
    const detok = new IncrementalDetokenizer(decode);
    const deltas = bytes('a你好').map((id) => detok.push(id));
    expect(deltas).toEqual(['a', '', '', '你', '', '', '好']);
    expect(deltas.join('')).not.toContain('\uFFFD');
  });
  it('flushes an incomplete tail at the end', () => {
    const detok = new IncrementalDetokenizer(decode);
    const partial = bytes('你').slice(0, 2);
    partial.forEach((id) => detok.push(id));
    expect(detok.flush()).toBe('\uFFFD');
    expect(detok.tokenCount).toBe(2);
  });
});

describe('IncrementalDetokenizer.pushMany', () => {
  it('gives the same text as pushing one by one', () => {
    const ids = bytes('ab你好 c');
    const single = new IncrementalDetokenizer(decode);
    const oneByOne = ids.map((id) => single.push(id)).join('');
    const batched = new IncrementalDetokenizer(decode);
    const inChunks = [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4), []].map((chunk) => batched.pushMany(chunk)).join('');
    expect(inChunks).toBe(oneByOne);
    expect(batched.text).toBe('ab你好 c');
  });
});
