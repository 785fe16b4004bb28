// Before a GGUF load: which file(s) of the repo to read for this backend and dtype, and what the
// hub lists for them (size, sha256) so the download is verified. A model stored already answers
// from its manifest with no network at all (offline loads); otherwise the hub's tree listing, and
// the file's head, so an architecture llama.cpp can't run is refused before anything is stored.
import type { Backend, Dtype } from '../../engines/types';
import { ModelNotFoundError, NetworkError, UnsupportedModelError } from '../../engines/errors';
import type { LlamaCppCatalogEntry } from '../catalog';
import { LOCAL_ORG, resolveFileUrl, treeUrl, type HubTreeEntry } from '../hub-urls';
import type { ManifestFile, ModelStore } from '../model-store';
import { ggufDtypes, ggufFilesFor } from './gguf-repo';
import { assertRemoteGgufRunnable } from './gguf-remote-head';

const LOOKUP_TIMEOUT_MS = 20_000;

export interface GgufLoadPlan {
  dtype: Dtype;
  dtypeReason: string;
  files: string[];
  /** The repo's files with size and sha256; null when neither hub nor store said. */
  listing: Record<string, ManifestFile> | null;
}

export interface GgufLookupOptions {
  repoId: string;
  hub: string;
  revision: string;
  backend: Backend;
  /** The catalog's entry, whose file names win over what the listing suggests. */
  entry: LlamaCppCatalogEntry | null;
  dtypeOverride: Dtype | null;
  store: ModelStore | null;
  fetch?: typeof fetch;
}

/** Whether an id outside the catalog is a GGUF repo by its name, as hubs name them (`…-GGUF`). */
export function namesGgufRepo(repoId: string): boolean {
  return /gguf/i.test(repoId);
}

export async function planGgufLoad(options: GgufLookupOptions): Promise<GgufLoadPlan> {
  const { repoId, hub, revision, entry } = options;
  const manifest = await options.store?.readManifest({ hub, repoId, revision });
  const listing = manifest && manifest.completeDtypes.length > 0 ? (manifest.repoFiles ?? manifest.files) : await listRepo(options);
  const paths = Object.keys(listing ?? {});
  // A file imported from disk may not name its quantization: what the store holds of it counts too.
  const offered: Dtype[] = entry ? [...entry.dtypes[options.backend]] : [...new Set([...ggufDtypes(paths), ...(manifest?.completeDtypes ?? [])])];
  const stored = manifest?.completeDtypes ?? [];
  const dtype = options.dtypeOverride && offered.includes(options.dtypeOverride) ? options.dtypeOverride : (offered.find((d) => stored.includes(d)) ?? offered[0]);
  if (!dtype) throw new UnsupportedModelError(`"${repoId}" has no GGUF file in Q8_0 or 4-bit that llama.cpp can load here.`);
  const named = entry?.ggufFiles[dtype];
  const files = named !== undefined ? (typeof named === 'string' ? [named] : [...named]) : (manifest?.filesByDtype[dtype] ?? ggufFilesFor(paths, dtype));
  if (!files?.length) throw new UnsupportedModelError(`"${repoId}" has no ${dtype} GGUF file.`);
  // Only the first part of a split model names its architecture.
  if (!stored.includes(dtype) && !repoId.startsWith(`${LOCAL_ORG}/`)) {
    await assertRemoteGgufRunnable(resolveFileUrl(hub, repoId, revision, files[0]!), { fetch: options.fetch, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
  }
  const reason =
    options.dtypeOverride === dtype
      ? `${dtype} chosen by you: ${files.join(', ')}.`
      : `${dtype}: ${files.join(', ')}${stored.includes(dtype) ? ' (stored in this browser)' : ''}; llama.cpp runs 4-bit K-quants fastest on a CPU.`;
  return { dtype, dtypeReason: reason, files, listing };
}

async function listRepo(options: GgufLookupOptions): Promise<Record<string, ManifestFile> | null> {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(treeUrl(options.hub, options.repoId, options.revision), { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
  } catch (error) {
    throw new NetworkError(`Can't reach ${options.hub} to look up "${options.repoId}" (${String(error)}), and it is not stored in this browser.`);
  }
  if (response.status === 404 || response.status === 401) throw new ModelNotFoundError(options.repoId, options.hub);
  // A static mirror without the listing API: the catalog's file names still load, unverified.
  if (!response.ok) return null;
  const entries = (await response.json()) as HubTreeEntry[];
  if (!Array.isArray(entries)) return null;
  const files: Record<string, ManifestFile> = {};
  for (const item of entries) {
    if (item.type !== 'file') continue;
    // For LFS files `size` is the pointer's; the real size and sha256 are under `lfs`.
    files[item.path] = { size: item.lfs?.size ?? item.size, sha256: item.lfs?.oid ?? null };
  }
  return files;
}
