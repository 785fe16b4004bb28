// Before anything big downloads: does the repo exist, what is it, and which ONNX weight files
// does it have? Uses the hub's tree endpoint when there is one, and falls back to HEAD probes
// for plain static mirrors that only serve the resolve paths.
import { dtypesInRepo, onnxFileFor } from '../engines/backend-selection';
import { InvalidModelIdError, ModelNotFoundError, NetworkError, UnsupportedModelError } from '../engines/errors';
import type { Dtype } from '../engines/types';
import { isValidRepoId, resolveFileUrl, treeUrl, type HubTreeEntry } from './hub-urls';

/** Decoder-only text models transformers.js 4.3 can generate with. */
export const SUPPORTED_MODEL_TYPES: ReadonlySet<string> = new Set([
  'qwen2',
  'qwen3',
  'qwen3_moe',
  'qwen3_5',
  'glm',
  'llama',
  'mistral',
  'phi3',
  'gemma2',
  'gemma3_text',
  'smollm3',
]);

const ALL_DTYPES: Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** A hub that accepts the connection but never answers must not leave Load waiting forever. */
const LOOKUP_TIMEOUT_MS = 20_000;
const timeout = () => AbortSignal.timeout(LOOKUP_TIMEOUT_MS);

export interface ModelInspection {
  repoId: string;
  modelType: string;
  contextLength: number | null;
  dtypes: Dtype[];
  /** Bytes per ONNX file when the listing said; empty when probing found no sizes. */
  fileSizes: Record<string, number>;
  listing: 'tree' | 'probe' | 'cache';
}

export interface InspectOptions {
  hub: string;
  revision: string;
  fetch?: typeof fetch;
  /** Where transformers.js keeps downloaded files; consulted when the hub is unreachable. */
  cacheName?: string;
}

export async function inspectModel(repoId: string, options: InspectOptions): Promise<ModelInspection> {
  const { hub, revision } = options;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  if (!isValidRepoId(repoId)) throw new InvalidModelIdError(repoId);
  const configUrl = resolveFileUrl(hub, repoId, revision, 'config.json');
  let configResponse: Response;
  try {
    configResponse = await doFetch(configUrl, { cache: 'no-store', signal: timeout() });
  } catch (error) {
    const cached = await inspectFromCache(repoId, options);
    if (cached) return cached;
    throw new NetworkError(`Can't reach ${hub} to look up "${repoId}" (${String(error)}), and it is not cached.`);
  }
  if (configResponse.status === 404 || configResponse.status === 401) throw new ModelNotFoundError(repoId, hub);
  if (!configResponse.ok) {
    throw new NetworkError(`${hub} answered ${configResponse.status} for "${repoId}/config.json".`);
  }
  const config = parseConfig(await configResponse.text(), repoId);

  const listed = await listOnnxFiles(doFetch, hub, repoId, revision);
  const dtypes = dtypesInRepo(Object.keys(listed.sizes));
  if (dtypes.length === 0) {
    throw new UnsupportedModelError(`"${repoId}" has no ONNX weights (onnx/model*.onnx), so it can't run in the browser.`);
  }
  return { repoId, ...config, dtypes, fileSizes: listed.sizes, listing: listed.source };
}

function parseConfig(text: string, repoId: string): { modelType: string; contextLength: number | null } {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UnsupportedModelError(`"${repoId}/config.json" is not valid JSON.`);
  }
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  if (!SUPPORTED_MODEL_TYPES.has(modelType)) {
    throw new UnsupportedModelError(
      `"${repoId}" is a "${modelType || 'unknown'}" model; this app runs ${[...SUPPORTED_MODEL_TYPES].join(', ')}.`,
    );
  }
  const context = config.max_position_embeddings;
  return { modelType, contextLength: typeof context === 'number' ? context : null };
}

async function listOnnxFiles(
  doFetch: typeof fetch,
  hub: string,
  repoId: string,
  revision: string,
): Promise<{ sizes: Record<string, number>; source: 'tree' | 'probe' }> {
  try {
    const response = await doFetch(treeUrl(hub, repoId, revision), { signal: timeout() });
    if (response.ok) {
      const entries = (await response.json()) as HubTreeEntry[];
      if (Array.isArray(entries)) {
        const sizes: Record<string, number> = {};
        for (const entry of entries) {
          if (entry.type === 'file' && entry.path.startsWith('onnx/')) sizes[entry.path] = entry.lfs?.size ?? entry.size;
        }
        return { sizes, source: 'tree' };
      }
    }
  } catch {
    // A static mirror without the API: probe the known file names instead.
  }
  const sizes = await sizesOfKnownOnnxFiles(hub, repoId, revision, async (url) => {
    try {
      return await doFetch(url, { method: 'HEAD', signal: timeout() });
    } catch {
      return undefined; // unreachable counts as absent
    }
  });
  return { sizes, source: 'probe' };
}

async function inspectFromCache(repoId: string, options: InspectOptions): Promise<ModelInspection | null> {
  if (typeof caches === 'undefined') return null;
  const cache = await caches.open(options.cacheName ?? 'transformers-cache');
  const configResponse = await cache.match(resolveFileUrl(options.hub, repoId, options.revision, 'config.json'));
  if (!configResponse) return null;
  const config = parseConfig(await configResponse.text(), repoId);
  const sizes = await sizesOfKnownOnnxFiles(options.hub, repoId, options.revision, (url) => cache.match(url));
  const dtypes = dtypesInRepo(Object.keys(sizes));
  if (dtypes.length === 0) return null;
  return { repoId, ...config, dtypes, fileSizes: sizes, listing: 'cache' };
}

/** Looks up every ONNX file name transformers.js knows; present files map to their byte size. */
async function sizesOfKnownOnnxFiles(
  hub: string,
  repoId: string,
  revision: string,
  lookup: (url: string) => Promise<Response | undefined>,
): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  await Promise.all(
    ALL_DTYPES.map(async (dtype) => {
      const file = onnxFileFor(dtype);
      const response = await lookup(resolveFileUrl(hub, repoId, revision, file));
      if (response?.ok) sizes[file] = Number(response.headers.get('content-length') ?? 0);
    }),
  );
  return sizes;
}
