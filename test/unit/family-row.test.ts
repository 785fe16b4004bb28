import { describe, expect, it } from 'vitest';
import { rowBuild } from '../../src/lib/models/family-row';
import { measuredSpeeds } from '../../src/lib/engines/engine-variants';
import type { OutlookRow } from '../../src/lib/hardware/device-outlook';

const ONNX = 'onnx-community/Qwen3-0.6B-ONNX';
const GGUF = 'unsloth/Qwen3-0.6B-GGUF';

function row(over: Partial<OutlookRow> & Pick<OutlookRow, 'repoId' | 'engine'>): OutlookRow {
  return {
    label: over.repoId,
    backend: 'wasm',
    dtype: 'q8',
    weights: 'q8',
    unavailable: null,
    predictedRaw: null,
    predicted: null,
    learnedRuns: 0,
    verdict: { verdict: 'fits', reason: 'Fits.', checks: [] },
    measured: null,
    notes: [],
    estimatedBytes: null,
    ...over,
  };
}

const onnx = row({
  repoId: ONNX,
  engine: 'transformers',
  predicted: 0.8,
  verdict: { verdict: 'slow', reason: 'About 0.8 tokens/s predicted, below 5.', checks: [] },
  estimatedBytes: 717e6,
});
const gguf = row({ repoId: GGUF, engine: 'llamacpp', dtype: 'q4', weights: 'Q4_K_M', predicted: 6.1, estimatedBytes: 400e6 });

describe('rowBuild', () => {
  it("rates a model's row by the build Auto picks for it, with the ONNX build it beat in the reason", () => {
    const build = rowBuild(ONNX, onnx, [onnx, gguf], [], null);
    expect(build.other).toEqual({ repoId: GGUF, engine: 'llamacpp' });
    // Fit, speed, size and weights are the GGUF file's, not the slow ONNX build's.
    expect(build.rating).toBe(gguf);
    expect(build.choice?.headline).toContain('6.1 tok/s predicted, against 0.8 tok/s predicted for ONNX q8 on WASM');
  });

  it("follows the user's engine as the chat's Load does", () => {
    const build = rowBuild(ONNX, onnx, [onnx, gguf], [], 'transformers');
    expect(build.other).toBeNull();
    expect(build.rating).toBe(onnx);
    expect(build.choice?.basis).toBe('user');
  });

  it('keeps a build picked by name on its own row', () => {
    const build = rowBuild(GGUF, gguf, [onnx, gguf], [], 'transformers');
    expect(build).toEqual({ choice: null, other: null, rating: gguf });
  });

  it('rates an id outside the catalog by what its picked build measured here', () => {
    const measured = measuredSpeeds({ 'fixtures/tiny-qwen3|wasm|q8': 10, 'fixtures/tiny-qwen3-gguf|wasm|q4': 40 });
    const build = rowBuild('fixtures/tiny-qwen3', null, [], measured, null);
    expect(build.other).toEqual({ repoId: 'fixtures/tiny-qwen3-gguf', engine: 'llamacpp' });
    expect(build.rating).toMatchObject({ backend: 'wasm', weights: 'q4', measured: 40, verdict: null });
  });
});
