import { describe, expect, it } from 'vitest';
import { commonPrefixLength, planCacheReuse } from '../../src/lib/engines/kv-cache-reuse';

const ids = (...n: number[]) => n.map(BigInt);

describe('commonPrefixLength', () => {
  it('counts equal leading ids across bigint and number', () => {
    expect(commonPrefixLength(ids(1, 2, 3), [1, 2, 4])).toBe(2);
    expect(commonPrefixLength([], ids(1))).toBe(0);
    expect(commonPrefixLength(ids(5, 6), ids(5, 6, 7))).toBe(2);
  });
});

describe('planCacheReuse', () => {
  it('reuses the whole cache when it is a prefix of the new prompt', () => {
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4, 5), true)).toEqual({ action: 'reuse', keepTokens: 3 });
  });
  it('truncates to the shared prefix when history was rewritten', () => {
    // e.g. Qwen3 dropped an earlier <think> block from the re-rendered history
    expect(planCacheReuse(ids(1, 2, 3, 9, 9), ids(1, 2, 3, 4, 5, 6), true)).toEqual({ action: 'truncate', keepTokens: 3 });
  });
  it('discards instead of truncating when the cache cannot be sliced', () => {
    expect(planCacheReuse(ids(1, 2, 3, 9), ids(1, 2, 3, 4), false)).toEqual({ action: 'discard', keepTokens: 0 });
  });
  it('discards when nothing is shared', () => {
    expect(planCacheReuse(ids(7, 8), ids(1, 2), true)).toEqual({ action: 'discard', keepTokens: 0 });
  });
  it('always leaves at least one prompt token to run', () => {
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3), true)).toEqual({ action: 'truncate', keepTokens: 2 });
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3), false)).toEqual({ action: 'discard', keepTokens: 0 });
    expect(planCacheReuse(ids(1), ids(1), true)).toEqual({ action: 'discard', keepTokens: 0 });
  });
  // A linear-attention model (Qwen3.5) can't rewind its recurrent state: canTruncate is false.
  it('reuses a recurrent cache only when the new prompt extends the cached tokens exactly', () => {
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4, 5), false)).toEqual({ action: 'reuse', keepTokens: 3 });
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 9, 4, 5), false)).toEqual({ action: 'discard', keepTokens: 0 });
  });
  it('uses a cache with pictures only when the prompt has exactly the same pictures', () => {
    const same = { cached: ['448x448:aa'], prompt: ['448x448:aa'] };
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4), false, same)).toEqual({ action: 'reuse', keepTokens: 3 });
    // Same size, other pixels: the same tokens, but the cache saw another picture.
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4), true, { cached: ['448x448:aa'], prompt: ['448x448:bb'] })).toEqual({ action: 'discard', keepTokens: 0 });
    // A picture new in this turn must go through the vision encoder, which runs on a fresh prompt only.
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4), true, { cached: ['448x448:aa'], prompt: ['448x448:aa', '448x448:cc'] })).toEqual({ action: 'discard', keepTokens: 0 });
    expect(planCacheReuse(ids(1, 2, 3), ids(1, 2, 3, 4), true, { cached: [], prompt: ['448x448:cc'] })).toEqual({ action: 'discard', keepTokens: 0 });
    // Never cut inside a picture's tokens.
    expect(planCacheReuse(ids(1, 2, 3, 9), ids(1, 2, 3, 4), true, same)).toEqual({ action: 'discard', keepTokens: 0 });
  });
});
