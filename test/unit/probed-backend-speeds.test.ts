// Auto's measured comparison: both probes in, the reference model's predicted speed per backend.
import { describe, expect, it } from 'vitest';
import { probedBackendSpeeds } from '../../src/lib/hardware/probed-backend-speeds';
import type { ProbeResult } from '../../src/lib/hardware/probe/probe-runner';
import type { DeviceCapabilities } from '../../src/lib/engines/backend-selection';

function probe(backend: 'wasm' | 'webgpu', bytesPerSecond: number): ProbeResult {
  return {
    backend, ortVersion: '1', threads: 2, takenAt: '2026-12-03T00:00:00Z', durationMs: 1, perRunMs: 0.1, perOpMs: 0.01, perTensorMs: 0.01,
    tensorBytesPerSecond: 1e10,
    bandwidth: { fp32: bytesPerSecond, q8: bytesPerSecond, q4: bytesPerSecond, q4f16: bytesPerSecond, fp16: bytesPerSecond },
    matmulGflops: { fp32: 10, q8: 10, q4: 10, q4f16: 10, fp16: 10 },
    setup: { matrix: [1, 1], weightBytes: {}, batch: [1, 1], opChain: 1, tensors: 1 },
  } as ProbeResult;
}

const caps: DeviceCapabilities = {
  webgpu: { available: true, shaderF16: false, isFallbackAdapter: false, detail: 'gpu' },
  crossOriginIsolated: true,
  hardwareConcurrency: 4,
};

describe('probedBackendSpeeds', () => {
  it('needs both backends probed', () => {
    expect(probedBackendSpeeds({ wasm: probe('wasm', 1e10) }, caps)).toBeNull();
  });
  it('ranks the backends by the weight bandwidth each probe measured', () => {
    const slowGpu = probedBackendSpeeds({ wasm: probe('wasm', 2e10), webgpu: probe('webgpu', 1e9) }, caps)!;
    expect(slowGpu.reference).toBe('Qwen3 0.6B');
    expect(slowGpu.webgpu).toBeLessThan(slowGpu.wasm);
    const fastGpu = probedBackendSpeeds({ wasm: probe('wasm', 1e9), webgpu: probe('webgpu', 2e11) }, caps)!;
    expect(fastGpu.webgpu).toBeGreaterThan(fastGpu.wasm);
  });
});
