// Inference worker entry: exposes the typed inference API; the engines load lazily inside it.
import { expose } from 'comlink';
import { createInferenceApi } from '../src/lib/engines/inference-api';
// Self-hosted onnxruntime-web runtime files (the pinned version transformers.js uses), so loading
// never reaches a CDN and works offline.
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

const api = createInferenceApi(async (kind) => {
  switch (kind) {
    case 'transformers': {
      const { TransformersEngine } = await import('../src/lib/engines/transformers/transformers-engine');
      return new TransformersEngine({
        mjs: new URL(ortMjsUrl, self.location.href).href,
        wasm: new URL(ortWasmUrl, self.location.href).href,
      });
    }
    case 'webllm': {
      const [{ WebLLMEngine }, { browserWebLLMBoundary }] = await Promise.all([
        import('../src/lib/engines/webllm/webllm-engine'),
        import('../src/lib/engines/webllm/browser-boundary'),
      ]);
      return new WebLLMEngine(browserWebLLMBoundary());
    }
  }
});

expose(api);
