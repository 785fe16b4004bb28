// Multi-turn chat re-renders the whole conversation through the chat template each turn. The
// KV cache from the previous turn is only valid for the tokens that still start the new prompt
// (templates may rewrite history, e.g. Qwen3 drops earlier <think> blocks), so we compare ids
// before handing the cache back to the model.

export type CacheReusePlan =
  | { action: 'reuse'; keepTokens: number }
  | { action: 'truncate'; keepTokens: number }
  | { action: 'discard'; keepTokens: 0 };

export function commonPrefixLength(a: ArrayLike<bigint | number>, b: ArrayLike<bigint | number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && BigInt(a[i]) === BigInt(b[i])) i++;
  return i;
}

/**
 * @param cachedIds the token ids whose keys/values the cache holds
 * @param promptIds the new prompt
 * @param canTruncate whether the cache tensors can be cut to a shorter length (CPU tensors can;
 *   GPU-resident ones can't be sliced without a round trip, and a linear-attention model's
 *   recurrent state can't be rewound at all, so they are discarded instead)
 * @param pictures fingerprints of the pictures in the cached tokens and in the new prompt. Two
 *   pictures of one size are the same tokens, so ids alone can't show that the cache saw these
 *   pixels; and a picture new in this prompt needs the vision encoder, which runs only on a
 *   prompt read from the start. So a cache is used only when the pictures are exactly the same.
 */
export function planCacheReuse(
  cachedIds: ArrayLike<bigint | number>,
  promptIds: ArrayLike<bigint | number>,
  canTruncate: boolean,
  pictures: { cached: readonly string[]; prompt: readonly string[] } = { cached: [], prompt: [] },
): CacheReusePlan {
  const samePictures = pictures.cached.length === pictures.prompt.length && pictures.cached.every((picture, i) => picture === pictures.prompt[i]);
  if (!samePictures) return { action: 'discard', keepTokens: 0 };
  // Cut inside a picture's tokens, a cache would keep half an image.
  if (pictures.cached.length > 0) canTruncate = false;
  const shared = commonPrefixLength(cachedIds, promptIds);
  // At least one prompt token must be left to run, or there would be no logits to sample from.
  const usable = Math.min(shared, promptIds.length - 1);
  if (usable <= 0) return { action: 'discard', keepTokens: 0 };
  if (usable === cachedIds.length) return { action: 'reuse', keepTokens: usable };
  if (canTruncate) return { action: 'truncate', keepTokens: usable };
  return { action: 'discard', keepTokens: 0 };
}
