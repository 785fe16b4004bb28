// What transformers.js and onnxruntime throw while loading, as the named errors the UI switches on.
import { describe, expect, it } from 'vitest';
import { describeLoadError } from '../../src/lib/engines/transformers/transformers-engine';
import { QuotaExceededError } from '../../src/lib/engines/errors';
import type { ModelRef } from '../../src/lib/engines/types';

const MODEL: ModelRef = { engine: 'transformers', repoId: 'onnx-community/Qwen3-0.6B-ONNX', revision: 'main', hub: 'https://hub.test' };

describe('describeLoadError', () => {
  it('names the missing file of a repo, from the URL transformers.js could not locate', () => {
    const error = describeLoadError(
      new Error('Could not locate file: "https://hub.test/onnx-community/Qwen3-0.6B-ONNX/resolve/main/onnx/model_q4f16.onnx".'),
      MODEL,
      'webgpu',
    );
    expect(error).toMatchObject({ name: 'ModelFileMissingError' });
    expect(error.message).toContain('onnx/model_q4f16.onnx');
  });

  it('calls a failed fetch a network error naming the hub', () => {
    const error = describeLoadError(new TypeError('Failed to fetch'), MODEL, 'wasm');
    expect(error).toMatchObject({ name: 'NetworkError' });
    expect(error.message).toContain('https://hub.test');
  });

  it('turns a lost GPU device into GpuDeviceLostError', () => {
    expect(describeLoadError(new Error('GPU device was lost'), MODEL, 'webgpu')).toMatchObject({ name: 'GpuDeviceLostError' });
  });

  it('blames WebGPU for a GPU-looking failure on WebGPU only', () => {
    const failure = new Error('no available adapter');
    expect(describeLoadError(failure, MODEL, 'webgpu')).toMatchObject({ name: 'BackendUnavailableError' });
    expect(describeLoadError(failure, MODEL, 'wasm')).toMatchObject({ name: 'EngineError' });
  });

  it('keeps the app’s own errors as they are and wraps anything else with the model id', () => {
    const quota = new QuotaExceededError(1000, 10, 'The browser refused to store onnx/model.onnx.');
    expect(describeLoadError(quota, MODEL, 'wasm')).toBe(quota);
    const other = describeLoadError('something odd', MODEL, 'wasm');
    expect(other).toMatchObject({ name: 'EngineError' });
    expect(other.message).toBe('Loading "onnx-community/Qwen3-0.6B-ONNX" failed: something odd');
  });
});
