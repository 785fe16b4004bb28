// The browser-side model store: the Cache API bucket transformers.js reads from, keyed by the
// file's hub URL, plus one manifest per model saying which dtypes are complete and when the model
// was last used. Works in the page (cache manager) and in the inference worker (downloads).
import type { Dtype } from '../engines/types';
import { resolveFileUrl } from './hub-urls';

/** transformers.js' default `env.cacheKey`; it looks files up here by their full URL. */
export const MODEL_CACHE_NAME = 'transformers-cache';
/** Lives under the model's own URL prefix, so deleting a model's URLs deletes its manifest too. */
export const MANIFEST_PATH = '.playground/manifest.json';

export interface ModelLocation {
  hub: string;
  repoId: string;
  revision: string;
}

export interface ManifestFile {
  size: number;
  sha256: string | null;
  /**
   * Set on a weight file the store split into graph + `<path>_data`: `size` is then the graph's,
   * and this is the file as the hub listed it and the download verified it (the data file beside
   * it has its own entry). A later download of the same path is skipped while both parts are stored.
   */
  splitFrom?: { size: number; sha256: string | null };
  /** Set on a weight file the store could not split (why): it stays inline and is not read for a split again. */
  keptInline?: string;
}

export interface ModelManifest extends ModelLocation {
  version: 1;
  modelType: string | null;
  contextLength: number | null;
  /** Every file stored for this model, with what it was verified against. */
  files: Record<string, ManifestFile>;
  /** The hub's listing of the whole repo when it was last downloaded from; null without one. */
  repoFiles: Record<string, ManifestFile> | null;
  /** Dtypes whose whole file set is stored: these load with no network. */
  completeDtypes: Dtype[];
  /** Which ONNX/data files each complete dtype needs, so a load can be checked offline. */
  filesByDtype: Partial<Record<Dtype, string[]>>;
  source: 'hub' | 'folder';
  /** For a folder import: the picked folder's name, which tells a re-import from another folder whose name gives the same id. */
  folderName?: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

/** A file being written into the store (see openWriter). */
export interface FileWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

export interface CachedModel extends ModelLocation {
  bytes: number;
  fileCount: number;
  urls: string[];
  manifest: ModelManifest | null;
}

export class ModelStore {
  constructor(private readonly cache: Cache) {}

  static async open(name = MODEL_CACHE_NAME): Promise<ModelStore> {
    return new ModelStore(await caches.open(name));
  }

  /** The store, or null where the Cache API is missing or refused (insecure origin, some private modes). */
  static async tryOpen(): Promise<ModelStore | null> {
    if (typeof caches === 'undefined') return null;
    return ModelStore.open().catch(() => null);
  }

  fileUrl(location: ModelLocation, path: string): string {
    return resolveFileUrl(location.hub, location.repoId, location.revision, path);
  }

  /** True when the URL is stored, with the expected size if one is given. */
  async has(url: string, expectedSize: number | null = null): Promise<boolean> {
    const size = await this.sizeOf(url);
    return size !== null && (expectedSize === null || size === expectedSize);
  }

  /** Stored size in bytes, or null when the URL isn't stored. */
  async sizeOf(url: string): Promise<number | null> {
    const response = await this.cache.match(url);
    return response ? storedSize(response) : null;
  }

  /** A stored file's bytes as a stream, read from disk as they are consumed; null when the URL isn't stored. */
  async body(url: string): Promise<ReadableStream<Uint8Array> | null> {
    return (await this.cache.match(url))?.body ?? null;
  }

  async readJson(url: string): Promise<unknown> {
    const response = await this.cache.match(url);
    return response ? response.json() : null;
  }

  async put(url: string, blob: Blob, contentType: string, sha256: string | null): Promise<void> {
    const headers = new Headers({
      'content-type': contentType,
      // The Cache API may drop Content-Length; transformers.js and the cache manager read it.
      'content-length': String(blob.size),
      'x-stored-at': new Date().toISOString(),
    });
    if (sha256) headers.set('x-sha256', sha256);
    await this.cache.put(url, new Response(blob, { headers }));
  }

  /**
   * Streams a file into the store. The Cache API adds the entry only when the body completes, so
   * an aborted write (damaged download, cancel, full disk) leaves nothing behind. With `size` null
   * (the listing gave none) the entry carries no Content-Length, and its body gives its size.
   */
  openWriter(url: string, size: number | null, contentType: string, sha256: string | null): FileWriter {
    const headers = new Headers({ 'content-type': contentType, 'x-stored-at': new Date().toISOString() });
    if (size !== null) headers.set('content-length', String(size));
    if (sha256) headers.set('x-sha256', sha256);
    // Slack counted in bytes, not chunks, so the network runs ahead while the cache catches up and
    // the buffer stays bounded: eight chunks held downloads on loopback back to the cache's pace.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, new ByteLengthQueuingStrategy({ highWaterMark: 16 * 2 ** 20 }));
    const writer = writable.getWriter();
    let failure: unknown = null;
    const stored = this.cache.put(url, new Response(readable, { headers })).catch((error: unknown) => {
      failure = error;
      throw error;
    });
    stored.catch(() => {}); // observed through write()/close()
    return {
      async write(chunk) {
        if (failure) throw failure;
        await writer.ready;
        if (failure) throw failure;
        void writer.write(chunk).catch(() => {});
      },
      async close() {
        if (failure) throw failure;
        await writer.close();
        await stored;
      },
      async abort(reason) {
        await writer.abort(reason).catch(() => {});
        await stored.catch(() => {});
      },
    };
  }

  async deleteUrls(urls: Iterable<string>): Promise<void> {
    await Promise.all([...urls].map((url) => this.cache.delete(url)));
  }

  async readManifest(location: ModelLocation): Promise<ModelManifest | null> {
    return parseManifest(await this.cache.match(this.fileUrl(location, MANIFEST_PATH)));
  }

  async writeManifest(manifest: ModelManifest): Promise<void> {
    const body = JSON.stringify({ ...manifest, updatedAt: new Date().toISOString() });
    await this.cache.put(
      this.fileUrl(manifest, MANIFEST_PATH),
      new Response(body, { headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }),
    );
  }

  /** Every model with at least one stored file, biggest first. */
  async list(): Promise<CachedModel[]> {
    const urls = (await this.cache.keys()).map((request) => request.url);
    const owners = await this.#storedManifests(urls);
    const groups = new Map<string, CachedModel>();
    for (const url of urls) {
      const found = locateStoredUrl(url, owners);
      if (!found) continue;
      const { location, manifest } = found;
      let group = groups.get(found.prefix);
      if (!group) {
        group = { hub: location.hub, repoId: location.repoId, revision: location.revision, bytes: 0, fileCount: 0, urls: [], manifest };
        groups.set(found.prefix, group);
      }
      group.urls.push(url);
      if (url === found.prefix + MANIFEST_PATH) continue;
      const response = await this.cache.match(url);
      group.bytes += response ? await storedSize(response) : 0;
      group.fileCount++;
    }
    return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
  }

  /** Deletes every stored URL of the model, manifest included. Returns how many were removed. */
  async deleteModel(location: ModelLocation): Promise<number> {
    const prefix = urlPrefix(location);
    const all = (await this.cache.keys()).map((request) => request.url);
    if (prefix === null) return 0;
    // Owned, not merely prefixed: another hub's URL can start with this one (a hub that is itself <hub>/<org>/<name>/resolve/<rev>).
    const owners = await this.#storedManifests(all);
    const urls = all.filter((url) => url.startsWith(prefix) && locateStoredUrl(url, owners)?.prefix === prefix);
    await this.deleteUrls(urls);
    return urls.length;
  }

  /** The manifests stored at the URL their own hub, repo id and revision give; others describe no model here. */
  async #storedManifests(urls: readonly string[]): Promise<StoredManifest[]> {
    const found: StoredManifest[] = [];
    for (const url of urls) {
      if (!url.endsWith(`/${MANIFEST_PATH}`)) continue;
      const manifest = await parseManifest(await this.cache.match(url));
      const prefix = manifest && urlPrefix(manifest);
      if (prefix !== null && prefix !== undefined && prefix + MANIFEST_PATH === url) found.push({ manifest: manifest!, prefix });
    }
    return found;
  }
}

interface StoredManifest {
  manifest: ModelManifest;
  /** The URL every file of the model starts with: `<hub>/<org>/<name>/resolve/<revision>/`. */
  prefix: string;
}

async function parseManifest(response: Response | undefined): Promise<ModelManifest | null> {
  if (!response) return null;
  try {
    const manifest = (await response.json()) as ModelManifest;
    return manifest?.version === 1 ? manifest : null;
  } catch {
    return null;
  }
}

/** The model's URL prefix as the Cache API stores it, or null for a location no URL can be made for. */
function urlPrefix(location: ModelLocation): string | null {
  try {
    const manifestUrl = new URL(resolveFileUrl(location.hub, location.repoId, location.revision, MANIFEST_PATH)).href;
    return manifestUrl.slice(0, -MANIFEST_PATH.length);
  } catch {
    return null;
  }
}

/**
 * Which model a stored URL belongs to. A hub may have a path, so `<hub>/<org>/<name>/resolve/<rev>/`
 * can be the start of another hub's URLs: the manifest with the longest matching prefix owns the
 * URL. Only files of a model whose first download has not finished yet have no manifest; their
 * location is read from the URL.
 */
function locateStoredUrl(url: string, owners: readonly StoredManifest[]): { location: ModelLocation; manifest: ModelManifest | null; prefix: string } | null {
  let owner: StoredManifest | null = null;
  for (const candidate of owners) {
    if (url.startsWith(candidate.prefix) && candidate.prefix.length > (owner?.prefix.length ?? -1)) owner = candidate;
  }
  if (owner) {
    const { hub, repoId, revision } = owner.manifest;
    return { location: { hub, repoId, revision }, manifest: owner.manifest, prefix: owner.prefix };
  }
  const guessed = locateFileUrl(url);
  const prefix = guessed && urlPrefix(guessed);
  if (!guessed || !prefix) return null;
  return { location: { hub: guessed.hub, repoId: guessed.repoId, revision: guessed.revision }, manifest: null, prefix };
}

/**
 * A stored file's size: its Content-Length, else the length of its body. A Cache API body is a
 * blob in the browser's storage, so reading its size doesn't read its bytes.
 */
async function storedSize(response: Response): Promise<number> {
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : (await response.blob()).size;
}

/**
 * Splits a stored URL `<hub>/<org>/<name>/resolve/<revision>/<path>` into its parts. The hub may
 * have a path prefix (a mirror under /models), so the repo is the two segments before `resolve`.
 */
export function locateFileUrl(url: string): (ModelLocation & { path: string }) | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const segments = parsed.pathname.split('/');
  const at = segments.indexOf('resolve', 3);
  if (at < 3) return null;
  const hubPath = segments.slice(0, at - 2).join('/');
  let org: string;
  let name: string;
  let path: string;
  let revision: string;
  try {
    [org, name] = segments.slice(at - 2, at).map(decodeURIComponent) as [string, string];
    revision = decodeURIComponent(segments[at + 1]);
    path = segments.slice(at + 2).map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
  if (!org || !name) return null;
  return { hub: parsed.origin + hubPath, repoId: `${org}/${name}`, revision, path };
}
