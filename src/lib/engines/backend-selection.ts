// Decides which backend, weight format and thread count a model runs with, and says why in
// words the UI can show. Pure functions over detected capabilities, so they are unit-tested.
import type { Backend, Dtype } from './types';
import { UnsupportedModelError } from './errors';

export interface WebGpuCapability {
  available: boolean;
  shaderF16: boolean;
  /** Why WebGPU is missing, or a description of the adapter. */
  detail: string;
  isFallbackAdapter: boolean;
}

export interface DeviceCapabilities {
  webgpu: WebGpuCapability;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /**
   * Decode tok/s of a reference model predicted from this device's probes of both backends, once
   * the device was measured: Auto then follows the faster one.
   */
  probedSpeeds?: { wasm: number; webgpu: number; reference: string } | null;
}

export interface Choice<T> {
  value: T;
  reason: string;
}

/** Weight formats in the order each backend prefers them (fastest usable first). */
const PREFERENCE: Record<Backend, Dtype[]> = {
  // int4 MatMulNBits is several times slower than int8 in ORT's WASM build; fp32 is the last resort.
  wasm: ['q8', 'q4', 'fp32', 'q4f16', 'fp16'],
  webgpu: ['q4f16', 'q4', 'fp16', 'q8', 'fp32'],
};

const NEEDS_SHADER_F16: ReadonlySet<Dtype> = new Set(['q4f16', 'fp16']);

export function chooseBackend(caps: DeviceCapabilities, override: Backend | null): Choice<Backend> {
  if (override === 'webgpu' && !caps.webgpu.available) {
    return { value: 'wasm', reason: `WebGPU was requested but is unavailable (${caps.webgpu.detail}); using WASM.` };
  }
  if (override) return { value: override, reason: `${label(override)} chosen by you.` };
  if (caps.webgpu.available && caps.webgpu.isFallbackAdapter) {
    // A software rasteriser (SwiftShader, WARP) runs shaders on the CPU, far slower than WASM does.
    return {
      value: 'wasm',
      reason: `The only WebGPU adapter here is a software one (${caps.webgpu.detail}), slower than the CPU path, so the model runs on WASM; pick WebGPU to try it anyway.`,
    };
  }
  const probed = caps.probedSpeeds;
  if (caps.webgpu.available && probed && probed.webgpu < probed.wasm) {
    return {
      value: 'wasm',
      reason:
        `Measured on this device, WebGPU is slower than the CPU path (${probed.reference}: about ${formatSpeed(probed.webgpu)} ` +
        `against ${formatSpeed(probed.wasm)} tok/s), so the model runs on WASM; pick WebGPU to try it anyway.`,
    };
  }
  if (caps.webgpu.available) {
    return { value: 'webgpu', reason: `WebGPU adapter found (${caps.webgpu.detail}).` };
  }
  return { value: 'wasm', reason: `No WebGPU (${caps.webgpu.detail}); running on the CPU with WASM.` };
}

function formatSpeed(tokensPerSecond: number): string {
  return tokensPerSecond >= 10 ? String(Math.round(tokensPerSecond)) : tokensPerSecond.toFixed(1);
}

/** Dtypes the backend can run at all on this device. */
export function runnableDtypes(backend: Backend, caps: DeviceCapabilities): Dtype[] {
  return PREFERENCE[backend].filter((d) => backend !== 'webgpu' || caps.webgpu.shaderF16 || !NEEDS_SHADER_F16.has(d));
}

export function chooseDtype(
  backend: Backend,
  caps: DeviceCapabilities,
  repoDtypes: readonly Dtype[],
  override: Dtype | null,
): Choice<Dtype> {
  const runnable = runnableDtypes(backend, caps);
  const candidates = runnable.filter((d) => repoDtypes.includes(d));
  if (candidates.length === 0) {
    throw new UnsupportedModelError(
      `The model has no weights ${label(backend)} can run here (it has ${repoDtypes.join(', ') || 'none'}; ` +
        `${label(backend)} can run ${runnable.join(', ')}).`,
    );
  }
  if (override) {
    if (candidates.includes(override)) return { value: override, reason: `${override} chosen by you.` };
    const why = !repoDtypes.includes(override)
      ? `the model has no ${override} weights`
      : `${label(backend)} can't run ${override} here${NEEDS_SHADER_F16.has(override) ? ' (no shader-f16)' : ''}`;
    return { value: candidates[0], reason: `${override} requested, but ${why}; using ${candidates[0]}.` };
  }
  const best = candidates[0];
  return { value: best, reason: dtypeReason(backend, best, caps, repoDtypes) };
}

function dtypeReason(backend: Backend, dtype: Dtype, caps: DeviceCapabilities, repoDtypes: readonly Dtype[]): string {
  if (backend === 'wasm' && dtype === 'q8') return 'q8: int8 is the fastest format on the CPU (int4 is several times slower in WASM).';
  if (backend === 'webgpu' && dtype === 'q4f16') return 'q4f16: 4-bit weights with fp16 math (the GPU has shader-f16).';
  if (backend === 'webgpu' && dtype === 'q4') {
    return repoDtypes.includes('q4f16') && !caps.webgpu.shaderF16
      ? 'q4: the GPU lacks shader-f16, so q4f16 cannot run; 4-bit weights with fp32 math.'
      : 'q4: 4-bit weights, the smallest format this model offers for WebGPU.';
  }
  return `${dtype}: the best format this model offers for ${label(backend)}.`;
}

/** onnxruntime-web needs SharedArrayBuffer (cross-origin isolation) for more than one thread. */
export function chooseWasmThreads(caps: DeviceCapabilities): Choice<number> {
  if (!caps.crossOriginIsolated) {
    return { value: 1, reason: 'The page is not cross-origin isolated, so WASM runs single-threaded.' };
  }
  const threads = Math.max(1, caps.hardwareConcurrency);
  return { value: threads, reason: `${threads} WASM threads (one per logical CPU core).` };
}

/**
 * Maps ONNX file names in a repo to the dtypes transformers.js loads: `onnx/model_q4.onnx` for
 * plain decoders, `onnx/decoder_model_merged_q4.onnx` for multi-session exports (Qwen3.5).
 */
export function dtypesInRepo(paths: readonly string[]): Dtype[] {
  const bySuffix: Record<string, Dtype> = {
    '': 'fp32',
    _fp16: 'fp16',
    _quantized: 'q8',
    _q4: 'q4',
    _q4f16: 'q4f16',
  };
  const found = new Set<Dtype>();
  for (const path of paths) {
    const match = /^onnx\/(?:model|decoder_model_merged)(_[a-z0-9]+)?\.onnx$/.exec(path);
    const dtype = match ? bySuffix[match[1] ?? ''] : undefined;
    if (dtype) found.add(dtype);
  }
  return [...found];
}

export function onnxFileFor(dtype: Dtype): string {
  const suffix: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };
  return `onnx/model${suffix[dtype]}.onnx`;
}

export function label(backend: Backend): string {
  return backend === 'webgpu' ? 'WebGPU' : 'WASM';
}
