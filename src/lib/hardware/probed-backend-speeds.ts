// Which backend is faster on this device, by measurement rather than by adapter name: the decode
// speed a reference model would reach on each backend, predicted from this device's own probes.
// A real GPU behind a slow driver, or a software adapter that doesn't say it is one, shows here.
import type { DeviceCapabilities } from '../engines/backend-selection';
import { runnableDtypes } from '../engines/backend-selection';
import type { Backend } from '../engines/types';
import { CATALOG_SHAPES } from './model-shapes';
import type { ProbeResult } from './probe/probe-runner';
import { predictDecode } from './speed-prediction';

/** The model whose predicted speed compares the backends: the smallest Qwen3, a typical first load. */
export const REFERENCE_MODEL = 'Qwen3 0.6B';
const REFERENCE_SHAPE = CATALOG_SHAPES['onnx-community/Qwen3-0.6B-ONNX']!;

/** Predicted decode tok/s of the reference model with each backend's best weight format here. */
export type ProbedBackendSpeeds = NonNullable<DeviceCapabilities['probedSpeeds']>;

/** Null unless both backends were probed here. */
export function probedBackendSpeeds(
  probes: Partial<Record<Backend, ProbeResult>>,
  caps: DeviceCapabilities,
): ProbedBackendSpeeds | null {
  const { wasm, webgpu } = probes;
  if (!wasm || !webgpu) return null;
  const speed = (backend: Backend, probe: ProbeResult) => {
    const dtype = runnableDtypes(backend, caps)[0];
    return predictDecode(REFERENCE_SHAPE, dtype, backend, probe, { contextTokens: 512 }).tokensPerSecond;
  };
  const speeds = { wasm: speed('wasm', wasm), webgpu: speed('webgpu', webgpu), reference: REFERENCE_MODEL };
  return Number.isFinite(speeds.wasm) && Number.isFinite(speeds.webgpu) ? speeds : null;
}
