// A vision model's picture geometry read from its preprocessor_config.json, the way transformers.js
// 4.3.1's image processors read it, so the app resizes pictures (and counts their tokens) on the
// same grid the model's own processor uses.
import { QWEN_VL_GRID, type ImageGrid } from './image-budget';

/** Image processors whose area limits count `temporal_patch_size` frames (transformers.js picks the class by this name, "Fast" dropped). */
const TEMPORAL_AREA_PROCESSORS: ReadonlySet<string> = new Set(['Glm46VImageProcessor']);

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * The grid a preprocessor config describes. Qwen2VLImageProcessor takes `min_pixels`/`max_pixels`,
 * else `size.shortest_edge`/`size.longest_edge` (areas despite the names); a key the config leaves
 * out is Qwen3.5's, the geometry the app assumed before any model said otherwise.
 */
export function imageGridFromConfig(config: unknown): ImageGrid {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  const size = (typeof c.size === 'object' && c.size !== null ? c.size : {}) as Record<string, unknown>;
  const type = typeof c.image_processor_type === 'string' ? c.image_processor_type.replace(/Fast$/, '') : '';
  return {
    patchSize: positive(c.patch_size) ?? QWEN_VL_GRID.patchSize,
    mergeSize: positive(c.merge_size) ?? QWEN_VL_GRID.mergeSize,
    minPixels: positive(c.min_pixels) ?? positive(size.shortest_edge) ?? QWEN_VL_GRID.minPixels,
    maxPixels: positive(c.max_pixels) ?? positive(size.longest_edge) ?? QWEN_VL_GRID.maxPixels,
    temporalFactor: TEMPORAL_AREA_PROCESSORS.has(type) ? (positive(c.temporal_patch_size) ?? 2) : 1,
  };
}
