// How a conversation with pictures becomes a vision-language model's input. The model's own chat
// template places an image marker (Qwen: <|vision_start|><|image_pad|><|vision_end|>, GLM-OCR:
// <|begin_of_image|><|image|><|end_of_image|>) where each picture goes; each picture becomes
// patches (`pixel_values`, with its grid in `image_grid_thw`) and its pad token (the processor
// class's `image_token`) is widened to one per 2×2 patches, so the prompt holds exactly as many
// image tokens as the vision encoder returns features. transformers.js 4.3.1's Qwen2VLProcessor
// reads several pictures in one call as the frames of one video (one grid for all), so each
// picture goes through the image processor on its own and the results are joined here.
import type { ChatImage, ChatMessage, GenerationParams } from '../types';
import { renderedPrompt, templateMessage, type ChatTemplater, type TemplateMessage } from './chat-prompt';
import { normalizeWhenUnsaid } from './qwen-vl-workarounds';

type Transformers = typeof import('@huggingface/transformers');
type Tensor = InstanceType<Transformers['Tensor']>;

/** The part of a transformers.js processor (Qwen2VLProcessor) a picture prompt needs. */
export interface ImageProcessorLike extends ChatTemplater {
  image_processor: ((image: unknown) => Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>) & { config: { merge_size?: number } };
  tokenizer: (text: string) => { input_ids: Tensor; attention_mask: Tensor };
}

/** Qwen2VLProcessor's pad token; a subclass names its own (Glm46VProcessor: <|image|>). */
const DEFAULT_IMAGE_PAD = '<|image_pad|>';

/** The token the processor widens per picture, as transformers.js' processor class declares it. */
export function imagePadToken(processor: object): string {
  const declared = (processor.constructor as { image_token?: unknown }).image_token;
  return typeof declared === 'string' && declared ? declared : DEFAULT_IMAGE_PAD;
}

export interface VisionInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
  pixel_values: Tensor;
  image_grid_thw: Tensor;
  /** The pictures, in prompt order (for matching a cached conversation). */
  images: ChatImage[];
  /** Pad tokens that stand for pictures in input_ids. */
  imageTokens: number;
}

/** A user message with pictures as the template's content parts: the pictures first, then the text. */
function withImageParts(message: ChatMessage): TemplateMessage {
  const base = templateMessage(message);
  if (!message.images?.length) return base;
  return { ...base, content: [...message.images.map(() => ({ type: 'image' as const })), { type: 'text' as const, text: message.content }] };
}

export async function visionInputs(
  tf: Transformers,
  processor: ImageProcessorLike,
  messages: readonly ChatMessage[],
  params: GenerationParams,
  imageTokenId: number,
): Promise<VisionInputs> {
  normalizeWhenUnsaid(processor.image_processor as never);
  const text = renderedPrompt(processor, messages.map(withImageParts), params);
  const images = messages.flatMap((message) => message.images ?? []);
  const processed: { pixel_values: Tensor; image_grid_thw: Tensor }[] = [];
  for (const image of images) processed.push(await processor.image_processor(new tf.RawImage(image.rgba, image.width, image.height, 4)));
  const mergeArea = (processor.image_processor.config.merge_size ?? 2) ** 2;
  const pad = imagePadToken(processor);
  const parts = text.split(pad);
  if (parts.length - 1 !== images.length) {
    throw new Error(`The chat template placed ${parts.length - 1} picture markers for ${images.length} pictures.`);
  }
  const expanded = parts.reduce((prompt, part, i) => {
    if (i === 0) return part;
    const grid = Array.from(processed[i - 1].image_grid_thw.data as BigInt64Array, Number);
    return prompt + pad.repeat(grid.reduce((a, b) => a * b, 1) / mergeArea) + part;
  }, '');
  const tokens = processor.tokenizer(expanded);
  const ids = tokens.input_ids.data as BigInt64Array;
  let imageTokens = 0;
  for (const id of ids) if (id === BigInt(imageTokenId)) imageTokens++;
  return {
    input_ids: tokens.input_ids,
    attention_mask: tokens.attention_mask,
    pixel_values: tf.cat(processed.map((p) => p.pixel_values), 0),
    image_grid_thw: tf.cat(processed.map((p) => p.image_grid_thw), 0),
    images,
    imageTokens,
  };
}

/**
 * A picture's identity for the conversation cache: two pictures of the same size give the same
 * prompt tokens, so ids alone can't tell whether a cached prefix saw the same pixels.
 * FNV-1a over every byte: exact, and about a millisecond for a 448×448 picture.
 */
export function pictureFingerprint(image: ChatImage): string {
  let hash = 0x811c9dc5;
  const data = image.rgba;
  for (let i = 0; i < data.length; i++) {
    hash ^= data[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return `${image.width}x${image.height}:${(hash >>> 0).toString(16)}`;
}
