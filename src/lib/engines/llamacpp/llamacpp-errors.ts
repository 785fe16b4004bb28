// What wllama (llama.cpp in WebAssembly) throws, as the app's named errors. Comlink carries only
// name and message across the worker boundary, so a wllama error that kept its own name would
// reach the UI as an unexplained "WllamaError".
import { asGpuDeviceLost, BackendUnavailableError, EngineError, UnsupportedModelError } from '../errors';

/** Stop was pressed (or the worker asked to stop): the answer ends, it is no failure. */
export function isWllamaAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'WllamaAbortError');
}

/** The prompt and the answer no longer fit in the context llama.cpp was started with. */
export class LlamaCppContextFullError extends EngineError {
  override name = 'LlamaCppContextFullError';
  constructor(readonly contextLength: number) {
    super(`The conversation filled the model's ${contextLength}-token context in llama.cpp. Start a new chat or shorten the message.`);
  }
}

/** llama.cpp's WebAssembly itself failed (out of memory, a trap): the worker's state can't be trusted. */
export class LlamaCppRuntimeError extends EngineError {
  override name = 'LlamaCppRuntimeError';
}

interface WllamaLikeError {
  name?: string;
  message?: string;
  type?: string;
}

/**
 * Maps an error from wllama to the app's errors. `repoId` names the model in messages and
 * `contextLength` is the context the model was loaded with. Errors the app raised itself pass as they are.
 */
export function translateWllamaError(error: unknown, context: { repoId: string; backend: 'webgpu' | 'wasm'; contextLength: number | null }): unknown {
  if (error instanceof EngineError) return error;
  const lost = asGpuDeviceLost(error);
  if (lost) return lost;
  if (!(error instanceof Error)) return new EngineError(`llama.cpp failed on "${context.repoId}": ${String(error)}`);
  const e = error as Error & WllamaLikeError;
  const message = e.message ?? '';
  if (e.name === 'WllamaRuntimeError' || /RuntimeError|memory access out of bounds|Out of memory|unreachable/i.test(`${e.name} ${message}`)) {
    return new LlamaCppRuntimeError(`llama.cpp's WebAssembly stopped on "${context.repoId}" (${message}). The model was unloaded; a smaller model or quantization may fit.`);
  }
  switch (e.type) {
    case 'kv_cache_full':
      return new LlamaCppContextFullError(context.contextLength ?? 0);
    case 'load_error':
      if (context.backend === 'webgpu' && /webgpu|gpu|adapter|device/i.test(message)) {
        return new BackendUnavailableError(`WebGPU could not run "${context.repoId}" in llama.cpp: ${message}`);
      }
      return new UnsupportedModelError(`llama.cpp could not load "${context.repoId}": ${message}`);
    case 'model_not_loaded':
      return new EngineError(`llama.cpp has no model loaded for "${context.repoId}". Load it again.`);
    default:
      return new EngineError(`llama.cpp failed on "${context.repoId}": ${message}`);
  }
}
