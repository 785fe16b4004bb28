// A model family's builds as the engine choice weighs them: each build's outlook row (backend and
// weights Auto would use, fit, predicted and measured speed) plus its estimated peak memory. A build
// outside the catalog has no row; what it measured here is all there is to weigh.
import type { OutlookRow } from '../hardware/device-outlook';
import { llamaCppPeakBytes, STORED_MODEL_WASM_LOAD_PATH, wasmLoadNeeds } from '../hardware/fit-verdict';
import { CATALOG_SHAPES } from '../hardware/model-shapes';
import { findCatalogEntry } from '../models/catalog';
import { familyEngines, modelFamily, type ModelFamily } from '../models/model-family';
import type { Backend, Dtype, EngineKind } from './types';
import { chooseEngine, type EngineChoice, type EngineVariant } from './engine-choice';

/** A decode speed measured here, as the outlook keeps them. */
export interface MeasuredSpeed {
  repoId: string;
  backend: Backend;
  dtype: Dtype;
  tokensPerSecond: number;
}

/**
 * The outlook's measured speeds are keyed `repoId|backend|dtype` (src/state/device-outlook.svelte.ts);
 * a repo id never holds a `|`.
 */
export function measuredSpeeds(measured: Readonly<Record<string, number>>): MeasuredSpeed[] {
  return Object.entries(measured).flatMap(([key, tokensPerSecond]) => {
    const [repoId, backend, dtype] = key.split('|');
    return repoId && backend && dtype ? [{ repoId, backend: backend as Backend, dtype: dtype as Dtype, tokensPerSecond }] : [];
  });
}

/**
 * The build Load runs for the model picked as `repoId`, and why: the one decision the chat's Load
 * and the Models view's rows share. Null where the model has builds for one engine only and the
 * user asked for none.
 */
export function buildToLoad(
  repoId: string,
  rows: readonly OutlookRow[],
  measured: readonly MeasuredSpeed[],
  override: EngineKind | null,
): EngineChoice | null {
  const family = modelFamily(repoId, measured.map((m) => m.repoId));
  if (familyEngines(family).length < 2 && !override) return null;
  return chooseEngine(familyVariants(family, rows, measured), { override, picked: repoId, pickedBuild: family.base !== repoId });
}

export function familyVariants(family: ModelFamily, rows: readonly OutlookRow[], measured: readonly MeasuredSpeed[]): EngineVariant[] {
  return family.members.flatMap(({ repoId, engine }): EngineVariant[] => {
    const row = rows.find((r) => r.repoId === repoId && r.engine === engine);
    if (row) return [variantOfRow(row)];
    const runs = measured.filter((m) => m.repoId === repoId);
    const bare = { repoId, engine, unavailable: null, fit: null, fitReason: null, predicted: null, peakBytes: null };
    if (runs.length === 0) return [{ ...bare, backend: null, dtype: null, weights: null, measured: null }];
    return runs.map((m) => ({ ...bare, backend: m.backend, dtype: m.dtype, weights: m.dtype, measured: m.tokensPerSecond }));
  });
}

function variantOfRow(row: OutlookRow): EngineVariant {
  return {
    repoId: row.repoId,
    engine: row.engine,
    backend: row.backend,
    dtype: row.dtype,
    weights: row.weights ?? row.dtype,
    unavailable: row.unavailable,
    fit: row.verdict?.verdict ?? null,
    fitReason: row.verdict?.reason ?? null,
    measured: row.measured,
    predicted: row.predicted,
    peakBytes: peakBytes(row),
  };
}

/** The tab's peak memory for the build, from the same measured ratios the fit verdict uses. */
function peakBytes(row: OutlookRow): number | null {
  const bytes = row.estimatedBytes;
  if (bytes === null || !row.backend || !row.dtype) return null;
  const entry = findCatalogEntry(row.repoId);
  if (entry?.engine === 'webllm') return entry.vramRequiredMB * 2 ** 20;
  // On WebGPU the weight file passes through JS memory once on its way to the GPU.
  if (row.backend === 'webgpu') return 2 * bytes;
  if (row.engine === 'llamacpp') return llamaCppPeakBytes(bytes);
  const shape = CATALOG_SHAPES[row.repoId];
  return shape ? wasmLoadNeeds(bytes, shape, row.dtype, STORED_MODEL_WASM_LOAD_PATH).peakBytes : null;
}
