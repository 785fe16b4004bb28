// Detects what this browser can run: WebGPU (and whether it has shader-f16), CPU threads and
// cross-origin isolation. The result feeds backend-selection.ts.
import type { DeviceCapabilities, WebGpuCapability } from '../engines/backend-selection';

interface GpuAdapterLike {
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

interface NavigatorWithGpu {
  gpu?: { requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null> };
  hardwareConcurrency?: number;
}

export async function detectWebGpu(nav: NavigatorWithGpu = navigator as NavigatorWithGpu): Promise<WebGpuCapability> {
  if (!nav.gpu) {
    return { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'this browser has no navigator.gpu' };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, shaderF16: false, isFallbackAdapter: false, detail: `requestAdapter failed: ${String(error)}` };
  }
  if (!adapter) {
    return { available: false, shaderF16: false, isFallbackAdapter: false, detail: 'no WebGPU adapter was offered' };
  }
  const info = adapter.info ?? {};
  const isFallbackAdapter = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.description || 'unknown GPU';
  return {
    available: true,
    shaderF16: adapter.features.has('shader-f16'),
    isFallbackAdapter,
    detail: `${name}${isFallbackAdapter ? ', software fallback adapter' : ''}`,
  };
}

export async function detectCapabilities(): Promise<DeviceCapabilities> {
  return {
    webgpu: await detectWebGpu(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
}
