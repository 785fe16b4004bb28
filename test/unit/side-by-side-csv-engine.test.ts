// The side-by-side CSV names each pane's engine, so ONNX Qwen3 against its GGUF on llama.cpp stays
// two rows a spreadsheet can tell apart.
import { describe, expect, it } from 'vitest';
import { sideBySideCsv, type PaneResult } from '../../src/lib/export/side-by-side-table';
import { csvRecords } from '../../src/lib/export/csv';

const pane = (pane: number, model: string): PaneResult => ({ pane, model, backend: 'wasm', dtype: 'q8', loadMs: 900, loadedThisRun: true, metrics: null, error: null });

describe('side-by-side CSV', () => {
  it('has an engine column after the model: transformers, llamacpp, webllm, and empty for a pane with no model', () => {
    const csv = sideBySideCsv(
      [pane(1, 'onnx-community/Qwen3-0.6B-ONNX'), pane(2, 'unsloth/Qwen3-0.6B-GGUF'), pane(3, 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC'), pane(4, 'someone/own-finetune-GGUF'), pane(5, '')],
      'sequential',
    );
    expect(csv.split('\n')[0]).toMatch(/^pane,model,engine,mode,/);
    expect(csvRecords(csv).map((row) => row.engine)).toEqual(['transformers', 'llamacpp', 'webllm', 'llamacpp', '']);
  });
});
