// Will a model run here, before downloading it? Its bytes (weights, KV cache at the context the
// user wants) against what this device admits to: storage left, the WASM heap, RAM, the WebGPU
// adapter's buffer limits — and the predicted speed. Each check says what it compared, or that
// the browser doesn't tell (WebGPU never reports GPU memory); the verdict is data for the UI.
import type { Backend, Dtype, EngineKind } from '../engines/types';
import { formatBytes } from '../render/format';
import type { HardwareReport } from './hardware-report';
import type { ModelShape } from './model-shapes';
import { BYTES_PER_WEIGHT, kvCacheBytes, layerWeights } from './speed-prediction';

/** Below this predicted decode speed a model is called slow (reading speed is ~5 words/s). */
export const SLOW_TOKENS_PER_SECOND = 5;
/** onnxruntime-web's WASM build is 32-bit: one heap of at most 4 GiB holds weights and activations. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/**
 * How a model's weights reach onnxruntime-web on WASM. It decides how many copies of them are alive
 * at once while the session is created, and WASM memory keeps its high-water mark for good.
 * - `inline`: the weights sit inside the `.onnx`. JS reads the whole file, the runtime copies it into
 *   its heap and parses it there, so the JS copy, the heap copy, the parsed graph and the tensors overlap.
 * - `external-data`: graph and weights apart (`.onnx` + `.onnx_data`), the weights handed over as one
 *   JS array; the runtime copies each weight straight into its tensor, but the JS copy lives on
 *   until the session exists.
 * - `external-data-blob`: the same, the weights handed over as a Blob read piece by piece: JS never
 *   holds them.
 */
export type WasmLoadPath = 'inline' | 'external-data' | 'external-data-blob';

export interface WasmLoadCost {
  /** The tab's peak memory while loading, per byte of weights. */
  peakPerWeightByte: number;
  /** How much of that peak is JS's own copy of the weights, outside the WASM heap (0 or 1). */
  jsCopies: number;
  /** Where the figure comes from. */
  source: string;
}

/**
 * The renderer's peak memory while loading (the page with its workers: PSS from /proc, sampled every
 * 250 ms from Load to ready) over the bytes of the weight files, by load path. Measured on the
 * 2-core bench VM (Chromium 156, onnxruntime-web 1.31: the asyncify build, the JSPI build for Blobs; one fresh worker per load)
 * with the bench's models (scripts/bench/bench-models.ts), three loads each, alternating in one page.
 * The peak includes the page and the runtime (about 0.3 GB), so small models come out a little
 * costlier than this. Change these only with a new measurement.
 */
export const WASM_LOAD_COST: Readonly<Record<WasmLoadPath, WasmLoadCost>> = {
  inline: {
    peakPerWeightByte: 3.84,
    jsCopies: 1,
    source: 'Qwen3-0.6B-shaped q8, one 755 MB .onnx: peaks of 2742, 2748 and 2800 MiB for 720 MiB of weights',
  },
  'external-data': {
    peakPerWeightByte: 2.2,
    jsCopies: 1,
    // A Qwen3-1.7B-shaped q8 model (2.0 GB) then loaded and answered this way, peaking at 4214 MiB
    // where this figure says 4273.
    source: 'GLM-Edge-1.5B-shaped q8, .onnx + 1.6 GB .onnx_data: peaks of 3378, 3316 and 3383 MiB for 1523 MiB of weights',
  },
  'external-data-blob': {
    // The JSPI build reading each weight from the stored Blob (the default on WASM where the
    // browser has JSPI). The page and the runtime weigh more beside 0.7 GB of weights than beside
    // 2 GB: the same load of a bigger model comes out nearer the weights.
    peakPerWeightByte: 1.66,
    jsCopies: 0,
    source:
      'Qwen3-0.6B-shaped q8, .onnx + 755 MB .onnx_data read as a Blob (npm run bench -- --load): peaks of 1183, 1193 and 1122 MiB (first load, warm load with answers), 1290 and 1316 MiB (warm loads forced to jspi, and to jspi without graph optimisation) for 720 MiB of weights',
  },
};

/**
 * llama.cpp (wllama) on WASM: the renderer's peak memory while the model loads and answers, as a
 * fixed part plus a part per byte of the GGUF file. llama.cpp reads the weights into its own
 * memory once (no copy stays in JS); beside them sit the page and wllama's runtime, the KV cache
 * (4096 tokens, 8-bit where the heads allow) and the compute buffers. Measured on the 2-core
 * bench VM (Chromium 156, wllama 3.13.0, 2 threads, n_ctx 4096) on Qwen3-0.6B-shaped files, the
 * highest of two warm loads each: 1210 MiB for the 426 MB Q4_K file, 1591 MiB for the 802 MB
 * Q8_0 file; the line through both, rounded up. wllama's build is memory64, so unlike
 * onnxruntime-web's it is not bound by a 4 GiB heap.
 */
export const LLAMACPP_LOAD_COST = {
  fixedBytes: 780 * 2 ** 20,
  perFileByte: 1.07,
  source: 'Qwen3-0.6B-shaped GGUF in wllama 3.13.0 (n_ctx 4096): 1210 MiB renderer PSS for a 426 MB Q4_K file, 1591 MiB for an 802 MB Q8_0 file',
} as const;

/** The renderer memory llama.cpp needs for a GGUF file of `fileBytes` (see LLAMACPP_LOAD_COST). */
export function llamaCppPeakBytes(fileBytes: number): number {
  return LLAMACPP_LOAD_COST.fixedBytes + fileBytes * LLAMACPP_LOAD_COST.perFileByte;
}

/**
 * Bytes per weight of the GGUF file a dtype names: Q8_0 stores 32 int8 weights and an fp16 scale
 * per block (34 bytes / 32); the 4-bit files are Q4_K_M, which llama.cpp's quantize tool puts at
 * 4.89 bits a weight on average (some tensors stay in Q6_K).
 */
export const GGUF_BYTES_PER_WEIGHT: Readonly<Partial<Record<Dtype, number>>> = { q8: 34 / 32, q4: 4.89 / 8, fp16: 2, fp32: 4 };

/**
 * The q4 (MatMulNBits) kernels of the WASM build unpack a weight to fp32 for each call, on the same
 * heap: the biggest one, the quantized lm_head, adds vocab × hidden × 4 bytes at its peak (594 MiB
 * for Qwen3-0.6B's shape). With it the inline figure puts the Qwen3-0.6B-shaped q4 model (530 MB)
 * at 2,534 MiB; its loads peaked at 2,570 and 2,581 MiB.
 */
export function wasmQ4UnpackBytes(shape: ModelShape, dtype: Dtype): number {
  return dtype === 'q4' || dtype === 'q4f16' ? shape.vocabSize * shape.hiddenSize * 4 : 0;
}

/**
 * The path a model the app stored takes on WASM when the caller doesn't say: the store keeps weights
 * as external data (an inline export is split into graph and `.onnx_data` as it is stored). Where the
 * browser has JSPI the engine hands them over as Blobs (`external-data-blob`); elsewhere the
 * asyncify build reads the data file whole, the costlier of the two for the tab, so a badge holds
 * in every browser.
 */
export const STORED_MODEL_WASM_LOAD_PATH: WasmLoadPath = 'external-data';

/** What loading on WASM takes: the tab's peak, and the part of it that must fit the 4 GiB heap. */
export function wasmLoadNeeds(weightBytes: number, shape: ModelShape, dtype: Dtype, path: WasmLoadPath) {
  const cost = WASM_LOAD_COST[path];
  const unpack = wasmQ4UnpackBytes(shape, dtype);
  const heapFactor = cost.peakPerWeightByte - cost.jsCopies;
  return {
    path,
    heapFactor,
    peakBytes: weightBytes * cost.peakPerWeightByte + unpack,
    heapBytes: weightBytes * heapFactor + unpack,
  };
}

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
  /** How the weights would reach the WASM runtime; STORED_MODEL_WASM_LOAD_PATH when left out. */
  wasmLoadPath?: WasmLoadPath;
  /** The runtime: 'llamacpp' loads a GGUF file (see LLAMACPP_LOAD_COST); onnxruntime when left out. */
  engine?: EngineKind;
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
export function estimateModelBytes(shape: ModelShape, dtype: Dtype, engine: EngineKind = 'transformers'): number {
  const perWeight = (engine === 'llamacpp' ? GGUF_BYTES_PER_WEIGHT[dtype] : undefined) ?? BYTES_PER_WEIGHT[dtype];
  const table = shape.vocabSize * shape.hiddenSize * perWeight;
  const vision = (shape.visionParams ?? 0) * (dtype === 'fp16' || dtype === 'q4f16' ? 2 : 4);
  return shape.numLayers * layerWeights(shape) * perWeight + 2 * table + vision;
}

const LOAD_PATH_WORDS: Readonly<Record<WasmLoadPath, string>> = {
  inline: 'weights inside the .onnx',
  'external-data': 'weights as external data',
  'external-data-blob': 'weights as external data, read as a Blob',
};

export function fitVerdict(input: FitInput, budget: DeviceBudget): FitVerdict {
  const { shape, dtype, backend } = input;
  const checks: FitCheck[] = [];
  const llamacpp = input.engine === 'llamacpp';
  const weights = input.modelBytes ?? estimateModelBytes(shape, dtype, input.engine);
  // llama.cpp keeps its KV cache in fp16 whatever the weights.
  const kv = kvCacheBytes(shape, llamacpp ? 'fp16' : dtype, input.contextTokens);
  const b = formatBytes;

  if (input.downloadBytes === null || budget.storageFreeBytes === null) {
    checks.push({ kind: 'storage', status: 'unknown', message: 'Free storage or the download size is unknown.' });
  } else if (input.downloadBytes > budget.storageFreeBytes) {
    checks.push({ kind: 'storage', status: 'wont-fit', message: `The download needs ${b(input.downloadBytes)}; the browser allows this site ${b(budget.storageFreeBytes)} more.` });
  } else {
    checks.push({ kind: 'storage', status: 'ok', message: `${b(input.downloadBytes)} to download, ${b(budget.storageFreeBytes)} free.` });
  }

  // On WebGPU the weight file is read into JS memory before the runtime copies it into GPU buffers,
  // so loading briefly needs it twice. On WASM the measured peak per weight byte says it.
  let ram = 2 * weights;
  if (backend === 'wasm' && llamacpp) {
    ram = Math.max(llamaCppPeakBytes(weights), weights + kv);
    checks.push({
      kind: 'wasm-heap',
      status: 'ok',
      message: `≈ ${b(ram)} of WASM memory: ${b(weights)} GGUF file × ${LLAMACPP_LOAD_COST.perFileByte} + ${b(LLAMACPP_LOAD_COST.fixedBytes)} (page, runtime, 4096-token KV cache, buffers), or with ${b(kv)} of KV cache at ${input.contextTokens} tokens; llama.cpp's memory64 build is not bound by the 4 GiB heap.`,
    });
  } else if (backend === 'wasm') {
    const load = wasmLoadNeeds(weights, shape, dtype, input.wasmLoadPath ?? STORED_MODEL_WASM_LOAD_PATH);
    ram = Math.max(load.peakBytes, weights + 2 * kv);
    // After the load the transient copies are free again, and the KV cache grows into that room.
    const running = weights + kv;
    const factor = load.heapFactor.toFixed(2).replace(/\.?0+$/, '');
    const unpack = wasmQ4UnpackBytes(shape, dtype);
    const loading = load.heapBytes >= running;
    const why = loading
      ? `${b(weights)} of weights × ${factor}${unpack ? ` and ${b(unpack)} to unpack 4-bit weights` : ''} (${LOAD_PATH_WORDS[load.path]})`
      : `${b(weights)} of weights and ${b(kv)} of KV cache at ${input.contextTokens} tokens`;
    const need = Math.max(load.heapBytes, running);
    checks.push(
      need > WASM_HEAP_LIMIT
        ? { kind: 'wasm-heap', status: 'wont-fit', message: `Needs ≈ ${b(need)} of WASM memory ${loading ? 'at load' : 'with a full context'}: ${why}, more than WASM's 4 GiB heap.` }
        : { kind: 'wasm-heap', status: 'ok', message: `≈ ${b(need)} of the 4 GiB WASM heap: ${why}.` },
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
