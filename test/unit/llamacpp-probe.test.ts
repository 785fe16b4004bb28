// The llama.cpp probe's models are GGUF files the app's own reader (and llama.cpp's loader, in the
// browser tests) takes as a Qwen3 of Qwen3-0.6B's layer width, and the probe turns llama.cpp's
// timings into bytes per second by taking off the narrow model's per-token cost.
import { describe, expect, it } from 'vitest';
import { inspectGguf } from '../../src/lib/models/gguf/gguf-model-info';
import { readGgufHeader } from '../../src/lib/models/gguf/gguf-reader';
import { dequantizeQ4_K, dequantizeQ8_0 } from '../../src/lib/models/gguf/gguf-quants';
import {
  PROBE_OVERHEAD_SHAPE,
  PROBE_VOCAB_SHAPE,
  PROBE_WEIGHT_BYTES,
  probeLayersShape,
  probeModel,
} from '../../src/lib/hardware/probe/llamacpp-probe-model';
import { runLlamaCppProbe, type CompletionTimings, type WllamaLike } from '../../src/lib/hardware/probe/llamacpp-probe-runner';

const blob = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

describe('probeModel', () => {
  it('writes Qwen3-0.6B-wide layers in Q4_K and Q8_0 that read back as a runnable qwen3 GGUF', async () => {
    for (const [quant, bytesPerWeight, layers] of [
      ['Q4_K', 144 / 256, 8],
      ['Q8_0', 34 / 32, 4],
    ] as const) {
      const model = probeModel(probeLayersShape(quant), quant);
      const info = await inspectGguf(blob(model.bytes));
      expect(info).toMatchObject({
        architecture: 'qwen3',
        blockCount: layers,
        embeddingLength: 1024,
        feedForwardLength: 3072,
        headCount: 16,
        headCountKv: 8,
        vocabSize: 512,
        tokenizerModel: 'gpt2',
        tokenizerPre: 'qwen2',
        fileBytes: model.bytes.length,
      });
      expect(info.quantization).toBe(quant);
      // Layers of 15.73 M projection weights plus the 1024 × 512 output matrix, in the format's blocks.
      const layerWeights = layers * (1024 * (2048 + 2 * 1024) + 2048 * 1024 + 3 * 1024 * 3072);
      expect(model.layerWeights).toBe(layerWeights);
      // fp32 norms: attention and MLP (1024) and q/k (128) in each layer, and the final one.
      const normBytes = layers * 4 * (2 * 1024 + 2 * 128) + 4 * 1024;
      expect(model.decodeWeightBytes).toBe((layerWeights + 1024 * 512) * bytesPerWeight + normBytes);
      // 67 MB of Q8_0, 71 MB of Q4_K: about twice a 32 MiB L3, so a step reads mostly from memory.
      expect(model.decodeWeightBytes).toBeGreaterThan(PROBE_WEIGHT_BYTES);
      expect(PROBE_WEIGHT_BYTES).toBeGreaterThan(1.9 * 32 * 2 ** 20);
    }
  });

  it('fills its matrices with finite values of a trained projection’s size', async () => {
    const model = probeModel(probeLayersShape('Q4_K'), 'Q4_K');
    const header = await readGgufHeader(blob(model.bytes));
    const down = header.tensors.find((t) => t.name === 'blk.7.ffn_down.weight')!;
    const start = header.dataOffset + Number(down.offset);
    const values = dequantizeQ4_K(model.bytes.subarray(start, start + 3072 * 64 * (144 / 256)), 3072 * 64);
    const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(values.every(Number.isFinite)).toBe(true);
    // Uniform in ±1/sqrt(3072): an RMS of 1/sqrt(3 × 3072), within the 4-bit grid's error.
    expect(rms).toBeGreaterThan(0.8 / Math.sqrt(3 * 3072));
    expect(rms).toBeLessThan(1.2 / Math.sqrt(3 * 3072));
    const small = probeModel(PROBE_OVERHEAD_SHAPE, 'Q8_0');
    const smallHeader = await readGgufHeader(blob(small.bytes));
    const q = smallHeader.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    const at = smallHeader.dataOffset + Number(q.offset);
    expect(dequantizeQ8_0(small.bytes.subarray(at, at + 64 * 34 / 32 * 64), 64 * 64).every(Number.isFinite)).toBe(true);
    // The vocabulary model: Qwen's 151,936 tokens, every one spelled apart.
    expect((await inspectGguf(blob(probeModel(PROBE_VOCAB_SHAPE, 'Q8_0').bytes))).vocabSize).toBe(151_936);
  });
});

describe('runLlamaCppProbe', () => {
  it("takes the narrow model's per-token cost off each format's fastest decode and reads prompts as GFLOP/s", async () => {
    // Stands in for wllama, which runs only in a browser (test/e2e/llamacpp-probe.spec.ts runs the real one):
    // each load answers with the timings a device with these rates would give, its first timed
    // answer three times slower, as on a machine busy with something else.
    const loads: { bytes: number; params: unknown }[] = [];
    const perTokenMs = 2;
    const rates: Record<string, number> = { Q4_K: 2e9, Q8_0: 3e9 };
    const create = (): WllamaLike => {
      // Loaded in order: the narrow model, Q4_K, Q8_0, then the narrow model with Qwen's vocabulary.
      const kind = (['narrow', 'Q4_K', 'Q8_0', 'vocab'] as const)[loads.length]!;
      const model = kind === 'Q4_K' || kind === 'Q8_0' ? probeModel(probeLayersShape(kind), kind) : null;
      // The vocabulary model's extra output rows at the Q8_0 rate, and 20 ns a vocabulary entry.
      const vocabMs = kind === 'vocab' ? ((151_936 - 512) * 64 * (34 / 32) * 1000) / 3e9 + (151_936 - 512) * 20e-6 : 0;
      let answers = 0;
      return {
        async loadModel(blobs, params) {
          loads.push({ bytes: blobs[0]!.size, params });
        },
        async createCompletion({ prompt, max_tokens }): Promise<{ timings: CompletionTimings }> {
          const msPerToken = perTokenMs + vocabMs + (model ? (model.decodeWeightBytes * 1000) / rates[kind]! : 0);
          const promptMs = model ? (2 * model.layerWeights * prompt.length) / 10 / 1e6 : 1;
          // Answer 0 warms up; answer 1 is the first timed one.
          const busy = answers++ === 1 ? 3 : 1;
          return { timings: { prompt_n: prompt.length, prompt_ms: busy * promptMs, predicted_n: max_tokens, predicted_ms: busy * msPerToken * max_tokens } };
        },
        async exit() {},
      };
    };
    const result = await runLlamaCppProbe(create, { backend: 'wasm', threads: 2, wllamaVersion: 'test' });
    expect(loads).toHaveLength(4);
    expect(loads[0]!.bytes).toBeLessThan(2e6);
    expect(result.perVocabEntryNs).toBeCloseTo(20, 6);
    expect(result.setup.layers).toEqual({ Q4_K: 8, Q8_0: 4 });
    expect(loads.every((l) => (l.params as { n_threads: number; n_gpu_layers: number }).n_threads === 2)).toBe(true);
    expect(loads.every((l) => (l.params as { n_gpu_layers: number }).n_gpu_layers === 0)).toBe(true);
    expect(result.perTokenMs).toBe(perTokenMs);
    expect(result.decodeBytesPerSecond.Q4_K).toBeCloseTo(2e9, -3);
    expect(result.decodeBytesPerSecond.Q8_0).toBeCloseTo(3e9, -3);
    expect(result.prefillGflops.Q4_K).toBeCloseTo(10, 9);
    expect(result.setup).toMatchObject({ decodeTokens: 8, repeats: 3, promptTokens: 'A: the quick brown fox.'.length });
  });

  it("keeps a busy machine's long narrow-model token from making a rate more than twice the plain one", async () => {
    // The narrow model's fastest token took 30 ms, the layer models' 20 ms: taken off whole, it would leave nothing.
    let loads = 0;
    const create = (): WllamaLike => {
      const ms = loads++ === 0 ? 30 : 20;
      return {
        async loadModel() {},
        async createCompletion({ prompt, max_tokens }) {
          return { timings: { prompt_n: prompt.length, prompt_ms: 100, predicted_n: max_tokens, predicted_ms: ms * max_tokens } };
        },
        async exit() {},
      };
    };
    const result = await runLlamaCppProbe(create, { backend: 'wasm', threads: 2, wllamaVersion: 'test' });
    for (const quant of ['Q4_K', 'Q8_0'] as const) {
      const plain = (result.setup.decodeWeightBytes[quant]! * 1000) / 20;
      expect(result.decodeBytesPerSecond[quant], quant).toBeCloseTo(2 * plain, -3);
    }
  });
});
