// Which runtime runs a model, decided from its id the same way a load decides it: the catalog's
// engine, else a GGUF repo (by name) goes to llama.cpp, anything else to transformers.js. Results,
// the outlook and the fleet table record this, so a model compared on two engines stays apart.
import type { EngineKind } from '../engines/types';
import { findCatalogEntry } from './catalog';
import { namesGgufRepo } from './gguf/gguf-lookup';

export const ENGINES: readonly EngineKind[] = ['transformers', 'webllm', 'llamacpp'];

/** The engine's name as tables and badges show it. */
export const ENGINE_LABELS: Readonly<Record<EngineKind, string>> = {
  transformers: 'ONNX (transformers.js)',
  webllm: 'WebLLM (MLC)',
  llamacpp: 'llama.cpp (GGUF)',
};

/** The engine's short name, where the sentence says the rest ("llama.cpp Q4_K_M on WASM"). */
export const ENGINE_NAMES: Readonly<Record<EngineKind, string>> = {
  transformers: 'ONNX',
  webllm: 'WebLLM',
  llamacpp: 'llama.cpp',
};

/**
 * The engine as a prefix to "WASM q8": ONNX is the app's usual engine and goes unnamed, so rows and
 * series of ONNX models read as they always did; the others are named.
 */
export function enginePrefix(engine: EngineKind): string {
  return engine === 'transformers' ? '' : `${ENGINE_LABELS[engine]} `;
}

export function engineOfModel(repoId: string): EngineKind {
  return findCatalogEntry(repoId)?.engine ?? (namesGgufRepo(repoId) ? 'llamacpp' : 'transformers');
}
