// The WebLLM builds stored in this browser. WebLLM keeps its files in its own Cache API buckets
// (we choose the 'cache' backend): weights and config under the model's hub URL, and the compiled
// library under its own URL, which two builds may share (Qwen2.5 and its Coder use one library).
import { WEBLLM_CATALOG, type WebLLMCatalogEntry } from './catalog';
import { WEBLLM_CACHE_NAMES } from '../engines/webllm/webllm-model-record';

export interface StoredFile {
  cacheName: string;
  url: string;
  bytes: number;
}

export interface StoredWebLLMModel {
  entry: WebLLMCatalogEntry;
  hub: string;
  bytes: number;
  /** Weight shards, config, tokenizer and the model library. */
  files: StoredFile[];
}

// `<hub>/mlc-ai/<model id>/resolve/<revision>/<path>`
const MODEL_FILE = /^(.*)\/mlc-ai\/([^/]+)\/resolve\/[^/]+\/.+$/;

/** Groups stored WebLLM files by model; libraries go with every stored model that uses them. */
export function groupWebLLMFiles(files: readonly StoredFile[], catalog: readonly WebLLMCatalogEntry[] = WEBLLM_CATALOG): StoredWebLLMModel[] {
  const byKey = new Map<string, StoredWebLLMModel>();
  const libraries: StoredFile[] = [];
  for (const file of files) {
    const match = MODEL_FILE.exec(file.url);
    const entry = match ? catalog.find((e) => e.webllmModelId === match[2]) : undefined;
    if (!match || !entry || file.cacheName === 'webllm/wasm') {
      if (file.cacheName === 'webllm/wasm') libraries.push(file);
      continue;
    }
    const key = `${match[1]}\n${entry.webllmModelId}`;
    let model = byKey.get(key);
    if (!model) {
      model = { entry, hub: match[1], bytes: 0, files: [] };
      byKey.set(key, model);
    }
    model.files.push(file);
    model.bytes += file.bytes;
  }
  for (const model of byKey.values()) {
    for (const lib of libraries) {
      if (!lib.url.endsWith(`/${model.entry.modelLib}`)) continue;
      model.files.push(lib);
      model.bytes += lib.bytes;
    }
  }
  return [...byKey.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Files of `model` that no other stored model needs (a shared library stays while it is used). */
export function filesOnlyFor(model: StoredWebLLMModel, all: readonly StoredWebLLMModel[]): StoredFile[] {
  const usedElsewhere = new Set(all.filter((m) => m !== model).flatMap((m) => m.files.map((f) => f.url)));
  return model.files.filter((file) => !usedElsewhere.has(file.url));
}

export async function listStoredWebLLMModels(storage: CacheStorage = caches): Promise<StoredWebLLMModel[]> {
  const files: StoredFile[] = [];
  for (const cacheName of WEBLLM_CACHE_NAMES) {
    // has() first: opening a bucket that doesn't exist would create it.
    if (!(await storage.has(cacheName))) continue;
    const cache = await storage.open(cacheName);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      files.push({ cacheName, url: request.url, bytes: response ? await storedBytes(response) : 0 });
    }
  }
  return groupWebLLMFiles(files);
}

export async function deleteStoredWebLLMModel(
  model: StoredWebLLMModel,
  all: readonly StoredWebLLMModel[],
  storage: CacheStorage = caches,
): Promise<void> {
  for (const file of filesOnlyFor(model, all)) {
    if (!(await storage.has(file.cacheName))) continue;
    await (await storage.open(file.cacheName)).delete(file.url);
  }
}

async function storedBytes(response: Response): Promise<number> {
  const length = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && Number.isFinite(length)) return length;
  // A stored Blob knows its size without reading its bytes.
  return (await response.blob()).size;
}
