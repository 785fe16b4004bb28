// What a row of the Models view rates and loads. A model's own row (its ONNX entry, or an id picked
// in the chat) stands for the model, so it shows and loads the build the chat's Load would run:
// Auto's pick among the model's builds, or the build of the engine the user asked for. A row of one
// build by name (a GGUF file, a WebLLM build) shows and loads that build, as picked.
import type { OutlookRow } from '../hardware/device-outlook';
import { buildToLoad, type MeasuredSpeed } from '../engines/engine-variants';
import type { EngineChoice, EngineVariant } from '../engines/engine-choice';
import type { EngineKind } from '../engines/types';
import { familyEngines, modelFamily } from './model-family';

export interface RowBuild {
  /** Which build runs and why, for a model with builds on more than one engine; null otherwise. */
  choice: EngineChoice | null;
  /** The build Load runs when it is another than the row's own (its GGUF file, its WebLLM build). */
  other: { repoId: string; engine: EngineKind } | null;
  /** How the build Load runs is rated here: the row's own outlook when it runs the row's own build. */
  rating: OutlookRow | null;
}

export function rowBuild(
  repoId: string,
  own: OutlookRow | null,
  rows: readonly OutlookRow[],
  measured: readonly MeasuredSpeed[],
  override: EngineKind | null,
): RowBuild {
  const family = modelFamily(repoId, measured.map((m) => m.repoId));
  if (family.base !== repoId || familyEngines(family).length < 2) return { choice: null, other: null, rating: own };
  const choice = buildToLoad(repoId, rows, measured, override)!;
  const picked = choice.variant;
  if (picked.repoId === repoId) return { choice, other: null, rating: own };
  const rating = rows.find((r) => r.repoId === picked.repoId && r.engine === picked.engine) ?? ratingOfVariant(picked);
  return { choice, other: { repoId: picked.repoId, engine: picked.engine }, rating };
}

/** A build outside the catalog has no outlook row: what it measured here is all there is to show. */
function ratingOfVariant(v: EngineVariant): OutlookRow {
  return {
    repoId: v.repoId,
    label: v.repoId,
    engine: v.engine,
    backend: v.backend,
    dtype: v.dtype,
    weights: v.weights,
    unavailable: v.unavailable,
    predictedRaw: null,
    predicted: v.predicted,
    learnedRuns: 0,
    verdict: v.fit ? { verdict: v.fit, reason: v.fitReason ?? '', checks: [] } : null,
    measured: v.measured,
    notes: [],
    estimatedBytes: null,
  };
}
