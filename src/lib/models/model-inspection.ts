// Before anything big downloads: does the repo exist, what is it, and which ONNX weight files
// does it have? A model already in the store answers from its manifest with no network at all;
// otherwise the hub's tree endpoint, or HEAD probes for plain static mirrors.
import { shapeFromConfig, type ModelShape } from '../hardware/model-shapes';
import { dtypesInRepo, onnxFileFor } from '../engines/backend-selection';
import { modelLayout, sessionFile, type ModelLayout } from '../engines/transformers/session-dtypes';
import {
  InvalidModelIdError,
  ModelNotFoundError,
  NetworkError,
  NoOnnxWeightsError,
  UnsupportedModelError,
} from '../engines/errors';
import type { Dtype } from '../engines/types';
import { checkConfigLimits, contextLengthFromConfig } from './config-limits';
import { isValidRepoId, resolveFileUrl, treeUrl, type HubTreeEntry } from './hub-urls';
import type { ManifestFile, ModelManifest, ModelStore } from './model-store';
import { readTextUpTo } from './download/bounded-read';
import { UNSIZED_FILE_LIMIT } from './download/file-download';

/** Decoder-only text models transformers.js 4.3 can generate with. */
export const SUPPORTED_MODEL_TYPES: ReadonlySet<string> = new Set([
  'qwen2',
  'qwen3',
  'qwen3_moe',
  'qwen3_5',
  'glm',
  'glm_ocr',
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
  /** Sizes from config.json that decide speed and memory; null when read from a stored manifest. */
  shape: ModelShape | null;
  dtypes: Dtype[];
  /** Bytes per ONNX file when the listing said; empty when probing found no sizes. */
  fileSizes: Record<string, number>;
  /** Every repo file with size and sha256 (tree listing or stored manifest); null after probing. */
  files: Record<string, ManifestFile> | null;
  /** Dtypes whose files are all in the browser's store already. */
  storedDtypes: Dtype[];
  /** Repo paths stored already (any format's): a download fetches only the others. */
  storedPaths: string[];
  listing: 'tree' | 'probe' | 'cache';
}

export interface InspectOptions {
  hub: string;
  revision: string;
  fetch?: typeof fetch;
  /** The browser's model store; a model stored there is inspected without the network. */
  store?: ModelStore | null;
}

export async function inspectModel(repoId: string, options: InspectOptions): Promise<ModelInspection> {
  const { hub, revision } = options;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  if (!isValidRepoId(repoId)) throw new InvalidModelIdError(repoId);
  const manifest = await options.store?.readManifest({ hub, repoId, revision });
  if (manifest && manifest.completeDtypes.length > 0) return inspectionFromManifest(manifest);

  const configUrl = resolveFileUrl(hub, repoId, revision, 'config.json');
  let configResponse: Response;
  try {
    configResponse = await doFetch(configUrl, { cache: 'no-store', signal: timeout() });
  } catch (error) {
    throw new NetworkError(`Can't reach ${hub} to look up "${repoId}" (${String(error)}), and it is not stored in this browser.`);
  }
  if (configResponse.status === 404 || configResponse.status === 401) throw new ModelNotFoundError(repoId, hub);
  if (!configResponse.ok) {
    throw new NetworkError(`${hub} answered ${configResponse.status} for "${repoId}/config.json".`);
  }
  const config = parseConfig(await readTextUpTo(configResponse, 'config.json', UNSIZED_FILE_LIMIT), repoId);

  const listed = await listRepoFiles(doFetch, hub, repoId, revision, modelLayout({ model_type: config.modelType }));
  const fileSizes = onnxSizes(listed.files);
  const dtypes = dtypesInRepo(Object.keys(fileSizes));
  if (dtypes.length === 0) throw new NoOnnxWeightsError(repoId);
  return {
    repoId,
    ...config,
    dtypes,
    fileSizes,
    // A probed list is kept too (sizes from HEAD): downloads then know their totals, and the stored
    // manifest remembers every format the repo has, not just the one stored.
    files: listed.source === 'tree' ? listed.files : sizedFiles(listed.files),
    storedDtypes: [],
    storedPaths: [],
    listing: listed.source,
  };
}

function inspectionFromManifest(manifest: ModelManifest): ModelInspection {
  const files = manifest.repoFiles ?? manifest.files;
  const fileSizes = onnxSizes(files);
  const listedDtypes = dtypesInRepo(Object.keys(fileSizes));
  return {
    repoId: manifest.repoId,
    modelType: manifest.modelType ?? 'unknown',
    contextLength: manifest.contextLength,
    shape: null,
    dtypes: [...new Set([...manifest.completeDtypes, ...listedDtypes])],
    fileSizes,
    files,
    storedDtypes: manifest.completeDtypes,
    storedPaths: Object.keys(manifest.files),
    listing: 'cache',
  };
}

function onnxSizes(files: Record<string, ManifestFile>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [path, file] of Object.entries(files)) if (path.startsWith('onnx/')) sizes[path] = file.size;
  return sizes;
}

/**
 * Reads a config.json and checks that its model type is one this app runs and that its sizes are
 * ones a real model has (ModelConfigError otherwise), before anything is downloaded for it.
 */
export function parseConfig(text: string, repoId: string): { modelType: string; contextLength: number | null; shape: ModelShape | null } {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UnsupportedModelError(`"${repoId}/config.json" is not valid JSON.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UnsupportedModelError(`"${repoId}/config.json" is not a JSON object.`);
  }
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  if (!SUPPORTED_MODEL_TYPES.has(modelType)) {
    throw new UnsupportedModelError(
      `"${repoId}" is a "${modelType || 'unknown'}" model; this app runs ${[...SUPPORTED_MODEL_TYPES].join(', ')}.`,
    );
  }
  checkConfigLimits(config);
  return { modelType, contextLength: contextLengthFromConfig(config), shape: shapeFromConfig(config) };
}

async function listRepoFiles(
  doFetch: typeof fetch,
  hub: string,
  repoId: string,
  revision: string,
  layout: ModelLayout,
): Promise<{ files: Record<string, ManifestFile>; source: 'tree' | 'probe' }> {
  try {
    const response = await doFetch(treeUrl(hub, repoId, revision), { signal: timeout() });
    if (response.ok) {
      const entries = (await response.json()) as HubTreeEntry[];
      if (Array.isArray(entries)) {
        const files: Record<string, ManifestFile> = {};
        for (const entry of entries) {
          if (entry.type !== 'file') continue;
          // For LFS files `size` is the pointer's; the real size and sha256 are under `lfs`.
          files[entry.path] = { size: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid ?? null };
        }
        return { files, source: 'tree' };
      }
    }
  } catch {
    // A static mirror without the API: probe the known file names instead.
  }
  const sizes = await sizesOfKnownFiles(hub, repoId, revision, layout, async (url) => {
    try {
      return await doFetch(url, { method: 'HEAD', signal: timeout() });
    } catch {
      return undefined; // unreachable counts as absent
    }
  });
  const files: Record<string, ManifestFile> = {};
  for (const [path, size] of Object.entries(sizes)) files[path] = { size, sha256: null };
  return { files, source: 'probe' };
}

/** Probed files whose size is known (0 means HEAD gave no usable length): a download may trust those. */
function sizedFiles(files: Record<string, ManifestFile>): Record<string, ManifestFile> | null {
  const sized = Object.entries(files).filter(([, file]) => file.size > 0);
  return sized.length > 0 ? Object.fromEntries(sized) : null;
}

/** The files besides the weights that every transformers.js load reads. */
const SMALL_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

/** The ONNX files a repo of this layout can have: one graph per dtype, or three sessions per dtype. */
function knownOnnxFiles(layout: ModelLayout): string[] {
  if (layout === 'decoder-only') return ALL_DTYPES.map(onnxFileFor);
  const sessions = ['embed_tokens', 'decoder_model_merged', 'vision_encoder'] as const;
  return [...sessions.flatMap((session) => ALL_DTYPES.map((dtype) => sessionFile(session, dtype))), 'preprocessor_config.json'];
}

/**
 * Looks up every ONNX file name transformers.js knows and the tokenizer and generation files;
 * present files map to their byte size, 0 when the answer gave none (or a compressed one).
 */
async function sizesOfKnownFiles(
  hub: string,
  repoId: string,
  revision: string,
  layout: ModelLayout,
  lookup: (url: string) => Promise<Response | undefined>,
): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  await Promise.all(
    [...knownOnnxFiles(layout), ...SMALL_FILES].map(async (file) => {
      const response = await lookup(resolveFileUrl(hub, repoId, revision, file));
      if (!response?.ok) return;
      const length = Number(response.headers.get('content-length') ?? 0);
      sizes[file] = Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding') ? length : 0;
    }),
  );
  return sizes;
}
