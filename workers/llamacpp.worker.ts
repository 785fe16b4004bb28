// llama.cpp worker entry: the same inference API as workers/inference.worker.ts, running GGUF
// models through wllama. Its WebAssembly is self-hosted (precached for offline use), so loading
// never reaches a CDN; wllama starts its own worker and threads from here.
import { expose } from 'comlink';
import { createInferenceApi } from '../src/lib/engines/inference-api';
import { UnsupportedModelError } from '../src/lib/engines/errors';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';

const api = createInferenceApi(async (kind) => {
  if (kind !== 'llamacpp') throw new UnsupportedModelError(`The llama.cpp worker runs GGUF models only, not ${kind} ones.`);
  const { LlamaCppEngine } = await import('../src/lib/engines/llamacpp/llamacpp-engine');
  return new LlamaCppEngine(new URL(wasmUrl, self.location.href).href);
});

expose(api);
