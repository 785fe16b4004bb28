// The outlook rows: which backend and weights each model would use here, its prediction scaled by
// what this device learned, the verdict, the measured speed, and the CSV export.
import { describe, expect, it } from 'vitest';
import { outlookModelOf, outlookRow, outlookToCsv, type OutlookInput } from '../../src/lib/hardware/device-outlook';
import { findCatalogEntry, type CatalogEntry } from '../../src/lib/models/catalog';
import type { DeviceCapabilities } from '../../src/lib/engines/backend-selection';
import type { ProbeResult } from '../../src/lib/hardware/probe/probe-runner';
import { predictDecode } from '../../src/lib/hardware/speed-prediction';
import { CATALOG_SHAPES } from '../../src/lib/hardware/model-shapes';

const CPU_ONLY: DeviceCapabilities = {
  webgpu: { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'no adapter' },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};
const GPU: DeviceCapabilities = { ...CPU_ONLY, webgpu: { available: true, shaderF16: true, isFallbackAdapter: false, detail: 'test GPU' } };

function probe(backend: 'wasm' | 'webgpu'): ProbeResult {
  return {
    backend,
    ortVersion: 'test',
    threads: 8,
    takenAt: '2026-11-25T00:00:00.000Z',
    durationMs: 3000,
    perRunMs: 0.2,
    perOpMs: 0.01,
    perTensorMs: 0.005,
    tensorBytesPerSecond: 5e9,
    bandwidth: { q8: 10e9, q4: 8e9, fp32: 12e9 },
    matmulGflops: { q8: 50, q4: 40, fp32: 30 },
    setup: { matrix: [1024, 4096], weightBytes: {}, batch: [32, 512], opChain: 200, tensors: 16 },
  };
}

function input(overrides: Partial<OutlookInput> = {}): OutlookInput {
  return {
    caps: CPU_ONLY,
    budget: { maxBufferSize: null, maxStorageBufferBindingSize: null, gpuMemoryBytes: null, deviceMemoryBytes: 16 * 2 ** 30, storageFreeBytes: 50 * 2 ** 30 },
    probes: { wasm: probe('wasm') },
    correction: () => ({ factor: 1, runs: 0 }),
    measured: () => null,
    ...overrides,
  };
}

const qwen = findCatalogEntry('onnx-community/Qwen3-0.6B-ONNX') as CatalogEntry;
const webllm = findCatalogEntry('mlc-ai/Qwen3-0.6B-q4f16_1-MLC') as CatalogEntry;

describe('outlookRow', () => {
  it('predicts a transformers.js model on the backend and weights the app would pick', () => {
    const row = outlookRow(outlookModelOf(qwen, CPU_ONLY), input());
    const expected = predictDecode(CATALOG_SHAPES[qwen.repoId], 'q8', 'wasm', probe('wasm'), { contextTokens: 512 }).tokensPerSecond;
    expect(row).toMatchObject({ backend: 'wasm', dtype: 'q8', unavailable: null, learnedRuns: 0, measured: null });
    expect(row.predicted).toBeCloseTo(expected, 6);
    expect(row.predictedRaw).toBeCloseTo(expected, 6);
    expect(row.verdict?.verdict).toMatch(/fits|slow/);
  });

  it('scales the prediction by the learned factor and shows the measured speed', () => {
    const row = outlookRow(
      outlookModelOf(qwen, CPU_ONLY),
      input({
        correction: (engine, backend, dtype) => (engine === 'transformers' && backend === 'wasm' && dtype === 'q8' ? { factor: 0.5, runs: 3 } : { factor: 1, runs: 0 }),
        measured: (repoId) => (repoId === qwen.repoId ? 12.5 : null),
      }),
    );
    expect(row.predicted! / row.predictedRaw!).toBeCloseTo(0.5, 6);
    expect(row).toMatchObject({ learnedRuns: 3, measured: 12.5 });
  });

  it('gives no speed before the device was probed, but still a verdict', () => {
    const row = outlookRow(outlookModelOf(qwen, CPU_ONLY), input({ probes: {} }));
    expect(row.predicted).toBeNull();
    expect(row.verdict?.checks.find((c) => c.kind === 'speed')?.status).toBe('unknown');
  });

  it('marks WebLLM builds unavailable without WebGPU, and predicts them from the WebGPU probe with a caveat', () => {
    expect(outlookRow(outlookModelOf(webllm, CPU_ONLY), input()).unavailable).toMatch(/runs only on WebGPU/);
    const row = outlookRow(outlookModelOf(webllm, GPU), input({ caps: GPU, probes: { webgpu: probe('webgpu') } }));
    expect(row).toMatchObject({ backend: 'webgpu', dtype: 'q4f16', unavailable: null });
    expect(row.predicted).toBeGreaterThan(0);
    expect(row.notes.join(' ')).toMatch(/WebLLM's compiled kernels/);
  });

  it('keeps the backend and weights a model already ran with', () => {
    const model = { ...outlookModelOf(qwen, GPU), ranWith: { backend: 'wasm' as const, dtype: 'q4' as const } };
    expect(outlookRow(model, input({ caps: GPU }))).toMatchObject({ backend: 'wasm', dtype: 'q4' });
  });
});

describe('outlookToCsv', () => {
  it('writes one row per model with plain numbers and quoted text', () => {
    const rows = [outlookRow(outlookModelOf(qwen, CPU_ONLY), input({ measured: () => 7.123 })), outlookRow(outlookModelOf(webllm, CPU_ONLY), input())];
    const [header, first, second] = outlookToCsv(rows).trim().split('\n');
    expect(header.split(',')).toHaveLength(11);
    expect(first.startsWith('Qwen3 0.6B,onnx-community/Qwen3-0.6B-ONNX,transformers,wasm,q8,')).toBe(true);
    expect(first).toContain(',7.12,');
    expect(second).toMatch(/^Qwen3 0\.6B \(WebLLM q4f16\),mlc-ai\/Qwen3-0\.6B-q4f16_1-MLC,webllm,,,,,0,,unavailable,/);
  });
});
