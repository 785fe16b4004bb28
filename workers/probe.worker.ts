// Hardware probe worker entry: exposes the probe API; onnxruntime-web loads on the first call.
import { expose } from 'comlink';
import { createProbeApi } from '../src/lib/hardware/probe/probe-api';
import { ProbeCache } from '../src/lib/hardware/probe/probe-cache';
import type { OrtLike } from '../src/lib/hardware/probe/probe-runner';
import { indexedDbStore } from '../src/lib/hardware/key-value-store';
// The same self-hosted onnxruntime-web build transformers.js runs in the inference worker, so the
// probe times the kernels a model will run on.
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
// The version pinned for this build (exactly what `ort.env.versions.web` reports).
import { dependencies } from '../package.json';

// Without cross-origin isolation onnxruntime-web silently runs one thread; say so in the result.
const threads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
let adapter: Promise<string | null> | null = null;

const api = createProbeApi({
  async loadOrt() {
    // transformers.js imports this entry point too.
    const ort = await import('onnxruntime-web/webgpu');
    ort.env.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, self.location.href).href, wasm: new URL(ortWasmUrl, self.location.href).href };
    ort.env.wasm.numThreads = threads;
    return ort as unknown as OrtLike;
  },
  ortVersion: dependencies['onnxruntime-web'],
  threads,
  userAgent: navigator.userAgent,
  hardwareConcurrency: navigator.hardwareConcurrency || 1,
  adapter: () =>
    (adapter ??= (async () => {
      const found = await gpu?.requestAdapter().catch(() => null);
      if (!found) return null;
      const info = found.info ?? {};
      return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    })()),
  cache: new ProbeCache(indexedDbStore('playground-probe')),
});

expose(api);
