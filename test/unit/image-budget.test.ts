import { describe, expect, it } from 'vitest';
import { DEFAULT_PIXEL_BUDGET, ImageShapeError, QWEN_VL_GRID, planImage } from '../../src/lib/vision/image-budget';

describe('planImage', () => {
  it('keeps a picture inside the pixel budget, on the 32-pixel grid, with its aspect ratio', () => {
    const photo = planImage(4032, 3024); // a phone photo
    expect(photo.width * photo.height).toBeLessThanOrEqual(DEFAULT_PIXEL_BUDGET);
    expect(photo.width % 32).toBe(0);
    expect(photo.height % 32).toBe(0);
    expect(photo.width / photo.height).toBeCloseTo(4 / 3, 1);
    expect(photo).toEqual({ width: 512, height: 384, tokens: 192 });
  });

  it('counts one token per 32×32 pixels (2×2 patches of 16)', () => {
    expect(planImage(448, 448)).toEqual({ width: 448, height: 448, tokens: 196 });
    expect(planImage(448, 448, 1024 * 1024)).toEqual({ width: 448, height: 448, tokens: 196 });
  });

  it('upscales a small picture to the processor minimum, as the model would', () => {
    // 224² is below 65,536 px: transformers.js's own processor makes it 256² (64 tokens).
    expect(planImage(224, 224)).toEqual({ width: 256, height: 256, tokens: 64 });
    expect(planImage(10, 12).tokens).toBeGreaterThanOrEqual(QWEN_VL_GRID.minPixels / 1024);
  });

  it('a smaller budget means fewer tokens, never fewer than one', () => {
    expect(planImage(2000, 2000, 256 * 256).tokens).toBe(64);
    expect(planImage(2000, 2000, 1).tokens).toBe(1);
  });

  it('names a picture it cannot take', () => {
    expect(() => planImage(0, 10)).toThrow(ImageShapeError);
    expect(() => planImage(Number.NaN, 10)).toThrow('must have a size');
    expect(() => planImage(10_000, 20)).toThrow('up to 200:1');
  });
});
