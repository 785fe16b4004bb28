import { describe, expect, it } from 'vitest';
import { downloadSizeFor } from '../../src/lib/models/download-size';
import type { ModelInspection } from '../../src/lib/models/model-inspection';

const base: ModelInspection = {
  repoId: 'org/m',
  modelType: 'qwen3',
  contextLength: 2048,
  shape: null,
  dtypes: ['q4', 'q8'],
  fileSizes: {},
  files: null,
  storedDtypes: [],
  storedPaths: [],
  listing: 'tree',
};

describe('downloadSizeFor', () => {
  it('adds the dtype graph, its external data and the shared files from the listing', () => {
    const files = Object.fromEntries(
      Object.entries({
        'config.json': 1,
        'generation_config.json': 2,
        'tokenizer.json': 10,
        'tokenizer_config.json': 20,
        'README.md': 1000,
        'onnx/model_q4.onnx': 100,
        'onnx/model_q4.onnx_data': 5000,
        'onnx/model_q4.onnx_data_1': 7000,
        'onnx/model_quantized.onnx': 90_000,
      }).map(([path, size]) => [path, { size, sha256: null }]),
    );
    expect(downloadSizeFor({ ...base, files }, 'q4')).toEqual({ bytes: 1 + 2 + 10 + 20 + 100 + 5000 + 7000, exact: true });
    expect(downloadSizeFor({ ...base, files }, 'q8')).toEqual({ bytes: 33 + 90_000, exact: true });
    expect(downloadSizeFor({ ...base, files }, 'fp16')).toBeNull();
    // With q4 stored, q8 fetches only its own graph: the shared files are there already.
    const q4Stored = { ...base, files, storedDtypes: ['q4' as const], storedPaths: Object.keys(files).filter((p) => !p.includes('quantized')) };
    expect(downloadSizeFor(q4Stored, 'q8')).toEqual({ bytes: 90_000, exact: true });
  });

  it('is a lower bound when only the ONNX sizes were probed', () => {
    expect(downloadSizeFor({ ...base, fileSizes: { 'onnx/model_q4.onnx': 300 } }, 'q4')).toEqual({ bytes: 300, exact: false });
  });
});

describe('downloadSizeFor a vision-language (three-session) export', () => {
  const listed = (entries: Record<string, number>) => Object.fromEntries(Object.entries(entries).map(([path, size]) => [path, { size, sha256: null }]));
  const files = listed({
    'config.json': 1,
    'tokenizer.json': 10,
    'tokenizer_config.json': 20,
    'preprocessor_config.json': 3,
    'onnx/embed_tokens_q4.onnx': 100,
    'onnx/embed_tokens_q4.onnx_data': 1_000,
    'onnx/embed_tokens_quantized.onnx': 2_000,
    'onnx/decoder_model_merged_q4.onnx': 200,
    'onnx/decoder_model_merged_q4.onnx_data': 50_000,
    'onnx/vision_encoder.onnx': 9_000,
    'onnx/vision_encoder_fp16.onnx': 4_500,
  });
  const vl = { ...base, modelType: 'qwen3_5', files };

  it('adds up every session the load uses: on WASM the q8 embeddings and fp32 vision', () => {
    expect(downloadSizeFor(vl, 'q4', 'wasm')).toEqual({
      bytes: 34 + 2_000 + 50_200 + 9_000,
      exact: true,
      sessions: { decoder_model_merged: 50_200, embed_tokens: 2_000, vision_encoder: 9_000 },
    });
  });

  it('on WebGPU the q4 embeddings (GatherBlockQuantized runs there)', () => {
    expect(downloadSizeFor(vl, 'q4', 'webgpu')?.sessions).toEqual({ decoder_model_merged: 50_200, embed_tokens: 1_100, vision_encoder: 9_000 });
  });

  it('is null for weights the repo does not have', () => {
    expect(downloadSizeFor(vl, 'q8', 'wasm')).toBeNull();
  });
});
