// The speed chart's bar labels keep what tells two bars apart: a llama.cpp row's label names the
// engine briefly, and where the axis has no room for the whole label it wraps at its " · " parts, so
// the prompt size at its end is still drawn, on a phone as on a desktop.
import { describe, expect, it } from 'vitest';
import { caseLabel } from '../../src/lib/benchmark/chart-data';
import { axisLabel, axisLabelLimit, MAX_AXIS_LABEL_CHARS } from '../../src/lib/charts/bar-chart-data';

const drawn = (label: string, widthPx: number, groups: number): string[] => [axisLabel(label, axisLabelLimit(widthPx, groups))].flat();

describe('speed chart axis labels', () => {
  const gguf = caseLabel({ modelId: 'unsloth/Qwen3-0.6B-GGUF', engine: 'llamacpp', backend: 'wasm', promptSize: 'medium' });

  it('name llama.cpp in its short form, ONNX rows as before', () => {
    expect(gguf).toBe('Qwen3-0.6B-GGUF · llama.cpp WASM · medium');
    expect(caseLabel({ modelId: 'onnx-community/Qwen3-0.6B-ONNX', engine: 'transformers', backend: 'wasm', promptSize: 'short' })).toBe('Qwen3-0.6B-ONNX · WASM · short');
  });

  it('keep the engine and the prompt size whole at every width, wrapping rather than cutting', () => {
    // A phone (330 px, 6 groups), a laptop panel (640 px, 4 groups), a desktop (1200 px, 2 groups).
    for (const [width, groups] of [[330, 6], [640, 4], [1200, 2]] as const) {
      const lines = drawn(gguf, width, groups);
      expect(lines.join(' · '), `${width} px`).toBe(gguf);
      for (const line of lines) expect(line.length, `${width} px`).toBeLessThanOrEqual(Math.max(MAX_AXIS_LABEL_CHARS, axisLabelLimit(width, groups)));
    }
    expect(drawn(gguf, 330, 6)).toEqual(['Qwen3-0.6B-GGUF', 'llama.cpp WASM', 'medium']);
  });

  it('wrap every label of the axis once one needs it, so the bars read alike', () => {
    const onnx = caseLabel({ modelId: 'onnx-community/Qwen3-0.6B-ONNX', engine: 'transformers', backend: 'wasm', promptSize: 'long' });
    expect(axisLabel(onnx, 30, [onnx])).toBe('Qwen3-0.6B-ONNX · WASM · long');
    expect(axisLabel(onnx, 30, [onnx, gguf])).toEqual(['Qwen3-0.6B-ONNX', 'WASM', 'long']);
  });

  it('cut a single-part label too long for the axis with "…", and a very long part of a label', () => {
    expect(axisLabel('Moderation / classification')).toBe('Moderation / classifica…');
    expect(axisLabel('Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC · WebLLM WebGPU · long')).toEqual(['Qwen2.5-Coder-1.5B-Inst…', 'WebLLM WebGPU', 'long']);
  });
});
