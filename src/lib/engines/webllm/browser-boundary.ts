// The real WebLLM boundary inside the inference worker: MLCEngine, the worker's WebGPU adapter,
// the Cache API and fetch. Imported lazily, so WebLLM's code loads only when a WebLLM model does.
import { MLCEngine } from '@mlc-ai/web-llm';
import type { WebGpuProbe, WebLLMBoundary } from './webllm-engine';

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{
    features: ReadonlySet<string>;
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, reason: 'the browser offered no WebGPU adapter' };
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.description || 'unknown GPU';
    return { available: true, features: new Set(adapter.features), description };
  } catch (error) {
    return { available: false, reason: `requesting a WebGPU adapter failed (${String(error)})` };
  }
}

export function browserWebLLMBoundary(): WebLLMBoundary {
  return {
    createEngine: (config) => new MLCEngine(config),
    probeWebGpu,
    async isCached(cacheName, url) {
      // caches.open would create the bucket; has() first keeps an unused one from appearing.
      if (!(await caches.has(cacheName))) return false;
      return (await (await caches.open(cacheName)).match(url)) !== undefined;
    },
    fetch: (url, init) => fetch(url, init),
    now: () => performance.now(),
  };
}
