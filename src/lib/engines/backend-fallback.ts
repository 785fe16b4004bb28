// When a model can't run on WebGPU: which load failures are WebGPU's fault (so retrying on WASM
// can help), and why a WebGPU-only WebLLM build can't run on this device at all.
import type { DeviceCapabilities } from './backend-selection';
import type { WebLLMCatalogEntry } from '../models/catalog';

/**
 * Failures that have nothing to do with the GPU: the files are missing, damaged or not downloaded,
 * or the user cancelled. Retrying on WASM would fail the same way, or undo the user's choice.
 */
const NOT_WEBGPU_FAILURES: ReadonlySet<string> = new Set([
  'ModelNotFoundError',
  'InvalidModelIdError',
  'ModelFileMissingError',
  'NoOnnxWeightsError',
  'NetworkError',
  'CorruptDownloadError',
  'FileTooLargeError',
  'DownloadCancelledError',
  'LoadCancelledError',
  'ModelConfigError',
  'QuotaExceededError',
  'WorkerCrashedError',
]);

/**
 * True when a load on WebGPU failed in a way WASM may not: no adapter in the worker, a missing
 * feature, an operator the WebGPU backend can't run, a lost device, shader compilation errors.
 */
export function webGpuFailureWorthFallback(error: unknown): boolean {
  const name = error instanceof Error ? error.name : typeof error === 'object' && error && 'name' in error ? String(error.name) : '';
  return !NOT_WEBGPU_FAILURES.has(name);
}

/** Why a WebLLM build can't run on this device, or null when it can. */
export function webllmUnavailableReason(
  entry: Pick<WebLLMCatalogEntry, 'label' | 'requiredFeatures'>,
  caps: DeviceCapabilities,
): string | null {
  if (!caps.webgpu.available) {
    return `${entry.label} runs only on WebGPU, and this browser has none (${caps.webgpu.detail}).`;
  }
  if (entry.requiredFeatures.includes('shader-f16') && !caps.webgpu.shaderF16) {
    return `${entry.label} needs the WebGPU feature shader-f16, which this GPU (${caps.webgpu.detail}) lacks. Try a q4f32 build.`;
  }
  return null;
}
