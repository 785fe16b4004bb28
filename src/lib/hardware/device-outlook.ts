// "Will it run here, and how fast?" for every model in the catalog (and the loaded one), before
// anything downloads: the backend and weights the app would pick, the predicted decode speed from
// this device's probe (onnxruntime's for ONNX and WebLLM builds, llama.cpp's own for GGUF builds),
// scaled by what earlier runs here taught it, the fit verdict, and the speed actually measured here
// once the model has answered.
import { chooseBackend, chooseDtype, type DeviceCapabilities } from '../engines/backend-selection';
import { webllmUnavailableReason } from '../engines/backend-fallback';
import type { Backend, Dtype, EngineKind } from '../engines/types';
import type { CatalogEntry } from '../models/catalog';
import { ggufWeightsLabel } from '../models/gguf/gguf-quant-name';
import { estimateModelBytes, fitVerdict, type DeviceBudget, type FitVerdict } from './fit-verdict';
import { CATALOG_SHAPES, type ModelShape } from './model-shapes';
import type { Correction } from './prediction-learning';
import type { ProbeResult } from './probe/probe-runner';
import type { LlamaCppProbeResult } from './probe/llamacpp-probe-runner';
import { predictDecode } from './speed-prediction';
import { predictLlamaCppDecode } from './llamacpp-speed-prediction';
import { toCsv, type CsvCell } from '../export/csv';

/** KV cache the verdict reserves: the app's answers plus a long conversation fit in it. */
export const OUTLOOK_CONTEXT_TOKENS = 4096;

export type OutlookEngine = EngineKind;

export interface OutlookModel {
  repoId: string;
  label: string;
  engine: OutlookEngine;
  shape: ModelShape | null;
  /** Weight formats offered per backend (WebLLM: its one build, WebGPU only). */
  dtypes: { wasm: readonly Dtype[]; webgpu: readonly Dtype[] };
  /** Set for WebLLM builds: why this device can't run it at all. */
  blockedReason?: string | null;
  /** Set for a model that already ran here: the backend and weights it ran with. */
  ranWith?: { backend: Backend; dtype: Dtype };
  /** GGUF builds: the quantization of the file each dtype loads (`Q4_K_M`). */
  ggufWeights?: Partial<Record<Dtype, string>>;
}

export interface OutlookRow {
  repoId: string;
  label: string;
  engine: OutlookEngine;
  backend: Backend | null;
  dtype: Dtype | null;
  /** The weights in the words of their format: a GGUF file's quantization (`Q4_K_M`); the dtype where absent. */
  weights?: string | null;
  /** Why the model can't run here at all; the other fields are then null. */
  unavailable: string | null;
  /** Predicted decode tok/s: the model's own figure and the one corrected by earlier runs. */
  predictedRaw: number | null;
  predicted: number | null;
  /**
   * The probe `predictedRaw` comes from: onnxruntime's kernels, or llama.cpp timed on its own
   * probe models (GGUF builds); null without a prediction. Always set by `outlookRow`.
   */
  predictedFrom?: PredictionSource | null;
  /** Runs on this device the correction comes from (0: uncorrected). */
  learnedRuns: number;
  verdict: FitVerdict | null;
  /** The last decode speed measured here for this model, backend and weights. */
  measured: number | null;
  /** What the prediction can't know (approximate shape, WebLLM's own kernels). */
  notes: string[];
  /** Weight bytes of the chosen format, estimated from the model's shape; null without a shape. */
  estimatedBytes: number | null;
}

export type PredictionSource = 'onnx-probe' | 'llamacpp-probe';

export interface OutlookInput {
  caps: DeviceCapabilities;
  budget: DeviceBudget;
  probes: Partial<Record<Backend, ProbeResult>>;
  /** llama.cpp's own probe per backend: GGUF builds are predicted from it, never from onnxruntime's. */
  llamaCppProbes?: Partial<Record<Backend, LlamaCppProbeResult>>;
  correction(engine: OutlookEngine, backend: Backend, dtype: Dtype): Correction;
  measured(repoId: string, backend: Backend, dtype: Dtype): number | null;
}

export function outlookModelOf(entry: CatalogEntry, caps: DeviceCapabilities): OutlookModel {
  if (entry.engine === 'webllm') {
    return {
      repoId: entry.repoId,
      label: entry.label,
      engine: 'webllm',
      shape: catalogShape(entry),
      dtypes: entry.dtypes,
      blockedReason: webllmUnavailableReason(entry, caps),
    };
  }
  if (entry.engine === 'llamacpp') {
    const offered = [...new Set([...entry.dtypes.wasm, ...entry.dtypes.webgpu])];
    return {
      repoId: entry.repoId,
      label: entry.label,
      engine: 'llamacpp',
      shape: catalogShape(entry),
      dtypes: entry.dtypes,
      ggufWeights: Object.fromEntries(offered.map((dtype) => [dtype, ggufWeightsLabel(entry.ggufFiles[dtype], dtype)])),
    };
  }
  return { repoId: entry.repoId, label: entry.label, engine: 'transformers', shape: catalogShape(entry), dtypes: entry.dtypes };
}

/**
 * A catalog build's published shape: its own, or for WebLLM and GGUF builds their ONNX twin's (a
 * GGUF build with no twin has its own). llama.cpp here loads the language model only (the vision
 * projector is a separate file it never fetches), so a twin's vision encoder is no part of a GGUF
 * build's bytes.
 */
export function catalogShape(entry: CatalogEntry): ModelShape | null {
  if (entry.engine === 'transformers') return CATALOG_SHAPES[entry.repoId] ?? null;
  if (entry.engine === 'webllm') return CATALOG_SHAPES[entry.sameModelAs] ?? null;
  const shape = CATALOG_SHAPES[entry.sameModelAs ?? entry.repoId];
  if (!shape) return null;
  const { visionParams: _textOnly, ...text } = shape;
  return text;
}

export function outlookRow(model: OutlookModel, input: OutlookInput): OutlookRow {
  const base = { repoId: model.repoId, label: model.label, engine: model.engine };
  const none = { backend: null, dtype: null, weights: null, predictedRaw: null, predicted: null, predictedFrom: null, learnedRuns: 0, verdict: null, measured: null, notes: [], estimatedBytes: null };
  if (model.blockedReason) return { ...base, ...none, unavailable: model.blockedReason };

  let backend: Backend;
  let dtype: Dtype;
  try {
    if (model.ranWith) {
      ({ backend, dtype } = model.ranWith);
    } else if (model.engine === 'webllm') {
      backend = 'webgpu';
      dtype = model.dtypes.webgpu[0];
    } else if (model.engine === 'llamacpp') {
      // The load takes the first file offered (4-bit: llama.cpp's K-quant kernels are its fastest on a CPU).
      backend = chooseBackend(input.caps, null).value;
      dtype = model.dtypes[backend][0];
    } else {
      backend = chooseBackend(input.caps, null).value;
      dtype = chooseDtype(backend, input.caps, model.dtypes[backend], null).value;
    }
  } catch (error) {
    return { ...base, ...none, unavailable: error instanceof Error ? error.message : String(error) };
  }
  if (!dtype) return { ...base, ...none, unavailable: 'No weights this device can run.' };

  const notes: string[] = [];
  if (model.shape?.approximate) notes.push(model.shape.approximate);
  if (model.engine === 'webllm') notes.push("Estimated from onnxruntime's WebGPU kernels; WebLLM's compiled kernels are often faster.");
  const bytes = model.shape ? estimateModelBytes(model.shape, dtype, model.engine) : null;
  let predictedRaw: number | null = null;
  let predicted: number | null = null;
  let predictedFrom: PredictionSource | null = null;
  let learnedRuns = 0;
  const prediction = model.shape ? predictRaw(model.engine, model.shape, dtype, backend, input) : null;
  if (prediction) {
    const correction = input.correction(model.engine, backend, dtype);
    predictedRaw = prediction.tokensPerSecond;
    predicted = prediction.tokensPerSecond * correction.factor;
    predictedFrom = prediction.source;
    learnedRuns = correction.runs;
    notes.push(...prediction.notes);
  } else if (model.engine === 'llamacpp' && model.shape) {
    notes.push(LLAMACPP_NOT_PROBED);
  }
  const verdict = model.shape
    ? fitVerdict(
        {
          shape: model.shape,
          dtype,
          backend,
          downloadBytes: bytes,
          contextTokens: OUTLOOK_CONTEXT_TOKENS,
          predictedTokensPerSecond: predicted,
          engine: model.engine,
        },
        input.budget,
      )
    : null;
  return {
    ...base,
    backend,
    dtype,
    weights: model.ggufWeights?.[dtype] ?? dtype,
    unavailable: null,
    predictedRaw,
    predicted,
    predictedFrom,
    learnedRuns,
    verdict,
    measured: input.measured(model.repoId, backend, dtype),
    notes: [...new Set(notes)],
    estimatedBytes: bytes,
  };
}

/** Said on a GGUF build's row until llama.cpp's probe has run on this device. */
export const LLAMACPP_NOT_PROBED = "No speed predicted for llama.cpp until this device is measured: onnxruntime's probe says little of llama.cpp's kernels.";

/**
 * The raw decode prediction for a model on `backend`, from the probe of its own runtime: GGUF
 * builds from llama.cpp's probe, the others from onnxruntime's. Null without that probe.
 */
export function predictRaw(
  engine: OutlookEngine,
  shape: ModelShape,
  dtype: Dtype,
  backend: Backend,
  input: Pick<OutlookInput, 'probes' | 'llamaCppProbes'>,
  contextTokens = 512,
): { tokensPerSecond: number; source: PredictionSource; notes: string[] } | null {
  if (engine === 'llamacpp') {
    const probe = input.llamaCppProbes?.[backend];
    if (!probe) return null;
    const p = predictLlamaCppDecode(shape, dtype, backend, probe, { contextTokens });
    return { tokensPerSecond: p.tokensPerSecond, source: 'llamacpp-probe', notes: p.notes };
  }
  const probe = input.probes[backend];
  if (!probe) return null;
  const p = predictDecode(shape, dtype, backend, probe, { contextTokens });
  return { tokensPerSecond: p.tokensPerSecond, source: 'onnx-probe', notes: p.notes };
}

/** How a row's decode speed is known: measured here, predicted and corrected by runs here, predicted only, or not at all. */
export type DecodeSpeedBasis = 'measured' | 'learned' | 'predicted' | 'none';

/** What an engine choice weighs per build: the row's decode speed here and how it is known. */
export interface DecodeSpeedFact {
  repoId: string;
  engine: OutlookEngine;
  backend: Backend | null;
  dtype: Dtype | null;
  /** The measured speed where there is one, else the corrected prediction, else null. */
  decodeTokensPerSecond: number | null;
  /** The corrected prediction alone (null without a probe of the build's own runtime). */
  predictedTokensPerSecond: number | null;
  basis: DecodeSpeedBasis;
  predictedFrom: PredictionSource | null;
  fit: FitVerdict['verdict'] | null;
  unavailable: string | null;
}

export function decodeSpeedFact(row: OutlookRow): DecodeSpeedFact {
  const basis: DecodeSpeedBasis = row.measured !== null ? 'measured' : row.predicted === null ? 'none' : row.learnedRuns > 0 ? 'learned' : 'predicted';
  return {
    repoId: row.repoId,
    engine: row.engine,
    backend: row.backend,
    dtype: row.dtype,
    decodeTokensPerSecond: row.measured ?? row.predicted,
    predictedTokensPerSecond: row.predicted,
    basis,
    predictedFrom: row.predictedFrom ?? null,
    fit: row.verdict?.verdict ?? null,
    unavailable: row.unavailable,
  };
}

const CSV_HEADER = ['model', 'repo', 'engine', 'backend', 'weights', 'predicted_decode_tok_s', 'uncorrected_tok_s', 'learned_runs', 'measured_decode_tok_s', 'verdict', 'reason'];

/** The outlook as CSV, one row per model, numbers unformatted so a spreadsheet can use them. */
export function outlookToCsv(rows: readonly OutlookRow[]): string {
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
  const lines = rows.map((r): CsvCell[] => [
    r.label,
    r.repoId,
    r.engine,
    r.backend,
    r.weights ?? r.dtype,
    round(r.predicted),
    round(r.predictedRaw),
    r.learnedRuns,
    round(r.measured),
    r.unavailable ? 'unavailable' : (r.verdict?.verdict ?? null),
    r.unavailable ?? r.verdict?.reason ?? null,
  ]);
  return toCsv([CSV_HEADER, ...lines]);
}
