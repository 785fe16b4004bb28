// Which WebGPU load failures are worth a retry on WASM, and why a WebLLM build can't run here.
import { describe, expect, it } from 'vitest';
import { webGpuFailureWorthFallback, webllmUnavailableReason } from '../../src/lib/engines/backend-fallback';
import {
  CorruptDownloadError,
  DownloadCancelledError,
  GpuDeviceLostError,
  ModelNotFoundError,
  NetworkError,
  QuotaExceededError,
  asGpuDeviceLost,
  BackendUnavailableError,
} from '../../src/lib/engines/errors';
import type { DeviceCapabilities } from '../../src/lib/engines/backend-selection';

function caps(webgpu: Partial<DeviceCapabilities['webgpu']>): DeviceCapabilities {
  return {
    webgpu: { available: true, shaderF16: true, isFallbackAdapter: false, detail: 'test GPU', ...webgpu },
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
  };
}

describe('webGpuFailureWorthFallback', () => {
  it('retries GPU failures: an operator WebGPU lacks, a lost device, no adapter in the worker', () => {
    expect(webGpuFailureWorthFallback(new Error("Could not find an implementation for PlaygroundUnimplementedOp"))).toBe(true);
    expect(webGpuFailureWorthFallback(new GpuDeviceLostError('lost'))).toBe(true);
    expect(webGpuFailureWorthFallback(new BackendUnavailableError('no adapter'))).toBe(true);
    // Errors that crossed the worker boundary arrive as plain objects with a name.
    expect(webGpuFailureWorthFallback({ name: 'Error', message: 'WGSL compilation failed' })).toBe(true);
  });

  it('does not retry failures WASM would repeat, or the user\'s own cancel', () => {
    expect(webGpuFailureWorthFallback(new ModelNotFoundError('a/b', 'https://hub'))).toBe(false);
    expect(webGpuFailureWorthFallback(new NetworkError('offline'))).toBe(false);
    expect(webGpuFailureWorthFallback(new CorruptDownloadError('onnx/model.onnx', 'sha256 differs'))).toBe(false);
    expect(webGpuFailureWorthFallback(new DownloadCancelledError())).toBe(false);
    expect(webGpuFailureWorthFallback(new QuotaExceededError(1, 0, 'full'))).toBe(false);
    expect(webGpuFailureWorthFallback({ name: 'DownloadCancelledError', message: 'cancelled' })).toBe(false);
  });
});

describe('webllmUnavailableReason', () => {
  const f16 = { label: 'Qwen3 0.6B (WebLLM q4f16)', requiredFeatures: ['shader-f16'] };
  const f32 = { label: 'Qwen3 0.6B (WebLLM q4f32)', requiredFeatures: [] };

  it('says WebGPU is missing, with the browser\'s reason', () => {
    const reason = webllmUnavailableReason(f32, caps({ available: false, detail: 'no WebGPU adapter was offered' }));
    expect(reason).toBe(
      'Qwen3 0.6B (WebLLM q4f32) runs only on WebGPU, and this browser has none (no WebGPU adapter was offered).',
    );
  });

  it('names a missing shader-f16 only for builds that need it', () => {
    const noF16 = caps({ shaderF16: false, detail: 'google swiftshader' });
    expect(webllmUnavailableReason(f16, noF16)).toMatch(/needs the WebGPU feature shader-f16, which this GPU \(google swiftshader\) lacks/);
    expect(webllmUnavailableReason(f32, noF16)).toBeNull();
    expect(webllmUnavailableReason(f16, caps({}))).toBeNull();
  });
});

describe('asGpuDeviceLost', () => {
  it('recognises WebLLM\'s DeviceLostError and onnxruntime/WebGPU messages, and nothing else', () => {
    expect(asGpuDeviceLost(Object.assign(new Error('x'), { name: 'DeviceLostError' }))?.name).toBe('GpuDeviceLostError');
    expect(asGpuDeviceLost(new Error('GPU device is lost: destroyed'))?.name).toBe('GpuDeviceLostError');
    expect(asGpuDeviceLost(new Error('GPUOutOfMemoryError: allocation failed'))?.name).toBe('GpuDeviceLostError');
    expect(asGpuDeviceLost(new Error('Could not find an implementation for MatMulNBits'))).toBeNull();
    expect(asGpuDeviceLost('device lost')).toBeNull();
  });
});
