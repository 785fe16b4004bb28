// Where a WebLLM build lives on the public hub or on a mirror: the ModelRecord and AppConfig WebLLM
// loads from. The weights sit in a hub repo (`mlc-ai/<model id>`); the compiled WebGPU library is
// published on GitHub for the public hub, and a mirror serves it under a repo of its own.
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { WebLLMModelSpec } from '../types';
import { DEFAULT_HUB } from '../../models/hub-urls';

/** Must match `modelVersion` of the installed @mlc-ai/web-llm (a unit test checks it). */
export const WEBLLM_MODEL_VERSION = 'v0_2_86/base';
/** Must match `modelLibURLPrefix` of the installed @mlc-ai/web-llm. */
export const WEBLLM_LIB_PREFIX = 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/';
/** The repo a mirror serves the compiled libraries from, in the same folder layout as GitHub's. */
export const MIRROR_LIB_REPO = 'mlc-ai/binary-mlc-llm-libs';

export function webllmRepoId(modelId: string): string {
  return `mlc-ai/${modelId}`;
}

export function webllmModelUrl(hub: string, modelId: string): string {
  return `${hub}/${webllmRepoId(modelId)}`;
}

/** Base of every file WebLLM fetches for the model (it appends `resolve/main/` the same way). */
export function webllmFilesBase(hub: string, modelId: string): string {
  return `${webllmModelUrl(hub, modelId)}/resolve/main/`;
}

export function webllmLibUrl(hub: string, modelLib: string): string {
  if (hub === DEFAULT_HUB) return `${WEBLLM_LIB_PREFIX}${WEBLLM_MODEL_VERSION}/${modelLib}`;
  return `${hub}/${MIRROR_LIB_REPO}/resolve/main/web-llm-models/${WEBLLM_MODEL_VERSION}/${modelLib}`;
}

export function webllmModelRecord(spec: WebLLMModelSpec, hub: string): ModelRecord {
  return {
    model: webllmModelUrl(hub, spec.modelId),
    model_id: spec.modelId,
    model_lib: webllmLibUrl(hub, spec.modelLib),
    vram_required_MB: spec.vramRequiredMB,
    required_features: [...spec.requiredFeatures],
    overrides: {
      context_window_size: spec.contextWindow,
      ...(spec.maxHistorySize !== undefined ? { max_history_size: spec.maxHistorySize } : {}),
    },
  };
}

/** WebLLM keeps its files in these Cache API buckets when `cacheBackend` is 'cache'. */
export const WEBLLM_CACHE_NAMES = ['webllm/config', 'webllm/model', 'webllm/wasm'] as const;

export function webllmAppConfig(spec: WebLLMModelSpec, hub: string): AppConfig {
  // The Cache API, like the transformers.js store: one storage the cache manager lists and clears.
  return { model_list: [webllmModelRecord(spec, hub)], cacheBackend: 'cache' };
}
