// @vitest-environment node
/**
 * The tiny GLM-OCR repo (test/fixtures/tiny-glm-ocr.ts) is in the onnx-community GLM-OCR-ONNX
 * layout and loads through transformers.js 4.3.1's own GLM-OCR classes: Glm46VProcessor widens
 * <|image|> to one token per 2×2 patches of 14 pixels, GlmOcrForConditionalGeneration runs the three
 * sessions with a plain KV cache, and the scripted reader's line follows the picture's pixels.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForImageTextToText, AutoProcessor, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../fixtures/onnx-graph-builder';
import { chatText, greedyAnswer, sessionDtypes, solidImage } from './support/vision-fixture-runs';
import { GLM_OCR_SESSIONS, NO_DOCUMENT_ANSWER, TINY_GLM_OCR, ensureGlmOcrModels, glmOcrSessionFile, invoiceLine, resolveGlmOcr } from '../fixtures/tiny-glm-ocr';

let root = '';
const fx = resolveGlmOcr(TINY_GLM_OCR);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'glm-ocr-fixture-'));
  await ensureGlmOcrModels(root);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + path.sep;
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('tiny GLM-OCR repo', () => {
  it('has the GLM-OCR config keys transformers.js reads, and a decoder with a plain KV cache and 3-D positions', async () => {
    const config = JSON.parse(await readFile(path.join(root, TINY_GLM_OCR.id, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('glm_ocr');
    expect(config.architectures).toEqual(['GlmOcrForConditionalGeneration']);
    expect(config.text_config.model_type).toBe('glm_ocr_text');
    expect(config.image_token_id).toBe(fx.tokenIds['<|image|>']);
    expect(config.vision_config.spatial_merge_size).toBe(2);
    const decoder = onnx.ModelProto.decode(await readFile(path.join(root, TINY_GLM_OCR.id, glmOcrSessionFile('decoder_model_merged', 'q8'))));
    const inputs = decoder.graph!.input!.map((i) => i.name);
    expect(inputs).toEqual(expect.arrayContaining(['inputs_embeds', 'attention_mask', 'position_ids', 'past_key_values.0.key', 'past_key_values.1.value']));
    expect(inputs.some((name) => name!.startsWith('past_conv') || name!.startsWith('past_recurrent'))).toBe(false);
    for (const session of GLM_OCR_SESSIONS) {
      for (const dtype of TINY_GLM_OCR.dtypes) await expect(readFile(path.join(root, TINY_GLM_OCR.id, glmOcrSessionFile(session, dtype)))).resolves.toBeTruthy();
    }
  });

  it('renders a picture as <|begin_of_image|><|image|><|end_of_image|> after [gMASK]<sop>, and ends on the assistant line', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_GLM_OCR.id);
    const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Text Recognition:' }] }]);
    expect(text.startsWith('[gMASK]<sop>')).toBe(true);
    expect(text).toContain('<|begin_of_image|><|image|><|end_of_image|>');
    expect(text.endsWith('<|assistant|>\n')).toBe(true);
  });

  it('Glm46VProcessor makes 64 patches of 1176 values and 16 <|image|> tokens from a 112×112 picture', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_GLM_OCR.id);
    expect(processor.constructor.name).toBe('Glm46VProcessor');
    const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Text Recognition:' }] }]);
    const inputs = await processor(text, solidImage([255, 0, 0], 112));
    expect(inputs.pixel_values.dims).toEqual([64, 1176]);
    expect(Array.from(inputs.image_grid_thw.data as BigInt64Array, Number)).toEqual([1, 8, 8]);
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    expect(ids.filter((id) => id === fx.tokenIds['<|image|>']).length).toBe(16);
  });

  it.each([
    ['red', [220, 30, 30]],
    ['green', [20, 180, 40]],
    ['blue', [30, 40, 230]],
  ] as const)('GlmOcrForConditionalGeneration reads the %s invoice line from a picture mostly that colour, in every weight format', async (colour, rgb) => {
    const processor = await AutoProcessor.from_pretrained(TINY_GLM_OCR.id);
    const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Text Recognition:' }] }]);
    const inputs = await processor(text, solidImage([...rgb], 112));
    for (const dtype of TINY_GLM_OCR.dtypes) {
      const load = async () => {
        const model = await AutoModelForImageTextToText.from_pretrained(TINY_GLM_OCR.id, { dtype: sessionDtypes(dtype) });
        expect(model.constructor.name).toBe('GlmOcrForConditionalGeneration');
        return model;
      };
      expect(await greedyAnswer(load, processor.tokenizer!, inputs), dtype).toBe(`${invoiceLine(colour)}<|user|>`);
    }
  });

  it('without a picture it says there is no document to read', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_GLM_OCR.id);
    const model = await AutoModelForImageTextToText.from_pretrained(TINY_GLM_OCR.id, { dtype: { embed_tokens: 'q8', vision_encoder: 'fp32', decoder_model_merged: 'q8' } as never });
    try {
      const tokenizer = processor.tokenizer!;
      const inputs = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'Text Recognition:' }]), { add_special_tokens: false });
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      expect(tokenizer.decode(fresh, { skip_special_tokens: true })).toBe(NO_DOCUMENT_ANSWER);
    } finally {
      await model.dispose();
    }
  });
});
