// @vitest-environment node
// The "≈ N image tokens" shown before sending is the app's plan for a picture on the loaded model's
// grid. These run the real transformers.js 4.3.1 image processors (chosen by AutoImageProcessor from
// the fixtures' preprocessor_config.json, as the engine's are) on the planned pictures: the processor
// must keep each one as it is, and cut it into exactly the planned number of tokens — for Qwen3.5
// (16-pixel patches, 2×2 merged, at least 65,536 px) and for GLM-OCR (14-pixel patches, 2×2 merged,
// its minimum counted over two frames).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_GLM_OCR, resolveGlmOcr } from '../fixtures/tiny-glm-ocr';
import { TINY_QWEN35_VISION, resolveQwen35 } from '../fixtures/tiny-qwen35';
import { DEFAULT_PIXEL_BUDGET, QWEN_VL_GRID, planImage, type ImageGrid } from '../../src/lib/vision/image-budget';
import { imageGridFromConfig } from '../../src/lib/vision/processor-grid';

type ImageProcessor = ((image: unknown) => Promise<{ image_grid_thw: tf.Tensor; reshaped_input_sizes: [number, number][] }>) & {
  config: Record<string, unknown>;
};

const CONFIGS = {
  qwen: resolveQwen35(TINY_QWEN35_VISION).preprocessorConfig,
  glm: resolveGlmOcr(TINY_GLM_OCR).preprocessorConfig,
};

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'picture-geometry-'));
  for (const [name, config] of Object.entries(CONFIGS)) {
    await mkdir(path.join(root, name), { recursive: true });
    await writeFile(path.join(root, name, 'preprocessor_config.json'), JSON.stringify(config));
  }
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = root + path.sep;
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function processorOf(name: keyof typeof CONFIGS): Promise<ImageProcessor> {
  return (await tf.AutoImageProcessor.from_pretrained(name)) as unknown as ImageProcessor;
}

/** What the processor makes of a width×height picture: its size after resizing and its tokens. */
async function processed(processor: ImageProcessor, width: number, height: number): Promise<{ width: number; height: number; tokens: number }> {
  const rgba = new Uint8ClampedArray(width * height * 4).fill(128);
  const out = await processor(new tf.RawImage(rgba, width, height, 4));
  const [t, h, w] = Array.from(out.image_grid_thw.data as BigInt64Array, Number);
  const merge = Number(processor.config.merge_size);
  const [resizedHeight, resizedWidth] = out.reshaped_input_sizes[0];
  return { width: resizedWidth, height: resizedHeight, tokens: (t * h * w) / (merge * merge) };
}

/** Phone photo, screenshot, receipt strip, square, small icon, tiny: every branch of the resize. */
const SIZES: [number, number][] = [
  [4032, 3024],
  [1366, 768],
  [300, 1000],
  [448, 448],
  [224, 224],
  [112, 112],
  [50, 50],
  [20, 600],
];

describe('picture geometry read from preprocessor_config.json', () => {
  it("reads Qwen3.5's grid: 16-pixel patches, 2×2 merged, areas 65,536 to 16,777,216 px", () => {
    expect(imageGridFromConfig(CONFIGS.qwen)).toEqual({ ...QWEN_VL_GRID });
  });

  it("reads GLM-OCR's grid: 14-pixel patches, 2×2 merged, areas counted over its two frames", () => {
    expect(imageGridFromConfig(CONFIGS.glm)).toEqual({ patchSize: 14, mergeSize: 2, minPixels: 12_544, maxPixels: 9_633_792, temporalFactor: 2 });
  });

  it('takes min_pixels / max_pixels over size, and Qwen3.5 values for keys a config leaves out', () => {
    expect(imageGridFromConfig({ patch_size: 14, min_pixels: 3136, max_pixels: 1_003_520, size: { shortest_edge: 1, longest_edge: 2 } })).toEqual({
      patchSize: 14,
      mergeSize: 2,
      minPixels: 3136,
      maxPixels: 1_003_520,
      temporalFactor: 1,
    });
    expect(imageGridFromConfig(null)).toEqual({ ...QWEN_VL_GRID });
  });
});

describe.each([
  ['qwen', 'Qwen3.5'],
  ['glm', 'GLM-OCR'],
] as const)('the estimate for %s is what its processor makes of the picture', (name, label) => {
  it.each(SIZES)(`${label}: a %i×%i picture`, async (width, height) => {
    const processor = await processorOf(name);
    const grid: ImageGrid = imageGridFromConfig(processor.config);
    const plan = planImage(width, height, DEFAULT_PIXEL_BUDGET, grid);
    // The processor leaves the planned picture as it is and reads it as the planned tokens.
    expect(await processed(processor, plan.width, plan.height)).toEqual(plan);
  });
});

describe('the numbers shown for a 112×112 picture', () => {
  it('Qwen3.5 enlarges it to 256×256: 8 × 8 cells of 32 px, 64 tokens', () => {
    expect(planImage(112, 112, DEFAULT_PIXEL_BUDGET, imageGridFromConfig(CONFIGS.qwen))).toEqual({ width: 256, height: 256, tokens: 64 });
  });

  it('GLM-OCR keeps it (two frames of 112² clear its 12,544 px minimum): 4 × 4 cells of 28 px, 16 tokens', async () => {
    expect(planImage(112, 112, DEFAULT_PIXEL_BUDGET, imageGridFromConfig(CONFIGS.glm))).toEqual({ width: 112, height: 112, tokens: 16 });
    expect(await processed(await processorOf('glm'), 112, 112)).toEqual({ width: 112, height: 112, tokens: 16 });
  });

  it('GLM-OCR enlarges a 50×50 icon only as far as its own minimum: 84×84, 9 tokens', async () => {
    expect(planImage(50, 50, DEFAULT_PIXEL_BUDGET, imageGridFromConfig(CONFIGS.glm))).toEqual({ width: 84, height: 84, tokens: 9 });
    expect(await processed(await processorOf('glm'), 50, 50)).toEqual({ width: 84, height: 84, tokens: 9 });
  });
});
