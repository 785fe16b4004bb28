// Will a model run here, before downloading it? Its bytes (weights, KV cache at the context the
// user wants) against what this device admits to: storage left, the WASM heap, RAM, the WebGPU
// adapter's buffer limits — and the predicted speed. Each check says what it compared, or that
// the browser doesn't tell (WebGPU never reports GPU memory); the verdict is data for the UI.
import type { Backend, Dtype } from '../engines/types';
import { formatBytes } from '../render/format';
import type { HardwareReport } from './hardware-report';
import type { ModelShape } from './model-shapes';
import { BYTES_PER_WEIGHT, kvCacheBytes, layerWeights } from './speed-prediction';

/** Below this predicted decode speed a model is called slow (reading speed is ~5 words/s). */
export const SLOW_TOKENS_PER_SECOND = 5;
/** onnxruntime-web's WASM build is 32-bit: one heap of at most 4 GiB holds weights and activations. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

export interface DeviceBudget {
  /** The adapter's maxima; null without WebGPU or where unreported. */
  maxBufferSize: number | null;
  maxStorageBufferBindingSize: number | null;
  /** No browser reports GPU memory through WebGPU today; a number only if one ever does. */
  gpuMemoryBytes: number | null;
  /** navigator.deviceMemory: rounded down to a power of two and capped (8 GiB in Chrome). */
  deviceMemoryBytes: number | null;
  /** Storage quota minus usage. */
  storageFreeBytes: number | null;
}

export function deviceBudgetFromReport(report: HardwareReport): DeviceBudget {
  const limits = report.webgpu.available ? report.webgpu.limits : null;
  const { usageBytes, quotaBytes } = report.storage;
  return {
    maxBufferSize: limits?.maxBufferSize ?? null,
    maxStorageBufferBindingSize: limits?.maxStorageBufferBindingSize ?? null,
    gpuMemoryBytes: null,
    deviceMemoryBytes: report.memory.deviceMemoryGB === null ? null : report.memory.deviceMemoryGB * 2 ** 30,
    storageFreeBytes: quotaBytes === null ? null : quotaBytes - (usageBytes ?? 0),
  };
}

export interface FitInput {
  shape: ModelShape;
  dtype: Dtype;
  backend: Backend;
  /** Bytes still to download (0 when stored); null when the listing gave no sizes. */
  downloadBytes: number | null;
  /** Bytes of the weight files from the listing; estimated from the shape when null. */
  modelBytes?: number | null;
  /** Tokens of context the KV cache must hold (e.g. the model's context window, or the app's limit). */
  contextTokens: number;
  /** Predicted decode tok/s (corrected, when the device has learned one); null when unknown. */
  predictedTokensPerSecond: number | null;
}

export type FitStatus = 'ok' | 'slow' | 'wont-fit' | 'unknown';
export type FitCheckKind = 'storage' | 'wasm-heap' | 'ram' | 'gpu-buffer' | 'gpu-memory' | 'speed';

export interface FitCheck {
  kind: FitCheckKind;
  status: FitStatus;
  message: string;
}

export interface FitVerdict {
  verdict: 'fits' | 'slow' | 'wont-fit';
  /** The check that decided, in words (the first failing one, else a summary). */
  reason: string;
  checks: FitCheck[];
}

/**
 * Weight bytes estimated from the shape: the layers, the embedding table, a separate lm_head, and a
 * vision encoder where the model has one (kept float: 2 bytes a weight beside fp16 weights, else 4).
 */
export function estimateModelBytes(shape: ModelShape, dtype: Dtype): number {
  const table = shape.vocabSize * shape.hiddenSize * BYTES_PER_WEIGHT[dtype];
  const vision = (shape.visionParams ?? 0) * (dtype === 'fp16' || dtype === 'q4f16' ? 2 : 4);
  return shape.numLayers * layerWeights(shape) * BYTES_PER_WEIGHT[dtype] + 2 * table + vision;
}

export function fitVerdict(input: FitInput, budget: DeviceBudget): FitVerdict {
  const { shape, dtype, backend } = input;
  const checks: FitCheck[] = [];
  const weights = input.modelBytes ?? estimateModelBytes(shape, dtype);
  const kv = kvCacheBytes(shape, dtype, input.contextTokens);
  const b = formatBytes;

  if (input.downloadBytes === null || budget.storageFreeBytes === null) {
    checks.push({ kind: 'storage', status: 'unknown', message: 'Free storage or the download size is unknown.' });
  } else if (input.downloadBytes > budget.storageFreeBytes) {
    checks.push({ kind: 'storage', status: 'wont-fit', message: `The download needs ${b(input.downloadBytes)}; the browser allows this site ${b(budget.storageFreeBytes)} more.` });
  } else {
    checks.push({ kind: 'storage', status: 'ok', message: `${b(input.downloadBytes)} to download, ${b(budget.storageFreeBytes)} free.` });
  }

  // The weight file is read into JS memory before the runtime copies it into its own (the WASM
  // heap, or GPU buffers), so loading briefly needs it twice.
  const ram = 2 * weights + (backend === 'wasm' ? kv : 0);
  if (backend === 'wasm') {
    const heap = weights + kv;
    checks.push(
      heap > WASM_HEAP_LIMIT
        ? { kind: 'wasm-heap', status: 'wont-fit', message: `Weights and KV cache need ${b(heap)}; WASM can address 4 GiB.` }
        : { kind: 'wasm-heap', status: 'ok', message: `${b(heap)} of the 4 GiB WASM heap.` },
    );
  }
  if (budget.deviceMemoryBytes === null) {
    checks.push({ kind: 'ram', status: 'unknown', message: `Loading needs about ${b(ram)} of memory; this browser doesn't say how much the device has.` });
  } else if (ram > budget.deviceMemoryBytes) {
    checks.push({ kind: 'ram', status: 'wont-fit', message: `Loading needs about ${b(ram)} of memory; the device reports ${b(budget.deviceMemoryBytes)}.` });
  } else {
    checks.push({ kind: 'ram', status: 'ok', message: `About ${b(ram)} of memory while loading; the device reports at least ${b(budget.deviceMemoryBytes)}.` });
  }

  if (backend === 'webgpu') {
    // Each weight is its own GPU buffer; the embedding table / lm_head is the biggest.
    const largest = shape.vocabSize * shape.hiddenSize * BYTES_PER_WEIGHT[dtype];
    const limit = Math.min(budget.maxBufferSize ?? Infinity, budget.maxStorageBufferBindingSize ?? Infinity);
    if (!Number.isFinite(limit)) {
      checks.push({ kind: 'gpu-buffer', status: 'unknown', message: 'The adapter did not report its buffer limits.' });
    } else if (largest > limit) {
      checks.push({ kind: 'gpu-buffer', status: 'wont-fit', message: `Its largest weight (${b(largest)}) exceeds the GPU's ${b(limit)} buffer limit.` });
    } else {
      checks.push({ kind: 'gpu-buffer', status: 'ok', message: `Largest weight ${b(largest)}, within the ${b(limit)} buffer limit.` });
    }
    const gpu = weights + kv;
    if (budget.gpuMemoryBytes === null) {
      checks.push({ kind: 'gpu-memory', status: 'unknown', message: `Needs about ${b(gpu)} of GPU memory; WebGPU doesn't tell how much the GPU has.` });
    } else {
      checks.push({
        kind: 'gpu-memory',
        status: gpu > budget.gpuMemoryBytes ? 'wont-fit' : 'ok',
        message: `Needs about ${b(gpu)} of GPU memory; the GPU has ${b(budget.gpuMemoryBytes)}.`,
      });
    }
  }

  const speed = input.predictedTokensPerSecond;
  if (speed === null) {
    checks.push({ kind: 'speed', status: 'unknown', message: 'No speed prediction yet (the hardware probe has not run).' });
  } else {
    checks.push({
      kind: 'speed',
      status: speed < SLOW_TOKENS_PER_SECOND ? 'slow' : 'ok',
      message: `About ${speed.toFixed(speed < 10 ? 1 : 0)} tokens/s predicted${speed < SLOW_TOKENS_PER_SECOND ? `, below ${SLOW_TOKENS_PER_SECOND}` : ''}.`,
    });
  }

  const failed = checks.find((c) => c.status === 'wont-fit');
  if (failed) return { verdict: 'wont-fit', reason: failed.message, checks };
  const slow = checks.find((c) => c.status === 'slow');
  if (slow) return { verdict: 'slow', reason: slow.message, checks };
  const unknown = checks.filter((c) => c.status === 'unknown').map((c) => c.kind);
  return { verdict: 'fits', reason: unknown.length ? `Fits as far as this browser tells (unknown: ${unknown.join(', ')}).` : 'Fits.', checks };
}
