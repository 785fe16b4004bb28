// Corrections to transformers.js 4.3.1's Qwen-VL generation (Qwen3.5, GLM-OCR), applied to a loaded model
// and its processor.
//
// 1. Positions. Qwen-VL models rotate by three position axes (M-RoPE). For a prompt without pictures
// every axis is the token index, and each new token goes at "the prompt's largest position + 1",
// plus its place in the answer. transformers.js 4.3.1 computes that offset for text-only prompts
// as `max + 1 + prompt length` where Hugging Face's reference uses `max + 1 − prompt length`, so
// every decode step of a text-only answer sits 2 × prompt length too far on: the answer "sees"
// its own prompt as far in the past, and a cached turn disagrees with a fresh one. With pictures,
// transformers.js computes positions another way and gets them right. This puts the text-only
// offset where the reference puts it.
//
// 2. A cached prompt. Given a cache and more than one new token, transformers.js sets
// `pixel_values: null`, then sees the key and runs the vision encoder on nothing ("Missing the
// following inputs: pixel_values"). The pictures of a cached prompt are in the cache already (the
// engine reuses a cache only with the same pictures), so a null `pixel_values` is dropped.

type Transformers = typeof import('@huggingface/transformers');
type Tensor = InstanceType<Transformers['Tensor']>;

interface TextOnlyRopeIndex {
  _get_text_only_rope_index(input_ids: Tensor, attention_mask: Tensor | null): [Tensor, Tensor];
}

/** Corrects the text-only decode positions of a loaded Qwen-VL model in place; other models are left alone. */
export function correctTextOnlyRopeDeltas(tf: Transformers, model: unknown): boolean {
  const vl = model as Partial<TextOnlyRopeIndex>;
  if (typeof vl._get_text_only_rope_index !== 'function') return false;
  const original = vl._get_text_only_rope_index.bind(vl);
  vl._get_text_only_rope_index = (input_ids, attention_mask) => {
    const [positions, deltas] = original(input_ids, attention_mask);
    if (!attention_mask) return [positions, deltas];
    const twicePromptLength = 2n * BigInt(attention_mask.dims[1]);
    const corrected = BigInt64Array.from(deltas.data as BigInt64Array, (delta) => delta - twicePromptLength);
    return [positions, new tf.Tensor('int64', corrected, deltas.dims)];
  };
  return true;
}

/** Drops a null `pixel_values` from each forward pass of a loaded Qwen-VL model. */
export function dropEmptyPictureInputs(model: { forward(inputs: unknown): Promise<unknown> }): void {
  const forward = model.forward.bind(model);
  model.forward = (inputs: unknown) => {
    const given = inputs as Record<string, unknown>;
    if (!('pixel_values' in given) || given.pixel_values !== null) return forward(inputs);
    const { pixel_values: _empty, ...rest } = given;
    return forward(rest);
  };
}

/**
 * 3. Normalisation. zai-org/GLM-OCR's preprocessor_config.json gives `image_mean`/`image_std` but
 * no `do_normalize` key. Hugging Face's Glm46VImageProcessor normalises unless told not to;
 * transformers.js 4.3.1's ImageProcessor reads the missing key as "don't", so the vision encoder
 * would get raw 0..1 pixels instead of the standardised ones it was trained on. A key the config
 * does give is left as it is. Returns whether it switched normalisation on.
 */
export function normalizeWhenUnsaid(imageProcessor: { do_normalize?: unknown; image_mean?: unknown }): boolean {
  if (imageProcessor.do_normalize !== undefined || imageProcessor.image_mean === undefined) return false;
  imageProcessor.do_normalize = true;
  return true;
}
