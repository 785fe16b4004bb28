// Fetches every file transformers.js will read for one model + dtype into the model store, before
// transformers.js runs. transformers.js itself then loads with `local_files_only`, from the store
// only: all network traffic for weights goes through our download manager (resume, verification,
// quota check), and a stored model loads with the network off.
import type { Backend, Dtype, ModelRef, ProgressFile } from '../types';
import { ModelStore, type ManifestFile, type ModelManifest } from '../../models/model-store';
import { downloadModelFiles, type DownloadSnapshot } from '../../models/download/model-download';
import type { RemoteFile } from '../../models/download/file-download';
import { onnxFileFor } from '../backend-selection';
import { modelLayout, sessionDtypes, sessionFile, type SessionDtypes, type SessionName } from './session-dtypes';

type Transformers = typeof import('@huggingface/transformers');

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** Files transformers.js reads only if they exist. */
const OPTIONAL_FILES = new Set(['generation_config.json']);
/** What a vision-language model's processor reads besides the tokenizer (patch size, resizing, normalisation). */
const PROCESSOR_FILES = ['preprocessor_config.json'];

export interface StoreModelOptions {
  tf: Transformers;
  model: ModelRef;
  backend: Backend;
  dtype: Dtype;
  /** What the hub's listing said about each file; null when the hub gave no listing. */
  listing: Record<string, ManifestFile> | null;
  signal: AbortSignal;
  onProgress(snapshot: DownloadSnapshot): void;
}

export interface StoredModel {
  /** Bytes fetched over the network this time (0 when everything was stored already). */
  fetchedBytes: number;
  totalBytes: number;
  files: ProgressFile[];
  /** The weights of each session of a vision-language model; null for a one-session decoder. */
  sessionDtypes: SessionDtypes | null;
}

/** The session weights for this load, from the stored or fetched config and the hub's listing. */
function sessionDtypesFor(config: Record<string, unknown>, options: Pick<StoreModelOptions, 'backend' | 'dtype' | 'listing'>): SessionDtypes | null {
  if (modelLayout(config) !== 'vision-language') return null;
  return sessionDtypes(options.backend, options.dtype, options.listing ? new Set(Object.keys(options.listing)) : null);
}

export async function storeModelFiles(options: StoreModelOptions): Promise<StoredModel> {
  const { model, dtype } = options;
  const store = await ModelStore.open();
  const manifest = await store.readManifest(model);
  const storedConfig = manifest ? ((await store.readJson(store.fileUrl(model, 'config.json'))) as Record<string, unknown> | null) : null;
  const storedSessions = storedConfig ? sessionDtypesFor(storedConfig, options) : null;
  const known = manifest && (await storedFileSet(store, manifest, dtype, storedSessions));
  if (known) {
    // Complete from an earlier download (or a folder import): no network at all.
    // A use: recorded with the manifest already in hand.
    await store.writeManifest({ ...manifest, lastUsedAt: new Date().toISOString() });
    return { fetchedBytes: 0, totalBytes: known.totalBytes, files: known.files, sessionDtypes: storedSessions };
  }

  // One failed step (a missing config.json) stops the steps running beside it.
  const steps = new AbortController();
  options.signal.addEventListener('abort', () => steps.abort(options.signal.reason), { once: true });
  const download = (files: RemoteFile[], onProgress = options.onProgress) =>
    downloadModelFiles(files, {
      label: `"${model.repoId}" (${dtype})`,
      repoId: model.repoId,
      store,
      fetch: globalThis.fetch.bind(globalThis),
      signal: steps.signal,
      onProgress,
      estimate: () => navigator.storage.estimate(),
    });
  const wanted = (path: string) => !(options.listing && OPTIONAL_FILES.has(path) && !(path in options.listing));

  // The config decides which ONNX files the model needs (sessions, external data chunks), but
  // waiting for it would delay every other file by a round trip: fetch it beside the files the
  // listing already shows are needed, then whatever the config adds.
  const likely = likelyFiles(options).filter(wanted);
  const [configStep, likelyStep] = await Promise.all([
    download([remoteFile(store, options, 'config.json')], () => {}),
    download(likely.map((path) => remoteFile(store, options, path))),
  ].map((step) => step.catch((error: unknown) => {
    steps.abort(error);
    throw error;
  })));
  const config = ((await store.readJson(store.fileUrl(model, 'config.json'))) ?? {}) as Record<string, unknown>;
  const sessions = sessionDtypesFor(config, options);
  const modelFiles = await options.tf.ModelRegistry.get_model_files(model.repoId, {
    config: config as never,
    dtype: sessions ?? dtype,
    device: options.backend,
  });
  const rest = [...new Set([...modelFiles, ...TOKENIZER_FILES, ...(sessions ? PROCESSOR_FILES : [])])].filter((path) => wanted(path) && path !== 'config.json' && !likely.includes(path));
  const restStep = await download(rest.map((path) => remoteFile(store, options, path)));
  const result = { fetchedBytes: likelyStep.fetchedBytes + restStep.fetchedBytes, stored: [...likelyStep.stored, ...restStep.stored] };

  const stored = [...configStep.stored, ...result.stored];
  const files: Record<string, ManifestFile> = { ...manifest?.files };
  for (const file of stored) files[file.path] = { size: file.size, sha256: file.sha256 };
  await store.writeManifest({
    version: 1,
    hub: model.hub,
    repoId: model.repoId,
    revision: model.revision,
    modelType: typeof config.model_type === 'string' ? config.model_type : null,
    contextLength: typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : null,
    files,
    repoFiles: options.listing ?? manifest?.repoFiles ?? null,
    completeDtypes: [...new Set([...(manifest?.completeDtypes ?? []), dtype])],
    filesByDtype: { ...manifest?.filesByDtype, [dtype]: stored.map((f) => f.path) },
    source: manifest?.source ?? 'hub',
    updatedAt: new Date().toISOString(),
    // Stored for a load: this is a use too.
    lastUsedAt: new Date().toISOString(),
  });
  const totalBytes = stored.reduce((sum, f) => sum + f.size, 0);
  return {
    fetchedBytes: configStep.fetchedBytes + result.fetchedBytes,
    totalBytes,
    files: stored.map((f) => ({ file: f.path, loadedBytes: f.size, totalBytes: f.size })),
    sessionDtypes: sessions,
  };
}

/**
 * Files every load of this dtype reads that can be named before the config arrives: the tokenizer,
 * generation config, and — when the hub listed the repo — the dtype's graph and its external data.
 */
function likelyFiles(options: StoreModelOptions): string[] {
  const files = [...TOKENIZER_FILES, ...OPTIONAL_FILES];
  if (!options.listing) return files;
  const graph = onnxFileFor(options.dtype);
  if (!(graph in options.listing)) return files;
  return [...files, ...Object.keys(options.listing).filter((path) => path === graph || path.startsWith(`${graph}_data`))];
}

function remoteFile(store: ModelStore, options: StoreModelOptions, path: string): RemoteFile {
  const listed = options.listing?.[path];
  return {
    path,
    url: store.fileUrl(options.model, path),
    size: listed?.size ?? null,
    sha256: listed?.sha256 ?? null,
    optional: OPTIONAL_FILES.has(path),
  };
}

/** The dtype's files when the manifest says they are complete and the store still has them all. */
async function storedFileSet(
  store: ModelStore,
  manifest: ModelManifest,
  dtype: Dtype,
  sessions: SessionDtypes | null,
): Promise<{ totalBytes: number; files: ProgressFile[] } | null> {
  const paths = manifest.completeDtypes.includes(dtype) ? manifest.filesByDtype[dtype] : undefined;
  if (!paths?.length) return null;
  // A vision-language model's set for this dtype may have been stored for the other backend, whose
  // embeddings or vision weights differ: it is complete only with this backend's session files.
  if (sessions && !(Object.entries(sessions) as [SessionName, Dtype][]).every(([session, sessionDtype]) => paths.includes(sessionFile(session, sessionDtype)))) {
    return null;
  }
  const files: ProgressFile[] = [];
  for (const path of paths) {
    const size = manifest.files[path]?.size ?? null;
    if (!(await store.has(store.fileUrl(manifest, path), size))) return null;
    files.push({ file: path, loadedBytes: size ?? 0, totalBytes: size ?? 0 });
  }
  return { totalBytes: files.reduce((sum, f) => sum + f.totalBytes, 0), files };
}
