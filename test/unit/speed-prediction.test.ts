// Speed prediction, model shapes, fit verdicts and the learned correction: hand-computed cases.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/lib/models/catalog';
import { type DeviceBudget, type FitInput, WASM_HEAP_LIMIT, estimateModelBytes, fitVerdict } from '../../src/lib/hardware/fit-verdict';
import { memoryStore } from '../../src/lib/hardware/key-value-store';
import { CATALOG_SHAPES, type ModelShape, modelShape, shapeFromConfig } from '../../src/lib/hardware/model-shapes';
import { PredictionLearning } from '../../src/lib/hardware/prediction-learning';
import type { ProbeResult } from '../../src/lib/hardware/probe/probe-runner';
import { GENERATE_LOOP_MS, estimateNodes, kvCacheBytes, layerWeights, predictDecode, predictPrefill } from '../../src/lib/hardware/speed-prediction';

/** hidden 8, 2 layers, 2 heads of 4, 1 KV head, MLP 16, vocab 10: small enough to add up by hand. */
const SHAPE: ModelShape = {
  hiddenSize: 8,
  intermediateSize: 16,
  numLayers: 2,
  numHeads: 2,
  numKvHeads: 1,
  headDim: 4,
  vocabSize: 10,
  tieWordEmbeddings: false,
  attentionLayers: 2,
};

function probe(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    backend: 'wasm',
    ortVersion: 'test',
    threads: 2,
    takenAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    perRunMs: 0.5,
    perOpMs: 0.01,
    perTensorMs: 0.1,
    tensorBytesPerSecond: 1e6,
    bandwidth: { q8: 1e6, 'q8-integer': 2e6, q4: 5e5, fp32: 1e6 },
    matmulGflops: { q8: 1, 'q8-integer': 2, q4: 0.5, fp32: 1 },
    setup: { matrix: [1024, 4096], weightBytes: {}, batch: [32, 512], opChain: 200, tensors: 16 },
    ...overrides,
  };
}

describe('predictDecode', () => {
  it('adds up weights, attention, nodes, the run, tensors handed over and the generate loop (WASM)', () => {
    // q/k/v/o: 8·(8+4+4) + 8·8 = 192; gate/up/down: 3·8·16 = 384.
    expect(layerWeights(SHAPE)).toBe(576);
    // 2 (K and V) · 2 layers · 1 head · 4 dims · 10 tokens · 4 bytes.
    expect(kvCacheBytes(SHAPE, 'q8', 10)).toBe(640);
    const p = predictDecode(SHAPE, 'q8', 'wasm', probe(), { contextTokens: 10, graph: { nodes: 100, lmHeadDtype: 'fp32' } });
    // 2·576 q8 bytes at 1 MB/s + an fp32 lm_head of 8·10·4 bytes at 1 MB/s.
    expect(p.breakdown.weightsMs).toBeCloseTo(1.152 + 0.32, 9);
    expect(p.breakdown.attentionMs).toBeCloseTo(1.28, 9);
    expect(p.breakdown.opsMs).toBeCloseTo(1, 9);
    expect(p.breakdown.runMs).toBe(0.5);
    // 4 inputs + logits + past/present K and V of 2 layers = 13 tensors; KV in and out + 40 bytes of logits.
    expect(p.breakdown.tensorsMs).toBeCloseTo(1.3 + 1.32, 9);
    expect(p.breakdown.generateLoopMs).toBeCloseTo(GENERATE_LOOP_MS + 2e-5, 9);
    expect(p.msPerToken).toBeCloseTo(1.472 + 1.28 + 1 + 0.5 + 2.62 + GENERATE_LOOP_MS + 2e-5, 9);
    expect(p.tokensPerSecond).toBeCloseTo(1000 / p.msPerToken, 9);
    expect(p.weightBytesPerToken).toBe(1152 + 320);
    expect(p.nodes).toBe(100);
  });

  it('on WebGPU hands over only the small inputs and the logits: the KV cache stays on the GPU', () => {
    const p = predictDecode(SHAPE, 'q8', 'webgpu', probe({ backend: 'webgpu' }), { contextTokens: 10, graph: { nodes: 100 } });
    expect(p.breakdown.tensorsMs).toBeCloseTo(5 * 0.1 + 40 / 1e6 * 1000, 9);
  });

  it('times q8 with the kernel form the graph uses, and says when a format borrows another kernel', () => {
    const dynamic = predictDecode(SHAPE, 'q8', 'wasm', probe(), { graph: { nodes: 1, lmHeadDtype: 'q8' } });
    const perRow = predictDecode(SHAPE, 'q8', 'wasm', probe(), { graph: { nodes: 1, lmHeadDtype: 'q8', q8Activations: 'per-row' } });
    expect(dynamic.breakdown.weightsMs).toBeCloseTo(2 * perRow.breakdown.weightsMs, 9);
    expect(perRow.notes.join(' ')).not.toMatch(/estimated from/);
    const q4f16 = predictDecode(SHAPE, 'q4f16', 'webgpu', probe({ backend: 'webgpu' }));
    expect(q4f16.notes.join(' ')).toMatch(/q4f16 is estimated from the q4 kernel/);
    const missing = predictDecode(SHAPE, 'q4', 'webgpu', probe({ backend: 'webgpu', bandwidth: { fp32: 1e6 }, matmulGflops: { fp32: 1 } }));
    expect(missing.notes.join(' ')).toMatch(/q4 was not probed on webgpu; its rate is taken from fp32/);
  });

  it('estimates the node count from the layers when the graph has not been read', () => {
    const p = predictDecode(SHAPE, 'q4', 'wasm', probe());
    expect(p.nodes).toBe(estimateNodes(SHAPE, 'q4'));
    expect(estimateNodes({ ...SHAPE, numLayers: 4 }, 'q4') - estimateNodes(SHAPE, 'q4')).toBe(2 * 72);
    expect(p.notes.join(' ')).toMatch(/estimated from the model's shape \(about \d+ operations\)/);
  });

  it('refuses a probe from the other backend', () => {
    expect(() => predictDecode(SHAPE, 'q4', 'webgpu', probe())).toThrow(/wasm probe/);
  });

  it('gets slower as the model gets bigger and the context longer', () => {
    const p = probe();
    const small = predictDecode(SHAPE, 'q8', 'wasm', p, { contextTokens: 10 }).tokensPerSecond;
    expect(predictDecode({ ...SHAPE, numLayers: 4 }, 'q8', 'wasm', p, { contextTokens: 10 }).tokensPerSecond).toBeLessThan(small);
    expect(predictDecode(SHAPE, 'q8', 'wasm', p, { contextTokens: 1000 }).tokensPerSecond).toBeLessThan(small);
  });
});

describe('predictPrefill', () => {
  it('charges the batched matrices at the GFLOP/s rate, attention quadratically, lm_head once', () => {
    const p = probe({ matmulGflops: { q8: 0.001, fp32: 1 } });
    const prefill = predictPrefill(SHAPE, 'q8', 'wasm', p, 20, { graph: { nodes: 0, lmHeadDtype: 'fp32' } });
    const layers = (2 * 2 * 576 * 20) / 1e3; // 46 080 FLOP at 1 MFLOP/s (1 kFLOP/ms)
    const attention = (4 * 2 * 2 * 4 * 20 * 20) / 1e9 * 1000;
    expect(prefill.computeMs).toBeCloseTo(layers + attention + 0.32, 6);
    expect(prefill.tokensPerSecond).toBeCloseTo((20 * 1000) / prefill.ms, 9);
  });
});

describe('model shapes', () => {
  it('reads a config.json, a multimodal text_config and a hybrid layer list', () => {
    const config = { hidden_size: 512, intermediate_size: 1536, num_hidden_layers: 8, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 64, vocab_size: 264, tie_word_embeddings: false };
    expect(shapeFromConfig(config)).toEqual({ hiddenSize: 512, intermediateSize: 1536, numLayers: 8, numHeads: 8, numKvHeads: 4, headDim: 64, vocabSize: 264, tieWordEmbeddings: false, attentionLayers: 8 });
    const hybrid = shapeFromConfig({ text_config: { ...config, head_dim: undefined, layer_types: ['linear_attention', 'linear_attention', 'linear_attention', 'full_attention', 'linear_attention', 'linear_attention', 'linear_attention', 'full_attention'] } });
    expect(hybrid?.attentionLayers).toBe(2);
    expect(hybrid?.headDim).toBe(64);
    expect(hybrid?.approximate).toMatch(/hybrid/);
    expect(shapeFromConfig({ hidden_size: 512 })).toBeNull();
  });

  it('has a shape for every transformers.js model in the catalog; a downloaded config wins', () => {
    for (const entry of CATALOG.filter((e) => e.engine === 'transformers')) expect(CATALOG_SHAPES[entry.repoId], entry.repoId).toBeDefined();
    const id = 'onnx-community/Qwen3-0.6B-ONNX';
    expect(modelShape(id)?.hiddenSize).toBe(1024);
    expect(modelShape(id, { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 300 })?.hiddenSize).toBe(64);
    expect(modelShape('someone/unknown')).toBeNull();
  });

  it("counts a Qwen3.5 model's vision encoder in its bytes: float beside any decoder weights", () => {
    const qwen35 = CATALOG_SHAPES['onnx-community/Qwen3.5-0.8B-ONNX-OPT'];
    const textOnly = { ...qwen35, visionParams: undefined };
    expect(estimateModelBytes(qwen35, 'q8') - estimateModelBytes(textOnly, 'q8')).toBe(4 * qwen35.visionParams!);
    expect(estimateModelBytes(qwen35, 'q4f16') - estimateModelBytes(textOnly, 'q4f16')).toBe(2 * qwen35.visionParams!);
    for (const size of ['0.8B', '2B', '4B']) expect(CATALOG_SHAPES[`onnx-community/Qwen3.5-${size}-ONNX-OPT`].visionParams, size).toBeGreaterThan(0);
  });

  it('puts Qwen3-0.6B at about 0.44 B parameters in its layers', () => {
    const s = CATALOG_SHAPES['onnx-community/Qwen3-0.6B-ONNX'];
    expect(s.numLayers * layerWeights(s)).toBeGreaterThan(0.43e9);
    expect(s.numLayers * layerWeights(s)).toBeLessThan(0.45e9);
  });
});

const ROOMY: DeviceBudget = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, gpuMemoryBytes: null, deviceMemoryBytes: 8 * 2 ** 30, storageFreeBytes: 10e9 };
const QWEN3_1_7B = CATALOG_SHAPES['onnx-community/Qwen3-1.7B-ONNX'];

function fit(overrides: Partial<FitInput> = {}, budget: Partial<DeviceBudget> = {}) {
  return fitVerdict({ shape: QWEN3_1_7B, dtype: 'q4', backend: 'webgpu', downloadBytes: 1.2e9, contextTokens: 4096, predictedTokensPerSecond: 20, ...overrides }, { ...ROOMY, ...budget });
}

describe('fitVerdict', () => {
  it('fits, naming what the browser does not tell (GPU memory)', () => {
    const v = fit();
    expect(v.verdict).toBe('fits');
    expect(v.reason).toMatch(/unknown: gpu-memory/);
    expect(v.checks.map((c) => c.kind)).toEqual(['storage', 'ram', 'gpu-buffer', 'gpu-memory', 'speed']);
  });

  it("won't fit when the download exceeds the storage left", () => {
    const v = fit({}, { storageFreeBytes: 1e9 });
    expect(v.verdict).toBe('wont-fit');
    expect(v.reason).toMatch(/download needs/);
  });

  it("won't fit on WebGPU when the biggest weight exceeds the adapter's buffer limit (fp32 embedding of 1.2 GB vs 1 GiB)", () => {
    const v = fit({ dtype: 'fp32', modelBytes: 6.8e9 });
    expect(v.verdict).toBe('wont-fit');
    expect(v.checks.find((c) => c.kind === 'gpu-buffer')?.status).toBe('wont-fit');
    expect(fit({ dtype: 'q4' }).checks.find((c) => c.kind === 'gpu-buffer')?.status).toBe('ok');
  });

  it("won't fit in WASM past its 4 GiB heap, or past the device's memory", () => {
    const heap = fit({ backend: 'wasm', dtype: 'fp32', modelBytes: WASM_HEAP_LIMIT }, { deviceMemoryBytes: 64 * 2 ** 30 });
    expect(heap.verdict).toBe('wont-fit');
    expect(heap.reason).toMatch(/4 GiB/);
    const ram = fit({ backend: 'wasm', dtype: 'q8', modelBytes: 2e9 }, { deviceMemoryBytes: 2 * 2 ** 30 });
    expect(ram.verdict).toBe('wont-fit');
    expect(ram.checks.find((c) => c.kind === 'ram')?.status).toBe('wont-fit');
  });

  it('is slow below 5 tokens/s, and says when memory or the speed is unknown', () => {
    expect(fit({ predictedTokensPerSecond: 3 }).verdict).toBe('slow');
    const unknown = fit({ predictedTokensPerSecond: null, downloadBytes: null }, { deviceMemoryBytes: null });
    expect(unknown.verdict).toBe('fits');
    expect(unknown.checks.filter((c) => c.status === 'unknown').map((c) => c.kind)).toEqual(['storage', 'ram', 'gpu-memory', 'speed']);
  });
});

describe('PredictionLearning', () => {
  const key = { device: 'dev', backend: 'wasm', dtype: 'q8' } as const;

  it('converges to the median measured/predicted ratio and ignores one odd run', async () => {
    const learning = new PredictionLearning(memoryStore());
    expect(await learning.apply(key, 10)).toEqual({ raw: 10, corrected: 10, factor: 1, runs: 0 });
    for (const measured of [5, 5.2, 4.8, 5.1]) await learning.record(key, 10, measured);
    expect((await learning.correction(key)).factor).toBeCloseTo(0.5, 1);
    await learning.record(key, 10, 60);
    const c = await learning.apply(key, 20);
    expect(c.factor).toBeCloseTo(0.51, 2);
    expect(c.runs).toBe(5);
    expect(c).toMatchObject({ raw: 20 });
    expect(c.corrected).toBeCloseTo(20 * c.factor, 9);
  });

  it('is clamped, forgets runs past its window, keeps keys apart and skips nonsense', async () => {
    const store = memoryStore();
    const learning = new PredictionLearning(store, { maxRuns: 4 });
    for (let i = 0; i < 4; i++) await learning.record(key, 1, 100);
    expect((await learning.correction(key)).factor).toBe(4);
    for (let i = 0; i < 4; i++) await learning.record(key, 10, 20);
    expect(await learning.correction(key)).toEqual({ factor: 2, runs: 4 });
    await learning.record(key, 0, 5);
    await learning.record(key, 10, Number.NaN);
    expect((await learning.runs(key)).length).toBe(4);
    expect((await learning.correction({ ...key, dtype: 'q4' })).runs).toBe(0);
    // Stored, so a new instance (the next visit) knows it.
    expect((await new PredictionLearning(store).correction(key)).factor).toBe(2);
    await learning.forget(key);
    expect((await learning.correction(key)).runs).toBe(0);
  });
});
