// How big a picture is when it reaches a vision model, and what it costs in tokens. Qwen2-VL-style
// processors cut a picture into patches and merge 2×2 of them into one token, after resizing it to
// multiples of patch × merge pixels between a minimum and a maximum area: 16-pixel patches (32-pixel
// cells) for Qwen3.5, 14-pixel patches (28-pixel cells) for GLM-OCR. The app does that resize
// itself, on the device, with the loaded model's own geometry, before the picture leaves the page
// for the worker: the worker gets exactly the pixels the model will see (its processor leaves a
// picture already on its grid as it is), and the "≈ N image tokens" shown before sending is the
// number the model will read.

export interface ImageGrid {
  /** Patch edge in pixels (`patch_size`). */
  patchSize: number;
  /** Patches merged per token along each edge (`merge_size`). */
  mergeSize: number;
  /** Smallest area the processor accepts (it upscales below this). */
  minPixels: number;
  /** Largest area the processor accepts. */
  maxPixels: number;
  /**
   * Frames the area limits are counted over: GLM's processor (Glm46VImageProcessor) checks
   * `temporal_patch_size` × width × height against them, Qwen's checks width × height (1).
   */
  temporalFactor: number;
}

/** Qwen3.5's preprocessor_config.json (patch 16, merge 2, min 65,536 px). */
export const QWEN_VL_GRID: Readonly<ImageGrid> = Object.freeze({
  patchSize: 16,
  mergeSize: 2,
  minPixels: 65_536,
  maxPixels: 16_777_216,
  temporalFactor: 1,
});

/**
 * The app's own cap on a picture's area: 448×448. About 200 image tokens, which a 0.8B model
 * prefills in seconds on WASM; a receipt or a chart is still legible at this size.
 */
export const DEFAULT_PIXEL_BUDGET = 448 * 448;

/** How the app sizes pictures for the loaded model: its own cap and the model's grid. */
export interface PictureSizing {
  /** Largest area of a picture, in pixels, that the app sends. */
  pixelBudget: number;
  grid: Readonly<ImageGrid>;
}

/** Sizing for Qwen3.5 under the app's default cap: what pictures get when no model says otherwise. */
export const DEFAULT_PICTURE_SIZING: Readonly<PictureSizing> = Object.freeze({ pixelBudget: DEFAULT_PIXEL_BUDGET, grid: QWEN_VL_GRID });

export function sameSizing(a: PictureSizing, b: PictureSizing): boolean {
  const [x, y] = [a.grid, b.grid];
  return (
    a.pixelBudget === b.pixelBudget &&
    x.patchSize === y.patchSize &&
    x.mergeSize === y.mergeSize &&
    x.minPixels === y.minPixels &&
    x.maxPixels === y.maxPixels &&
    x.temporalFactor === y.temporalFactor
  );
}

/** The most extreme aspect ratio the processor takes (it throws beyond 200:1). */
const MAX_ASPECT_RATIO = 200;

export interface PlannedImage {
  width: number;
  height: number;
  /** Tokens the model reads for this picture. */
  tokens: number;
}

export class ImageShapeError extends Error {
  override name = 'ImageShapeError';
}

/**
 * The size a `width`×`height` picture is resized to (multiples of patch × merge, within the
 * processor's area limits and `pixelBudget`, aspect ratio kept as closely as the grid allows), and
 * its token count. Mirrors transformers.js's `smart_resize` with the budget as its maximum.
 */
export function planImage(width: number, height: number, pixelBudget = DEFAULT_PIXEL_BUDGET, grid: Readonly<ImageGrid> = QWEN_VL_GRID): PlannedImage {
  if (!(width >= 1 && height >= 1) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new ImageShapeError(`A picture must have a size; this one is ${width}×${height} pixels.`);
  }
  if (Math.max(width, height) / Math.min(width, height) > MAX_ASPECT_RATIO) {
    throw new ImageShapeError(`This picture is ${width}×${height} pixels: a model can read pictures up to ${MAX_ASPECT_RATIO}:1, not a strip this thin.`);
  }
  const factor = grid.patchSize * grid.mergeSize;
  // The processor's limits as plain areas, so the budget (an area) compares with them directly.
  const maxPixels = Math.max(factor * factor, Math.min(grid.maxPixels / grid.temporalFactor, pixelBudget));
  const minPixels = Math.min(grid.minPixels / grid.temporalFactor, maxPixels);
  let w = width;
  let h = height;
  if (h < factor || w < factor) {
    const scale = Math.max(factor / h, factor / w);
    h = Math.round(h * scale);
    w = Math.round(w * scale);
  }
  let hBar = Math.round(h / factor) * factor;
  let wBar = Math.round(w / factor) * factor;
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((h * w) / maxPixels);
    hBar = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (h * w));
    hBar = Math.ceil((h * beta) / factor) * factor;
    wBar = Math.ceil((w * beta) / factor) * factor;
  }
  return { width: wBar, height: hBar, tokens: (wBar / factor) * (hBar / factor) };
}
