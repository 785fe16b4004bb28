// GGUF builds in the Models view: each says the quantization of the file it would load, its size,
// and a fit verdict from llama.cpp's own memory rule (the file mapped about once, measured in
// wllama), not onnxruntime's, and not held to onnxruntime's 4 GiB heap; no speed is predicted from
// onnxruntime's kernels (llamacpp-prediction.test.ts: llama.cpp's own probe predicts it).
import { describe, expect, it } from 'vitest';
import { LLAMACPP_NOT_PROBED, outlookModelOf, outlookRow, outlookToCsv, type OutlookInput } from '../../src/lib/hardware/device-outlook';
import { findCatalogEntry, LLAMACPP_CATALOG, type CatalogEntry } from '../../src/lib/models/catalog';
import { cpuOnly, desktopBudget, onnxProbe } from './support/probe-results';
import { CATALOG_SHAPES } from '../../src/lib/hardware/model-shapes';
import { fitVerdict, GGUF_BYTES_PER_WEIGHT, LLAMACPP_LOAD_COST, llamaCppPeakBytes } from '../../src/lib/hardware/fit-verdict';
import { ggufQuantName } from '../../src/lib/models/gguf/gguf-quant-name';
import { csvRecords } from '../../src/lib/export/csv';

const CPU_ONLY = cpuOnly(8);

const PROBE = onnxProbe({
  threads: 8,
  takenAt: '2026-11-25T00:00:00.000Z',
  bandwidth: { q8: 10e9, q4: 8e9, fp32: 12e9 },
  matmulGflops: { q8: 50, q4: 40, fp32: 30 },
});

const BUDGET = desktopBudget();

function input(overrides: Partial<OutlookInput> = {}): OutlookInput {
  return { caps: CPU_ONLY, budget: BUDGET, probes: { wasm: PROBE }, correction: () => ({ factor: 1, runs: 0 }), measured: () => null, ...overrides };
}

const MIB = 2 ** 20;
const qwen3 = CATALOG_SHAPES['onnx-community/Qwen3-0.6B-ONNX'];

describe('GGUF builds in the outlook', () => {
  it('rate every catalog GGUF build with its quantization, size and a fit verdict', () => {
    for (const entry of LLAMACPP_CATALOG) {
      const row = outlookRow(outlookModelOf(entry, CPU_ONLY), input());
      expect(row.engine, entry.repoId).toBe('llamacpp');
      expect(row.weights, entry.repoId).toMatch(/^Q(8_0|4_K_M)$/);
      expect(row.estimatedBytes, entry.repoId).toBeGreaterThan(100e6);
      expect(row.verdict?.verdict, entry.repoId).toBe('fits');
    }
    const q4 = outlookRow(outlookModelOf(findCatalogEntry('unsloth/Qwen3-0.6B-GGUF') as CatalogEntry, CPU_ONLY), input());
    // The file the load takes: 4-bit first, as planGgufLoad picks it.
    expect(q4).toMatchObject({ backend: 'wasm', dtype: 'q4', weights: 'Q4_K_M' });
    expect(q4.verdict?.checks.find((c) => c.kind === 'wasm-heap')?.message).toMatch(/not bound by the 4 GiB heap/);
    expect(csvRecords(outlookToCsv([q4]))[0]).toMatchObject({ engine: 'llamacpp', weights: 'Q4_K_M' });
  });

  it("predict no speed from onnxruntime's kernels, even once llama.cpp answered here: its own probe predicts it", () => {
    const entry = findCatalogEntry('unsloth/Qwen3-0.6B-GGUF') as CatalogEntry;
    for (const correction of [{ factor: 1, runs: 0 }, { factor: 7, runs: 2 }]) {
      const row = outlookRow(outlookModelOf(entry, CPU_ONLY), input({ correction: () => correction }));
      expect(row.predicted).toBeNull();
      expect(row.predictedRaw).toBeNull();
      expect(row.notes).toContain(LLAMACPP_NOT_PROBED);
    }
  });
});

describe("llama.cpp's memory rule", () => {
  it('covers what wllama measured on the bench VM, for both files, without overstating by more than a third', () => {
    for (const [dtype, fileBytes, measuredMiB] of [
      ['q4', 426_423_936, 1210],
      ['q8', 802_207_392, 1591],
    ] as const) {
      expect(llamaCppPeakBytes(fileBytes), dtype).toBeGreaterThanOrEqual(measuredMiB * MIB);
      const verdict = fitVerdict(
        { shape: qwen3, dtype, backend: 'wasm', downloadBytes: 0, modelBytes: fileBytes, contextTokens: 4096, predictedTokensPerSecond: null, engine: 'llamacpp' },
        { ...BUDGET, deviceMemoryBytes: 2 * 2 ** 30 },
      );
      // formatBytes counts in 1024s: its "MB" are MiB, its "GB" GiB.
      const [, figure, unit] = /≈ ([\d.]+) (MB|GB) of WASM memory/.exec(verdict.checks.find((c) => c.kind === 'wasm-heap')!.message)!;
      const need = Number(figure) * (unit === 'GB' ? 1024 * MIB : MIB);
      expect(need, dtype).toBeGreaterThanOrEqual(measuredMiB * MIB * 0.99);
      expect(need, dtype).toBeLessThan(measuredMiB * MIB * 1.34);
      expect(verdict.verdict, dtype).toBe('fits');
    }
    expect(LLAMACPP_LOAD_COST.source).toMatch(/1210 MiB.*1591 MiB/);
  });

  it("lets a model too big for onnxruntime's 4 GiB heap fit llama.cpp's memory64 build", () => {
    const big = CATALOG_SHAPES['onnx-community/Qwen3.5-4B-ONNX-OPT'];
    const common = { shape: big, dtype: 'q8', backend: 'wasm', downloadBytes: 0, contextTokens: 4096, predictedTokensPerSecond: null } as const;
    expect(fitVerdict(common, BUDGET).verdict).toBe('wont-fit');
    const gguf = fitVerdict({ ...common, engine: 'llamacpp' }, BUDGET);
    expect(gguf.verdict).toBe('fits');
    expect(gguf.checks.find((c) => c.kind === 'ram')?.status).toBe('ok');
  });

  it('sizes GGUF files at their own bytes per weight: Q8_0 at 34 bytes a block of 32', () => {
    expect(GGUF_BYTES_PER_WEIGHT.q8).toBe(34 / 32);
  });
});

describe('ggufQuantName', () => {
  it('reads the quantization out of hub file names', () => {
    expect(ggufQuantName('Qwen3-0.6B-Q8_0.gguf')).toBe('Q8_0');
    expect(ggufQuantName('sub/Qwen3-0.6B-Q4_K_M.gguf')).toBe('Q4_K_M');
    expect(ggufQuantName('ggml-model-Q4_K_M.gguf')).toBe('Q4_K_M');
    expect(ggufQuantName('tiny-qwen3-Q4_0.gguf')).toBe('Q4_0');
    expect(ggufQuantName('model-f16.gguf')).toBe('F16');
    expect(ggufQuantName('Qwen3-0.6B-Q8_0-00001-of-00002.gguf')).toBe('Q8_0');
    expect(ggufQuantName('model.gguf')).toBeNull();
  });
});
