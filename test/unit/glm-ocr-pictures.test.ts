// @vitest-environment node
// GLM-OCR through the app's own picture path: its export is laid out in three sessions, its
// processor widens <|image|> (not Qwen's <|image_pad|>), and its image processor normalises the
// pictures as Hugging Face's does although the config has no do_normalize key. Runs the real
// transformers.js 4.3.1 classes on the generated tiny GLM-OCR.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_GLM_OCR, ensureGlmOcrModels, invoiceLine, resolveGlmOcr } from '../fixtures/tiny-glm-ocr';
import { TINY_QWEN35_VISION, ensureQwen35Models } from '../fixtures/tiny-qwen35';
import { imagePadToken, visionInputs, type ImageProcessorLike } from '../../src/lib/engines/transformers/vision-prompt';
import { modelLayout } from '../../src/lib/engines/transformers/session-dtypes';
import { normalizeWhenUnsaid } from '../../src/lib/engines/transformers/qwen-vl-workarounds';
import type { ChatImage, ChatMessage, GenerationParams } from '../../src/lib/engines/types';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'glm-ocr-pictures-'));
  await ensureGlmOcrModels(root);
  await ensureQwen35Models(root, [TINY_QWEN35_VISION]);
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = root + path.sep;
}, 120_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const PARAMS: GenerationParams = { maxNewTokens: 16, temperature: 0, topP: 1, enableThinking: false };
const ids = resolveGlmOcr(TINY_GLM_OCR).tokenIds;

function solid(rgb: [number, number, number], size = 112): ChatImage {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) rgba.set([...rgb, 255], i * 4);
  return { name: 'invoice.png', width: size, height: size, rgba };
}

const askAbout = (image: ChatImage): ChatMessage[] => [{ role: 'user', content: 'Text Recognition:', images: [image] }];

async function glmProcessor(): Promise<ImageProcessorLike> {
  return (await tf.AutoProcessor.from_pretrained(TINY_GLM_OCR.id)) as unknown as ImageProcessorLike;
}

describe('GLM-OCR pictures', () => {
  it('is laid out as a vision-language export (embed_tokens, vision_encoder, decoder_model_merged)', () => {
    expect(modelLayout({ model_type: 'glm_ocr', architectures: ['GlmOcrForConditionalGeneration'] })).toBe('vision-language');
  });

  it('widens <|image|> to one token per 2×2 patches: 16 for a 112×112 picture', async () => {
    const processor = await glmProcessor();
    expect(imagePadToken(processor)).toBe('<|image|>');
    const inputs = await visionInputs(tf, processor, askAbout(solid([220, 30, 30])), PARAMS, ids['<|image|>']!);
    expect(inputs.imageTokens).toBe(16);
    expect(Array.from(inputs.image_grid_thw.data as BigInt64Array, Number)).toEqual([1, 8, 8]);
    expect(inputs.pixel_values.dims).toEqual([64, 1176]);
  });

  it("still widens Qwen's <|image_pad|> for Qwen3.5", async () => {
    const processor = (await tf.AutoProcessor.from_pretrained(TINY_QWEN35_VISION.id)) as unknown as ImageProcessorLike;
    expect(imagePadToken(processor)).toBe('<|image_pad|>');
  });

  it('normalises with the CLIP mean and std although the config says nothing of do_normalize', async () => {
    const processor = await glmProcessor();
    const inputs = await visionInputs(tf, processor, askAbout(solid([255, 0, 0])), PARAMS, ids['<|image|>']!);
    // Each patch row is 3 channel blocks of 2 × 14 × 14 values: red (1 − 0.4815) / 0.2686, green (0 − 0.4578) / 0.2613.
    const row = inputs.pixel_values.data as Float32Array;
    expect(row[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 3);
    expect(row[392]).toBeCloseTo((0 - 0.4578275) / 0.26130258, 3);
  });

  it('leaves a do_normalize the config does give as it is', () => {
    const said = { do_normalize: false, image_mean: [0.5, 0.5, 0.5] };
    expect(normalizeWhenUnsaid(said)).toBe(false);
    expect(said.do_normalize).toBe(false);
  });

  it('GlmOcrForConditionalGeneration answers the prompt visionInputs builds with the line of the picture', async () => {
    const processor = await glmProcessor();
    const model = await tf.AutoModelForImageTextToText.from_pretrained(TINY_GLM_OCR.id, {
      dtype: { embed_tokens: 'q8', vision_encoder: 'fp32', decoder_model_merged: 'q8' } as never,
    });
    try {
      const inputs = await visionInputs(tf, processor, askAbout(solid([30, 40, 230])), PARAMS, ids['<|image|>']!);
      const out = (await model.generate({
        input_ids: inputs.input_ids,
        attention_mask: inputs.attention_mask,
        pixel_values: inputs.pixel_values,
        image_grid_thw: inputs.image_grid_thw,
        max_new_tokens: 8,
        do_sample: false,
      } as never)) as unknown as { data: BigInt64Array };
      const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      expect((processor as unknown as { tokenizer: tf.PreTrainedTokenizer }).tokenizer.decode(fresh, { skip_special_tokens: true })).toBe(invoiceLine('blue'));
    } finally {
      await model.dispose();
    }
  });
});
