// Inference worker entry: exposes the typed inference API; the engines load lazily inside it.
import { expose } from 'comlink';
import { createInferenceApi } from '../src/lib/engines/inference-api';
import { UnsupportedModelError } from '../src/lib/engines/errors';
// Self-hosted onnxruntime-web runtime files (the pinned version transformers.js uses), so loading
// never reaches a CDN and works offline. The engine picks one build per worker (ort-setup.ts).
import asyncifyMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import jspiMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import jspiWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';

const here = (url: string) => new URL(url, self.location.href).href;

const api = createInferenceApi(async (kind) => {
  switch (kind) {
    case 'transformers': {
      const { TransformersEngine } = await import('../src/lib/engines/transformers/transformers-engine');
      return new TransformersEngine({
        asyncify: { mjs: here(asyncifyMjsUrl), wasm: here(asyncifyWasmUrl) },
        plain: { mjs: here(plainMjsUrl), wasm: here(plainWasmUrl) },
        jspi: { mjs: here(jspiMjsUrl), wasm: here(jspiWasmUrl) },
      });
    }
    case 'webllm': {
      const [{ WebLLMEngine }, { browserWebLLMBoundary }] = await Promise.all([
        import('../src/lib/engines/webllm/webllm-engine'),
        import('../src/lib/engines/webllm/browser-boundary'),
      ]);
      return new WebLLMEngine(browserWebLLMBoundary());
    }
    case 'llamacpp':
      // GGUF models have a worker of their own (llamacpp.worker.ts); this one never gets them.
      throw new UnsupportedModelError('GGUF models run in the llama.cpp worker, not this one.');
  }
});

expose(api);
