// llama.cpp on the GPU: where its load log says the layers went (a WebGPU load that kept every
// layer on the CPU is refused by name), and the GPU check's input: the text split at the GGUF
// vocabulary's tokens, each prefix fed as text, the top token read from llama.cpp's n_probs.
import { describe, expect, it } from 'vitest';
import { gpuLayersFromLog, LlamaCppLoadLog, noGpuLayersError } from '../../src/lib/engines/llamacpp/llamacpp-load-log';
import { splitByVocabulary, topTokenOf, vocabularyOf } from '../../src/lib/engines/llamacpp/llamacpp-top-tokens';

describe("llama.cpp's load log", () => {
  it('reads the offloaded layers when a GPU took part, and zero when only the CPU did', () => {
    const log = new LlamaCppLoadLog();
    // Lines as llama.cpp b12211 prints them at INFO.
    log.add('llama_model_loader: - kv   0:                       general.architecture str              = qwen3');
    log.add('load_tensors: offloaded 29/29 layers to GPU');
    log.add('load_tensors:   WebGPU model buffer size =   604.15 MiB');
    expect(log.lines).toEqual(['load_tensors: offloaded 29/29 layers to GPU', 'load_tensors:   WebGPU model buffer size =   604.15 MiB']);
    expect(log.gpuLayers(29)).toEqual({ offloaded: 29, total: 29 });
    // What SwiftShader's load printed: a CPU buffer and no offload line.
    expect(gpuLayersFromLog(['load_tensors:          CPU model buffer size =     0.06 MiB'], 3)).toEqual({ offloaded: 0, total: 3 });
  });

  it('says why no layer went to WebGPU', () => {
    const swiftshader = noGpuLayersError('fixtures/tiny-qwen3-gguf', { offloaded: 0, total: 3 }, { description: 'google swiftshader, software', shaderF16: false });
    expect(swiftshader.name).toBe('BackendUnavailableError');
    expect(swiftshader.message).toBe(
      'llama.cpp put all 3 layers of "fixtures/tiny-qwen3-gguf" on the CPU, none on WebGPU: the WebGPU adapter (google swiftshader, software) has no shader-f16, which llama.cpp\'s WebGPU backend requires. Run it on WASM (CPU).',
    );
    expect(noGpuLayersError('m', { offloaded: 0, total: 3 }, null).message).toContain('this browser gave it no WebGPU adapter');
  });
});

describe('the GPU check through llama.cpp', () => {
  // A byte-level vocabulary: single bytes as GPT-2 spells them ("Ġ" is the space), and merges.
  const byteLevel = { model: 'gpt2', tokens: ['T', 'h', 'e', 'Ġ', 'Ġc', 'o', 's', 't', 'The', 'Ġcost', 'Ã', '©', 'Ã©'] };

  it('splits the text at the longest tokens and gives the text up to each', () => {
    expect(splitByVocabulary('The cost', byteLevel)).toEqual({ ids: [8, 9], prefixes: ['The', 'The cost'] });
    expect(splitByVocabulary('The cot', byteLevel)).toEqual({ ids: [8, 4, 5, 7], prefixes: ['The', 'The c', 'The co', 'The cot'] });
    // "é" is two UTF-8 bytes, one merged token here.
    expect(splitByVocabulary('Thé', byteLevel)).toEqual({ ids: [0, 1, 12], prefixes: ['T', 'Th', 'Thé'] });
  });

  it('splits SentencePiece text with its space marker and byte fallback', () => {
    const spm = { model: 'llama', tokens: ['<unk>', '▁The', '▁c', 'o', 't', '<0xC3>', '<0xA9>'] };
    expect(splitByVocabulary('The cot', spm)).toEqual({ ids: [1, 2, 3, 4], prefixes: ['The', 'The c', 'The co', 'The cot'] });
    expect(splitByVocabulary('The é', { ...spm, tokens: [...spm.tokens, '▁'] }).ids).toEqual([1, 7, 5]);
  });

  it('refuses a vocabulary that cannot spell the text, or a tokenizer it does not know', () => {
    expect(() => splitByVocabulary('The x', byteLevel)).toThrow(/no token for "x"/);
    expect(() => splitByVocabulary('x', { model: 'bert', tokens: ['x'] })).toThrow(/"bert" tokenizer/);
    expect(() => vocabularyOf(new Map([['tokenizer.ggml.model', 'gpt2']]))).toThrow(/no tokenizer vocabulary/);
    expect(vocabularyOf(new Map<string, string | string[]>([['tokenizer.ggml.model', 'gpt2'], ['tokenizer.ggml.tokens', ['a']]]))).toEqual({ model: 'gpt2', tokens: ['a'] });
  });

  it("reads the top token from llama.cpp's n_probs answer", () => {
    // A one-token completion with n_probs: 1, as wllama 3.13 returned it.
    const response = {
      choices: [{ text: ':', index: 0, logprobs: { content: [{ id: 58, token: ':', bytes: [58], logprob: -2.67, top_logprobs: [{ id: 58, token: ':', bytes: [58], logprob: -2.67 }] }] }, finish_reason: 'length' }],
    };
    expect(topTokenOf(response)).toBe(58);
    expect(() => topTokenOf({ choices: [{ text: ':', logprobs: null }] })).toThrow(/no token probabilities/);
  });
});
