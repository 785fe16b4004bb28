// Where llama.cpp put the model's layers, read from its own load log. wllama takes `n_gpu_layers`
// and loads without complaint when its WebGPU backend finds no usable device: every layer then
// lands on the CPU and the only trace is the log (`offloaded N/M layers to GPU` is printed only
// when a GPU device took part). The app reads it so a WebGPU load never claims a GPU it didn't get.
import { BackendUnavailableError } from '../errors';

/** Layers llama.cpp placed on a GPU device, of all it has (the output layer counts as one). */
export interface GpuLayers {
  offloaded: number;
  total: number;
}

/** Keeps the lines of one load that say where the weights went; the rest (every key, every tensor) is dropped. */
export class LlamaCppLoadLog {
  #lines: string[] = [];

  /** A line as wllama's logger hands it over (native lines arrive as one string each). */
  add(...parts: unknown[]): void {
    const line = parts.map(String).join(' ');
    if (/offloaded \d+\/\d+ layers|model buffer size|KV buffer size|ggml_webgpu|WebGPU/i.test(line)) this.#lines.push(line.trim());
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  /** What the log says, or zero of `layerCount` when no GPU device took part (no offload line at all). */
  gpuLayers(layerCount: number): GpuLayers {
    return gpuLayersFromLog(this.#lines, layerCount);
  }
}

export function gpuLayersFromLog(lines: readonly string[], layerCount: number): GpuLayers {
  for (const line of lines) {
    const match = /offloaded (\d+)\/(\d+) layers to GPU/.exec(line);
    if (match) return { offloaded: Number(match[1]), total: Number(match[2]) };
  }
  return { offloaded: 0, total: layerCount };
}

/**
 * The error for a WebGPU load that ran wholly on the CPU. `adapter` describes the WebGPU adapter
 * the worker sees (null: none); `shaderF16` whether it offers shader-f16, which llama.cpp's WebGPU
 * backend requires of a device.
 */
export function noGpuLayersError(repoId: string, layers: GpuLayers, adapter: { description: string; shaderF16: boolean } | null): BackendUnavailableError {
  const why =
    adapter === null
      ? 'this browser gave it no WebGPU adapter'
      : adapter.shaderF16
        ? `its WebGPU backend did not take the adapter (${adapter.description})`
        : `the WebGPU adapter (${adapter.description}) has no shader-f16, which llama.cpp's WebGPU backend requires`;
  return new BackendUnavailableError(
    `llama.cpp put all ${layers.total} layers of "${repoId}" on the CPU, none on WebGPU: ${why}. Run it on WASM (CPU).`,
  );
}

/** The WebGPU adapter this worker gets, in words, and whether it offers shader-f16; null when there is none. */
export async function describeAdapter(): Promise<{ description: string; shaderF16: boolean } | null> {
  // Typed here: the worker's lib has no WebGPU types.
  interface Adapter {
    features: ReadonlySet<string>;
    info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  }
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture || info?.description].filter(Boolean).join(' ') || 'unnamed';
  return { description: `${name}${info?.isFallbackAdapter ? ', software' : ''}`, shaderF16: adapter.features.has('shader-f16') };
}
