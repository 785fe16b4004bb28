// llama.cpp's decode speed predicted from its own probe: a GGUF build's row gets a speed from the
// probe's bytes per second for its format (not from onnxruntime's kernels), corrected by runs
// learned here, and the engine choice reads each row's speed and how it is known.
import { describe, expect, it } from 'vitest';
import { decodeSpeedFact, outlookModelOf, outlookRow, LLAMACPP_NOT_PROBED, type OutlookInput } from '../../src/lib/hardware/device-outlook';
import { findCatalogEntry, LLAMACPP_CATALOG, type CatalogEntry } from '../../src/lib/models/catalog';
import type { LlamaCppProbeResult } from '../../src/lib/hardware/probe/llamacpp-probe-runner';
import { cpuOnly, desktopBudget, llamaCppProbe, onnxProbe } from './support/probe-results';
import { CATALOG_SHAPES } from '../../src/lib/hardware/model-shapes';
import { GGUF_BYTES_PER_WEIGHT } from '../../src/lib/hardware/fit-verdict';
import {
  LLAMACPP_SAMPLING_NS_PER_ENTRY,
  llamaCppDecodeWeights,
  predictLlamaCppDecode,
  predictLlamaCppPrefill,
} from '../../src/lib/hardware/llamacpp-speed-prediction';

const CPU_ONLY = cpuOnly(2);
const ONNX_PROBE = onnxProbe();
/** Round figures: Q4_K read at 2 GB/s, Q8_0 at 3 GB/s, 1 ms a token apart from weights, 20 ns a vocabulary entry. */
const LLAMA_PROBE = llamaCppProbe();

function input(overrides: Partial<OutlookInput> = {}): OutlookInput {
  return {
    caps: CPU_ONLY,
    budget: desktopBudget(),
    probes: { wasm: ONNX_PROBE },
    llamaCppProbes: { wasm: LLAMA_PROBE },
    correction: () => ({ factor: 1, runs: 0 }),
    measured: () => null,
    ...overrides,
  };
}

const qwen3 = CATALOG_SHAPES['onnx-community/Qwen3-0.6B-ONNX']!;
const q4Build = findCatalogEntry('unsloth/Qwen3-0.6B-GGUF') as CatalogEntry;

describe('predictLlamaCppDecode', () => {
  it("adds the weights at the format's probed rate, the fp16 KV cache at Q8_0's, the per-token cost and the vocabulary's", () => {
    const p = predictLlamaCppDecode(qwen3, 'q4', 'wasm', LLAMA_PROBE, { contextTokens: 512 });
    // Qwen3-0.6B: 28 layers of 15.73 M projection weights plus the 1024 × 151936 output matrix.
    const weights = 28 * (1024 * (2048 + 2 * 1024) + 2048 * 1024 + 3 * 1024 * 3072) + 151936 * 1024;
    expect(llamaCppDecodeWeights(qwen3)).toBe(weights);
    const weightBytes = weights * GGUF_BYTES_PER_WEIGHT.q4!;
    // K and V, 28 layers × 8 heads × 128, 512 tokens, 2 bytes each.
    const kvBytes = 2 * 28 * 8 * 128 * 512 * 2;
    expect(p.breakdown.weightsMs).toBeCloseTo((weightBytes * 1000) / 2e9, 9);
    expect(p.breakdown.kvMs).toBeCloseTo((kvBytes * 1000) / 3e9, 9);
    expect(p.breakdown.perTokenMs).toBe(1);
    expect(p.breakdown.samplingMs).toBeCloseTo((151936 * 20) / 1e6, 9);
    const ms = (weightBytes * 1000) / 2e9 + (kvBytes * 1000) / 3e9 + 1 + (151936 * 20) / 1e6;
    expect(p.msPerToken).toBeCloseTo(ms, 9);
    expect(p.tokensPerSecond).toBeCloseTo(1000 / ms, 9);
    expect(p.notes).toContain("Predicted from llama.cpp's own Q4_K decode, timed on this device.");
  });

  it('prices the vocabulary at an estimate for a probe stored before it was timed', () => {
    const { perVocabEntryNs: _, ...older } = LLAMA_PROBE;
    const p = predictLlamaCppDecode(qwen3, 'q4', 'wasm', older as LlamaCppProbeResult);
    expect(p.breakdown.samplingMs).toBeCloseTo((151936 * LLAMACPP_SAMPLING_NS_PER_ENTRY) / 1e6, 9);
  });

  it('reads a q8 file as Q8_0 at 34 bytes a block of 32, and an explicit bytes per weight as given', () => {
    const q8 = predictLlamaCppDecode(qwen3, 'q8', 'wasm', LLAMA_PROBE, { contextTokens: 0 });
    expect(q8.weightBytesPerToken).toBe(llamaCppDecodeWeights(qwen3) * (34 / 32));
    expect(q8.breakdown.weightsMs).toBeCloseTo((q8.weightBytesPerToken * 1000) / 3e9, 9);
    // Every matrix Q4_K (144 bytes a block of 256), as the bench's generated file is.
    const allQ4K = predictLlamaCppDecode(qwen3, 'q4', 'wasm', LLAMA_PROBE, { contextTokens: 0, bytesPerWeight: 144 / 256 });
    expect(allQ4K.weightBytesPerToken).toBe(llamaCppDecodeWeights(qwen3) * (144 / 256));
  });

  it('takes a missing format from the one probed and says so; refuses a probe of another backend', () => {
    const onlyQ8 = { ...LLAMA_PROBE, decodeBytesPerSecond: { Q8_0: 3e9 } };
    const p = predictLlamaCppDecode(qwen3, 'q4', 'wasm', onlyQ8);
    expect(p.breakdown.weightsMs).toBeCloseTo((p.weightBytesPerToken * 1000) / 3e9, 9);
    expect(p.notes).toContain('Q4_K was not probed in llama.cpp on wasm; its rate is taken from Q8_0.');
    expect(() => predictLlamaCppDecode(qwen3, 'q4', 'webgpu', LLAMA_PROBE)).toThrow(/wasm llama.cpp probe/);
  });

  it("predicts prefill from the probe's prompt GFLOP/s", () => {
    const p = predictLlamaCppPrefill(qwen3, 'q4', 'wasm', LLAMA_PROBE, 100);
    // 2 FLOPs a weight and token of the layers' projections at 10 GFLOP/s, in ms.
    const layersMs = (2 * (llamaCppDecodeWeights(qwen3) - 151936 * 1024) * 100) / 10 / 1e6;
    const outputMs = (151936 * 1024 * GGUF_BYTES_PER_WEIGHT.q4! * 1000) / 2e9;
    expect(p.ms).toBeCloseTo(layersMs + outputMs + 1, 6);
    expect(p.tokensPerSecond).toBeCloseTo((100 * 1000) / p.ms, 9);
  });
});

describe('GGUF builds in the outlook, predicted from the llama.cpp probe', () => {
  it('gives every catalog GGUF build a finite decode prediction from the llama.cpp probe', () => {
    for (const entry of LLAMACPP_CATALOG) {
      const row = outlookRow(outlookModelOf(entry, CPU_ONLY), input());
      const shape = CATALOG_SHAPES[entry.sameModelAs ?? entry.repoId]!;
      const expected = predictLlamaCppDecode(shape, row.dtype!, 'wasm', LLAMA_PROBE, { contextTokens: 512 }).tokensPerSecond;
      expect(row.predictedFrom, entry.repoId).toBe('llamacpp-probe');
      expect(row.predictedRaw, entry.repoId).toBeCloseTo(expected, 9);
      expect(row.predicted, entry.repoId).toBeCloseTo(expected, 9);
      expect(Number.isFinite(row.predicted) && row.predicted! > 0, entry.repoId).toBe(true);
    }
  });

  it("doesn't read onnxruntime's probe for a GGUF build, and reads nothing else for an ONNX one", () => {
    const slowOnnx = { ...ONNX_PROBE, bandwidth: { q8: 1e6, q4: 1e6, fp32: 1e6 } };
    const gguf = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input());
    expect(outlookRow(outlookModelOf(q4Build, CPU_ONLY), input({ probes: { wasm: slowOnnx } })).predicted).toBe(gguf.predicted);
    const onnx = findCatalogEntry('onnx-community/Qwen3-0.6B-ONNX') as CatalogEntry;
    const onnxRow = outlookRow(outlookModelOf(onnx, CPU_ONLY), input());
    expect(onnxRow.predictedFrom).toBe('onnx-probe');
    expect(outlookRow(outlookModelOf(onnx, CPU_ONLY), input({ llamaCppProbes: {} })).predicted).toBe(onnxRow.predicted);
  });

  it('predicts nothing for a GGUF build until llama.cpp is probed, whatever onnxruntime measured', () => {
    const row = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input({ llamaCppProbes: {}, correction: () => ({ factor: 3, runs: 2 }) }));
    expect(row).toMatchObject({ predicted: null, predictedRaw: null, predictedFrom: null });
    expect(row.notes).toContain(LLAMACPP_NOT_PROBED);
  });

  it("scales llama.cpp's prediction by what its runs here taught, asked under the llama.cpp engine", () => {
    const asked: string[] = [];
    const learned = outlookRow(
      outlookModelOf(q4Build, CPU_ONLY),
      input({ correction: (engine, backend, dtype) => (asked.push(`${engine} ${backend} ${dtype}`), { factor: 1.5, runs: 3 }) }),
    );
    expect(asked).toEqual(['llamacpp wasm q4']);
    expect(learned.predicted).toBeCloseTo(learned.predictedRaw! * 1.5, 9);
    expect(learned.learnedRuns).toBe(3);
  });
});

describe('decodeSpeedFact', () => {
  it('says how each speed is known: measured, learned, predicted, or not at all', () => {
    const fresh = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input());
    expect(decodeSpeedFact(fresh)).toEqual({
      repoId: 'unsloth/Qwen3-0.6B-GGUF',
      engine: 'llamacpp',
      backend: 'wasm',
      dtype: 'q4',
      decodeTokensPerSecond: fresh.predicted,
      predictedTokensPerSecond: fresh.predicted,
      basis: 'predicted',
      predictedFrom: 'llamacpp-probe',
      fit: fresh.verdict!.verdict,
      unavailable: null,
    });
    const learned = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input({ correction: () => ({ factor: 2, runs: 1 }) }));
    expect(decodeSpeedFact(learned)).toMatchObject({ basis: 'learned', decodeTokensPerSecond: learned.predicted });
    const measured = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input({ correction: () => ({ factor: 2, runs: 1 }), measured: () => 6.5 }));
    expect(decodeSpeedFact(measured)).toMatchObject({ basis: 'measured', decodeTokensPerSecond: 6.5, predictedTokensPerSecond: measured.predicted });
    const unprobed = outlookRow(outlookModelOf(q4Build, CPU_ONLY), input({ llamaCppProbes: {} }));
    expect(decodeSpeedFact(unprobed)).toMatchObject({ basis: 'none', decodeTokensPerSecond: null, predictedFrom: null });
  });
});
