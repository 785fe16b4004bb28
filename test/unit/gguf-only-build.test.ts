// GGUF builds in the outlook sized as llama.cpp loads them: GLM-Edge 4B, published only as GGUF,
// gets its own shape (so a size, a fit verdict and a speed like every other build), and the Qwen3.5
// GGUF builds, which llama.cpp runs text only, are not charged for their ONNX twin's vision encoder.
import { describe, expect, it } from 'vitest';
import { outlookModelOf, outlookRow, type OutlookInput } from '../../src/lib/hardware/device-outlook';
import { findCatalogEntry, validateCatalogEntry, type CatalogEntry } from '../../src/lib/models/catalog';
import { cpuOnly, desktopBudget, llamaCppProbe } from './support/probe-results';
import { estimateModelBytes } from '../../src/lib/hardware/fit-verdict';

const CPU_ONLY = cpuOnly(8);
// A desktop's memory bandwidth: a 2.6 GB file read per token at 40 GB/s is ≈ 15 tokens/s.
const LLAMA_PROBE = llamaCppProbe({ threads: 8, decodeBytesPerSecond: { Q4_K: 40e9, Q8_0: 50e9 } });

const BUDGET = desktopBudget();

function input(): OutlookInput {
  return { caps: CPU_ONLY, budget: BUDGET, probes: {}, llamaCppProbes: { wasm: LLAMA_PROBE }, correction: () => ({ factor: 1, runs: 0 }), measured: () => null };
}

const entry = (repoId: string) => findCatalogEntry(repoId) as CatalogEntry;

describe('GLM-Edge 4B chat, a GGUF with no ONNX build', () => {
  const repoId = 'zai-org/glm-edge-4b-chat-gguf';

  it("is in the catalog with Zhipu's two files, the chatglm architecture, its licence and 8K context", () => {
    const glm = entry(repoId);
    expect(glm).toMatchObject({
      engine: 'llamacpp',
      modelType: 'chatglm',
      licence: 'Other: GLM-Edge licence',
      contextLength: 8192,
      family: 'GLM-Edge',
      ggufFiles: { q4: 'ggml-model-Q4_K_M.gguf', q8: 'ggml-model-Q8_0.gguf' },
      dtypes: { wasm: ['q4', 'q8'], webgpu: ['q4', 'q8'] },
    });
    expect(validateCatalogEntry(glm)).toEqual([]);
  });

  it('gets a size within 5 % of the published files, a fit verdict and a speed from the llama.cpp probe', () => {
    const model = outlookModelOf(entry(repoId), CPU_ONLY);
    const row = outlookRow(model, input());
    expect(row).toMatchObject({ backend: 'wasm', dtype: 'q4', weights: 'Q4_K_M', predictedFrom: 'llamacpp-probe' });
    expect(row.verdict?.verdict).toBe('fits');
    expect(row.predicted).toBeGreaterThan(0);
    // Published: 2.63 GB (Q4_K_M) and 4.6 GB (Q8_0).
    expect(Math.abs(row.estimatedBytes! / 2.63e9 - 1)).toBeLessThan(0.05);
    expect(Math.abs(estimateModelBytes(model.shape!, 'q8', 'llamacpp') / 4.6e9 - 1)).toBeLessThan(0.05);
    expect(row.notes.some((n) => /derived/.test(n))).toBe(true);
  });
});

describe('Qwen3.5 GGUF builds, text only in llama.cpp', () => {
  it("are sized without their ONNX twin's vision encoder, which the ONNX build still carries", () => {
    for (const size of ['0.8B', '2B']) {
      const gguf = outlookModelOf(entry(`unsloth/Qwen3.5-${size}-GGUF`), CPU_ONLY);
      const onnx = outlookModelOf(entry(`onnx-community/Qwen3.5-${size}-ONNX-OPT`), CPU_ONLY);
      expect(onnx.shape?.visionParams, size).toBeGreaterThan(0);
      expect(gguf.shape?.visionParams, size).toBeUndefined();
      const row = outlookRow(gguf, input());
      const textOnly = estimateModelBytes({ ...onnx.shape!, visionParams: undefined }, 'q4', 'llamacpp');
      expect(row.estimatedBytes, size).toBe(textOnly);
      // The vision tower in fp32 (4 bytes a weight) is not in the figure.
      expect(estimateModelBytes(onnx.shape!, 'q4', 'llamacpp') - row.estimatedBytes!, size).toBeCloseTo(onnx.shape!.visionParams! * 4, 0);
    }
  });
});
