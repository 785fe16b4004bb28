import { describe, expect, it } from 'vitest';
import {
  chooseBackend,
  chooseDtype,
  chooseWasmThreads,
  dtypesInRepo,
  onnxFileFor,
  type DeviceCapabilities,
} from '../../src/lib/engines/backend-selection';

const noGpu: DeviceCapabilities = {
  webgpu: { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'no adapter' },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};
const gpuF16: DeviceCapabilities = {
  ...noGpu,
  webgpu: { available: true, shaderF16: true, isFallbackAdapter: false, detail: 'nvidia ampere' },
};
const gpuNoF16: DeviceCapabilities = {
  ...noGpu,
  webgpu: { available: true, shaderF16: false, isFallbackAdapter: true, detail: 'google swiftshader' },
};
const ALL = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;

describe('chooseBackend', () => {
  it('prefers WebGPU when an adapter exists', () => {
    expect(chooseBackend(gpuF16, null)).toMatchObject({ value: 'webgpu' });
    expect(chooseBackend(gpuF16, null).reason).toContain('nvidia ampere');
  });
  it('falls back to WASM and says why', () => {
    const choice = chooseBackend(noGpu, null);
    expect(choice.value).toBe('wasm');
    expect(choice.reason).toContain('no adapter');
  });
  it('runs on WASM when the only adapter is a software one, and says why; WebGPU stays choosable', () => {
    const auto = chooseBackend(gpuNoF16, null);
    expect(auto.value).toBe('wasm');
    expect(auto.reason).toMatch(/software one \(google swiftshader\), slower than the CPU path/);
    expect(chooseBackend(gpuNoF16, 'webgpu')).toMatchObject({ value: 'webgpu', reason: 'WebGPU chosen by you.' });
  });
  it('follows the probes when they measured a hardware adapter slower than WASM, and says by how much', () => {
    const slowGpu = { ...gpuF16, probedSpeeds: { wasm: 24, webgpu: 3.2, reference: 'Qwen3 0.6B' } };
    const auto = chooseBackend(slowGpu, null);
    expect(auto.value).toBe('wasm');
    expect(auto.reason).toBe(
      'Measured on this device, WebGPU is slower than the CPU path (Qwen3 0.6B: about 3.2 against 24 tok/s), so the model runs on WASM; pick WebGPU to try it anyway.',
    );
    expect(chooseBackend(slowGpu, 'webgpu').value).toBe('webgpu');
    // Measured faster: WebGPU, as before.
    expect(chooseBackend({ ...gpuF16, probedSpeeds: { wasm: 24, webgpu: 60, reference: 'Qwen3 0.6B' } }, null).value).toBe('webgpu');
  });
  it('honours an override, except WebGPU where there is none', () => {
    expect(chooseBackend(gpuF16, 'wasm')).toMatchObject({ value: 'wasm', reason: 'WASM chosen by you.' });
    const impossible = chooseBackend(noGpu, 'webgpu');
    expect(impossible.value).toBe('wasm');
    expect(impossible.reason).toMatch(/WebGPU was requested but is unavailable/);
  });
});

describe('chooseDtype', () => {
  it('uses q8 on WASM even when smaller formats exist', () => {
    expect(chooseDtype('wasm', noGpu, [...ALL], null).value).toBe('q8');
  });
  it('uses q4f16 on a GPU with shader-f16, q4 without it', () => {
    expect(chooseDtype('webgpu', gpuF16, [...ALL], null).value).toBe('q4f16');
    const choice = chooseDtype('webgpu', gpuNoF16, [...ALL], null);
    expect(choice.value).toBe('q4');
    expect(choice.reason).toMatch(/shader-f16/);
  });
  it('only offers what the repo has', () => {
    expect(chooseDtype('wasm', noGpu, ['q4', 'q4f16'], null).value).toBe('q4');
    expect(chooseDtype('webgpu', gpuNoF16, ['fp32', 'q4f16'], null).value).toBe('fp32');
  });
  it('rejects a repo with nothing runnable, naming both sides', () => {
    expect(() => chooseDtype('webgpu', gpuNoF16, ['q4f16', 'fp16'], null)).toThrow(/has no weights WebGPU can run.*q4f16, fp16/);
  });
  it('honours a runnable override and explains an impossible one', () => {
    expect(chooseDtype('wasm', noGpu, [...ALL], 'q4')).toMatchObject({ value: 'q4', reason: 'q4 chosen by you.' });
    const noF16 = chooseDtype('webgpu', gpuNoF16, [...ALL], 'q4f16');
    expect(noF16.value).toBe('q4');
    expect(noF16.reason).toMatch(/can't run q4f16 here \(no shader-f16\)/);
    const absent = chooseDtype('wasm', noGpu, ['q8'], 'q4');
    expect(absent.value).toBe('q8');
    expect(absent.reason).toMatch(/has no q4 weights/);
  });
});

describe('chooseWasmThreads', () => {
  it('uses every core when isolated, one otherwise', () => {
    expect(chooseWasmThreads(noGpu).value).toBe(8);
    expect(chooseWasmThreads({ ...noGpu, crossOriginIsolated: false })).toMatchObject({ value: 1 });
  });
});

describe('dtypesInRepo', () => {
  it('maps transformers.js file names to dtypes and ignores the rest', () => {
    const files = ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4.onnx', 'onnx/model_q4f16.onnx', 'onnx/model_fp16.onnx_data', 'onnx/vision.onnx', 'model.onnx'];
    expect(dtypesInRepo(files).sort()).toEqual(['fp32', 'q4', 'q4f16', 'q8']);
  });
  it('finds the decoder dtypes of multi-session exports', () => {
    const files = ['onnx/embed_tokens_q4.onnx', 'onnx/vision_encoder_fp16.onnx', 'onnx/decoder_model_merged_q4.onnx', 'onnx/decoder_model_merged_q4f16.onnx'];
    expect(dtypesInRepo(files).sort()).toEqual(['q4', 'q4f16']);
  });
  it('round-trips with onnxFileFor', () => {
    for (const dtype of ALL) expect(dtypesInRepo([onnxFileFor(dtype)])).toEqual([dtype]);
  });
});
