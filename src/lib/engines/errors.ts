// Named error classes. Comlink carries only name/message/stack across threads, so the UI
// switches on `name`; keep these names stable.

export class EngineError extends Error {
  override name = 'EngineError';
}

export class ModelNotFoundError extends EngineError {
  override name = 'ModelNotFoundError';
  constructor(readonly repoId: string, hub: string) {
    super(`Model "${repoId}" was not found on ${hub}. Check the id (org/name) and the hub address.`);
  }
}

export class InvalidModelIdError extends EngineError {
  override name = 'InvalidModelIdError';
  constructor(readonly repoId: string) {
    super(`"${repoId}" is not a model id. Use the hub form org/name, e.g. onnx-community/Qwen3-0.6B-ONNX.`);
  }
}

export class ModelFileMissingError extends EngineError {
  override name = 'ModelFileMissingError';
  constructor(readonly repoId: string, readonly file: string) {
    super(`Model "${repoId}" has no file "${file}".`);
  }
}

export class UnsupportedModelError extends EngineError {
  override name = 'UnsupportedModelError';
}

export class BackendUnavailableError extends EngineError {
  override name = 'BackendUnavailableError';
}

/** The hub is outside this build's security policy: nothing is fetched from it, by either engine. */
export class HubNotAllowedError extends EngineError {
  override name = 'HubNotAllowedError';
}

/** Tools were asked for, but the model's chat template (or its engine) has no way to show them to it. */
export class ToolsUnsupportedError extends EngineError {
  override name = 'ToolsUnsupportedError';
  constructor(message = "The model's chat template has no tool support: rendered with and without the tools, the prompt is the same.") {
    super(message);
  }
}

/** Pictures were sent to a model that reads text only; they are refused, never dropped silently. */
export class ImagesUnsupportedError extends EngineError {
  override name = 'ImagesUnsupportedError';
}

export class NetworkError extends EngineError {
  override name = 'NetworkError';
}

export class ContextOverflowError extends EngineError {
  override name = 'ContextOverflowError';
  constructor(readonly promptTokens: number, readonly contextLength: number, readonly maxNewTokens: number) {
    super(
      `The conversation is ${promptTokens} tokens and ${maxNewTokens} new tokens were asked for, ` +
        `but the model's context holds ${contextLength}. Start a new chat or shorten the message.`,
    );
  }
}

export class ModelNotLoadedError extends EngineError {
  override name = 'ModelNotLoadedError';
  constructor() {
    super('No model is loaded. Load a model first.');
  }
}

export class WorkerCrashedError extends EngineError {
  override name = 'WorkerCrashedError';
}

/** The worker was ended on purpose (the model was closed or replaced) while a call was running. */
export class WorkerEndedError extends EngineError {
  override name = 'WorkerEndedError';
  constructor() {
    super("The model's worker was ended before it finished.");
  }
}

/** Stop was asked for but the engine didn't stop in time (a long prefill), so its worker was ended. */
export class StopTimeoutError extends EngineError {
  override name = 'StopTimeoutError';
  constructor(afterMs: number) {
    super(`The model did not stop within ${afterMs / 1000} s (it was still reading the prompt), so its worker was ended.`);
  }
}

export class GenerationBusyError extends EngineError {
  override name = 'GenerationBusyError';
  constructor() {
    super('A generation is already running. Stop it first.');
  }
}

/** The repo exists and is a supported architecture, but has no ONNX weights to run. */
export class NoOnnxWeightsError extends EngineError {
  override name = 'NoOnnxWeightsError';
  constructor(readonly repoId: string) {
    super(
      `"${repoId}" has no ONNX weights (onnx/model*.onnx), so it can't run in the browser. ` +
        'Look for an ONNX export of it, e.g. under onnx-community/.',
    );
  }
}

/** A file arrived but is not the file the hub listed (size or sha256 differ). It was not cached. */
export class CorruptDownloadError extends EngineError {
  override name = 'CorruptDownloadError';
  constructor(readonly file: string, detail: string) {
    super(`"${file}" arrived damaged (${detail}). It was not saved; press Load to download it again.`);
  }
}

/** A file with no size from the hub kept coming past any size a file of its kind has. Nothing was saved. */
export class FileTooLargeError extends EngineError {
  override name = 'FileTooLargeError';
  constructor(readonly file: string, limitBytes: number) {
    super(
      `"${file}" kept arriving past ${Math.round(limitBytes / 2 ** 20)} MB with no size given by the hub; no file of its kind is that big, ` +
        'so the download was stopped and nothing of it was saved. Check the mirror serving it.',
    );
  }
}

export class DownloadCancelledError extends EngineError {
  override name = 'DownloadCancelledError';
  constructor() {
    super('The download was cancelled. Files that finished are kept; Load resumes with the rest.');
  }
}

/** Not enough browser storage for the model. Nothing of the model was left half-written. */
export class QuotaExceededError extends EngineError {
  override name = 'QuotaExceededError';
  constructor(readonly neededBytes: number, readonly freeBytes: number | null, message: string) {
    super(message);
  }
}

/**
 * config.json gives a size no real model has (a broken or hostile repo). Refused before anything is
 * built from it: transformers.js loops over some of these sizes before the first forward pass.
 */
export class ModelConfigError extends EngineError {
  override name = 'ModelConfigError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Where a load was when Cancel was pressed, in words, and what that leaves behind. */
const LOAD_STAGES = {
  lookup: 'while the model was being looked up; nothing was downloaded',
  files: 'while its files were being fetched or checked. Files that finished are kept',
  init: 'while the model was starting. Its files stay stored',
  warmup: 'while the model was warming up. Its files stay stored',
} as const;

export type LoadStage = keyof typeof LOAD_STAGES;

/** Cancel was pressed during a load (past the download, by ending the worker). */
export class LoadCancelledError extends EngineError {
  override name = 'LoadCancelledError';
  constructor(readonly stage: LoadStage) {
    super(`Loading was cancelled ${LOAD_STAGES[stage]}. Press "Load model" to start again.`);
  }
}

/** Name + message, the part of an error that survives postMessage. */
export interface ErrorSummary {
  name: string;
  message: string;
}

export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The hub or mirror has no compiled WebLLM library for the model, so WebLLM can't run it. */
export class ModelLibraryUnavailableError extends EngineError {
  override name = 'ModelLibraryUnavailableError';
  constructor(readonly modelId: string, readonly url: string, detail: string) {
    super(
      `No model library available for ${modelId}: ${url} ${detail}. WebLLM runs only models compiled ` +
        'for it; a mirror must also serve the compiled library (mlc-ai/binary-mlc-llm-libs).',
    );
  }
}

/**
 * The GPU dropped the device mid-load or mid-answer, usually because it ran out of memory. The
 * worker that held it is restarted; a smaller model, or the WASM path, may still run.
 */
export class GpuDeviceLostError extends EngineError {
  override name = 'GpuDeviceLostError';
}

/** Error names that mean the worker's GPU state is gone and the worker must be replaced. */
export const GPU_LOSS_ERRORS: ReadonlySet<string> = new Set(['GpuDeviceLostError']);

/**
 * The GpuDeviceLostError an engine error stands for, or null. WebLLM names its own
 * (`DeviceLostError`); onnxruntime-web and WebGPU itself only say it in the message.
 */
export function asGpuDeviceLost(error: unknown): GpuDeviceLostError | null {
  if (error instanceof GpuDeviceLostError) return error;
  if (!(error instanceof Error)) return null;
  if (error.name !== 'DeviceLostError' && !/device (was |is )?lost|out of memory|GPUOutOfMemory/i.test(error.message)) return null;
  return new GpuDeviceLostError(
    'The GPU dropped the model (WebGPU device lost, usually because it ran out of memory). ' +
      'The model was unloaded and its worker restarted; try a smaller model or close other GPU-heavy tabs.',
  );
}
