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
