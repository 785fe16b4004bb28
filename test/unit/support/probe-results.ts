// Probe results as "Measure this device" stores them, and the device they are read on, with round
// figures a test can reason about; each test overrides the figures it is about.
import type { DeviceCapabilities } from '../../../src/lib/engines/backend-selection';
import type { DeviceBudget } from '../../../src/lib/hardware/fit-verdict';
import type { ProbeResult } from '../../../src/lib/hardware/probe/probe-runner';
import type { LlamaCppProbeResult } from '../../../src/lib/hardware/probe/llamacpp-probe-runner';

/** A device with no WebGPU, cross-origin isolated, with `cores` threads. */
export function cpuOnly(cores: number): DeviceCapabilities {
  return {
    webgpu: { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'no adapter' },
    crossOriginIsolated: true,
    hardwareConcurrency: cores,
  };
}

/** A desktop with no GPU limits: 16 GiB of memory, 50 GiB of storage free. */
export function desktopBudget(): DeviceBudget {
  return { maxBufferSize: null, maxStorageBufferBindingSize: null, gpuMemoryBytes: null, deviceMemoryBytes: 16 * 2 ** 30, storageFreeBytes: 50 * 2 ** 30 };
}

/** onnxruntime's WASM probe: q8 read at 3 GB/s, q4 at 0.4, fp32 at 4. */
export function onnxProbe(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    backend: 'wasm',
    ortVersion: 'test',
    threads: 2,
    takenAt: '2026-12-07T00:00:00.000Z',
    durationMs: 3000,
    perRunMs: 0.2,
    perOpMs: 0.01,
    perTensorMs: 0.005,
    tensorBytesPerSecond: 5e9,
    bandwidth: { q8: 3e9, q4: 0.4e9, fp32: 4e9 },
    matmulGflops: { q8: 20, q4: 5, fp32: 10 },
    setup: { matrix: [1024, 4096], weightBytes: {}, batch: [32, 512], opChain: 200, tensors: 16 },
    ...overrides,
  };
}

/** llama.cpp's WASM probe: Q4_K read at 2 GB/s, Q8_0 at 3, 1 ms a token apart from weights, 20 ns a vocabulary entry. */
export function llamaCppProbe(overrides: Partial<LlamaCppProbeResult> = {}): LlamaCppProbeResult {
  return {
    backend: 'wasm',
    wllamaVersion: 'test',
    threads: 2,
    takenAt: '2026-12-07T00:00:00.000Z',
    durationMs: 4000,
    perTokenMs: 1,
    perVocabEntryNs: 20,
    decodeBytesPerSecond: { Q4_K: 2e9, Q8_0: 3e9 },
    prefillGflops: { Q4_K: 10, Q8_0: 12 },
    setup: {
      width: { hiddenSize: 1024, intermediateSize: 3072, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 512 },
      layers: { Q4_K: 8, Q8_0: 4 },
      promptTokens: 23,
      decodeTokens: 8,
      repeats: 3,
      decodeWeightBytes: {},
      decodeMsPerToken: {},
    },
    ...overrides,
  };
}
