// Fetches every file transformers.js will read for one model + dtype into the model store, before
// transformers.js runs. transformers.js itself then loads with `local_files_only`, from the store
// only: all network traffic for weights goes through our download manager (resume, verification,
// quota check), and a stored model loads with the network off.
import type { Backend, Dtype, ModelRef, ProgressFile } from '../types';
import { ModelStore, type ManifestFile, type ModelLocation, type ModelManifest } from '../../models/model-store';
import { downloadModelFiles, type DownloadSnapshot, type StoredFile } from '../../models/download/model-download';
import { dataPathOf, isSplittable, splitManifestEntries, splitStoredFile, withDataFiles, type SplitFile } from '../../models/onnx-split/split-stored-file';
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
  /** The share (0..1) of the weights split so far, while stored weights are split into graph + data. */
  onPreparing?(fraction: number): void;
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
    // Complete from an earlier download (or a folder import): no network at all. A model stored
    // before weights were split is split now, once; where that fails it loads inline as before.
    const split = storedSessions ? unsplit(known) : await splitWeights(store, manifest, known, options.onPreparing);
    // A use: recorded with the manifest already in hand.
    await store.writeManifest({
      ...manifest,
      files: { ...manifest.files, ...split.entries },
      filesByDtype: withDataFiles(manifest.filesByDtype, split.graphs),
      lastUsedAt: new Date().toISOString(),
    });
    return { fetchedBytes: 0, totalBytes: sumSizes(split.stored), files: progressFiles(split.stored), sessionDtypes: storedSessions };
  }

  // One failed step (a missing config.json) stops the steps running beside it.
  const steps = new AbortController();
  options.signal.addEventListener('abort', () => steps.abort(options.signal.reason), { once: true });
  const download = (files: RemoteFile[], onProgress = options.onProgress, splitWhileStoring?: (file: RemoteFile) => boolean) =>
    downloadModelFiles(files, {
      splitWhileStoring,
      label: `"${model.repoId}" (${dtype})`,
      repoId: model.repoId,
      store,
      fetch: globalThis.fetch.bind(globalThis),
      signal: steps.signal,
      onProgress,
      estimate: () => navigator.storage.estimate(),
    });
  const wanted = (path: string) => !(options.listing && OPTIONAL_FILES.has(path) && !(path in options.listing));
  // Weights split in an earlier load are stored as graph + data, not as the hub lists them: they
  // are kept as they are, not fetched again for their listed size.
  const splitEarlier = manifest ? await storedSplits(store, manifest, options.listing) : new Map<string, StoredFile[]>();
  const kept: StoredFile[] = [];
  const toFetch = (paths: string[]) =>
    paths.filter((path) => {
      const parts = splitEarlier.get(path);
      if (parts) kept.push(...parts);
      return !parts;
    });

  // The config decides which ONNX files the model needs (sessions, external data chunks), but
  // waiting for it would delay every other file by a round trip: fetch it beside the files the
  // listing already shows are needed, then whatever the config adds.
  const likely = likelyFiles(options).filter(wanted);
  // Big inline weights the listing sizes are split as they stream in: the original is never
  // stored. The listing names the data files a repo has, so one with external data already is left
  // as it is. The likely step's weights are the one-session graph (`onnx/model_q4.onnx`).
  const listed = options.listing ? Object.keys(options.listing) : [];
  const splitWhileStoring = (file: RemoteFile) => file.size !== null && isSplittable(file.path, file.size, listed) && !manifest?.files[file.path]?.keptInline;
  const [configStep, likelyStep] = await Promise.all([
    download([remoteFile(store, options, 'config.json')], () => {}),
    download(toFetch(likely).map((path) => remoteFile(store, options, path)), options.onProgress, splitWhileStoring),
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
  // A vision-language model's sessions stay inline (see unsplit).
  const restStep = await download(toFetch(rest).map((path) => remoteFile(store, options, path)), options.onProgress, sessions ? undefined : splitWhileStoring);
  const fetchedBytes = configStep.fetchedBytes + likelyStep.fetchedBytes + restStep.fetchedBytes;

  const downloaded = [...configStep.stored, ...likelyStep.stored, ...restStep.stored];
  const files: Record<string, ManifestFile> = { ...manifest?.files };
  for (const file of downloaded) files[file.path] = { size: file.size, sha256: file.sha256 };
  // Verified and stored: big inline weights the download did not split (the listing gave no size) are split now, once.
  const split = sessions ? unsplit(downloaded) : await splitWeights(store, { ...model, files }, downloaded, options.onPreparing);
  Object.assign(files, split.entries);
  const stored = [...split.stored, ...kept];
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
    // Another dtype's set may hold a file split now (a vision encoder both use): it gets the data file too.
    filesByDtype: withDataFiles({ ...manifest?.filesByDtype, [dtype]: stored.map((f) => f.path) }, split.graphs),
    source: manifest?.source ?? 'hub',
    updatedAt: new Date().toISOString(),
    // Stored for a load: this is a use too.
    lastUsedAt: new Date().toISOString(),
  });
  return { fetchedBytes, totalBytes: sumSizes(stored), files: progressFiles(stored), sessionDtypes: sessions };
}

function sumSizes(files: readonly StoredFile[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

function progressFiles(files: readonly StoredFile[]): ProgressFile[] {
  return files.map((f) => ({ file: f.path, loadedBytes: f.size, totalBytes: f.size }));
}

interface SplitWeights {
  /** The files as stored now: each split graph followed by its data file. */
  stored: StoredFile[];
  /** Manifest entries for the split files and for files that stay inline for good. */
  entries: Record<string, ManifestFile>;
  /** The graphs split this time. */
  graphs: string[];
}

/**
 * Splits each inline weight file of `stored` big enough to gain from it (see isSplittable) into
 * graph + external data, so the engine can hand the weights to onnxruntime as a Blob. A file that
 * can't be split stays inline and loads as before: when it is no ONNX model the splitter handles,
 * that is recorded and it is not read again; when storage is short, the next load tries again.
 */
async function splitWeights(
  store: ModelStore,
  manifest: ModelLocation & { files: Record<string, ManifestFile> },
  stored: readonly StoredFile[],
  onPreparing?: (fraction: number) => void,
): Promise<SplitWeights> {
  const paths = stored.map((f) => f.path);
  const out: SplitWeights = { stored: [], entries: {}, graphs: [] };
  const toSplit = stored.filter((file) => {
    const record = manifest.files[file.path];
    return !file.split && !file.keptInline && isSplittable(file.path, file.size, paths) && !record?.splitFrom && !record?.keptInline;
  });
  // Each file's share of the progress is its share of the bytes.
  const totalBytes = toSplit.reduce((sum, f) => sum + f.size, 0);
  let doneBytes = 0;
  for (const file of stored) {
    if (file.split) {
      addSplit(out, file.split, file);
      continue;
    }
    if (file.keptInline) {
      out.stored.push(file);
      out.entries[file.path] = { size: file.size, sha256: file.sha256, keptInline: file.keptInline };
      continue;
    }
    if (!toSplit.includes(file)) {
      out.stored.push(file);
      continue;
    }
    const report = onPreparing && ((fraction: number) => onPreparing((doneBytes + fraction * file.size) / totalBytes));
    report?.(0);
    const outcome = await splitStoredFile(store, manifest, file.path, file.size, estimateStorage, report);
    doneBytes += file.size;
    report?.(0);
    if (!outcome.split) {
      out.stored.push(file);
      if (outcome.final) out.entries[file.path] = { size: file.size, sha256: file.sha256, keptInline: outcome.reason };
      continue;
    }
    addSplit(out, outcome.split, { size: file.size, sha256: file.sha256 ?? manifest.files[file.path]?.sha256 ?? null });
  }
  return out;
}

function addSplit(out: SplitWeights, split: SplitFile, original: { size: number; sha256: string | null }): void {
  const { graph, data } = split;
  out.stored.push({ path: graph.path, size: graph.size, sha256: null }, { path: data.path, size: data.size, sha256: null });
  Object.assign(out.entries, splitManifestEntries(split, original));
  out.graphs.push(graph.path);
}

/**
 * A vision-language model's sessions (decoder, embeddings, vision encoder) stay inline: the engine
 * hands external data to one-session models only (transformers.js gives every session the same
 * session options, so each would be handed every session's data).
 */
function unsplit(stored: readonly StoredFile[]): SplitWeights {
  const out: SplitWeights = { stored: [], entries: {}, graphs: [] };
  // Only a one-session graph's name is split as it downloads; should such a model have one, it stays split.
  for (const file of stored) {
    if (file.split) addSplit(out, file.split, file);
    else out.stored.push(file);
  }
  return out;
}

function estimateStorage() {
  return navigator.storage.estimate();
}

/**
 * Weights an earlier load split whose graph and data are both still stored at their recorded
 * sizes, by graph path. One the listing now gives another size or sha256 for (the hub's file
 * changed) is not among them, so it is fetched again.
 */
async function storedSplits(store: ModelStore, manifest: ModelManifest, listing: Record<string, ManifestFile> | null): Promise<Map<string, StoredFile[]>> {
  const found = new Map<string, StoredFile[]>();
  for (const [path, entry] of Object.entries(manifest.files)) {
    const original = entry.splitFrom;
    const data = manifest.files[dataPathOf(path)];
    const listed = listing?.[path];
    if (!original || !data) continue;
    if (listed && (listed.size !== original.size || (listed.sha256 && original.sha256 && listed.sha256 !== original.sha256))) continue;
    if (!(await store.has(store.fileUrl(manifest, path), entry.size)) || !(await store.has(store.fileUrl(manifest, dataPathOf(path)), data.size))) continue;
    found.set(path, [
      { path, size: entry.size, sha256: null },
      { path: dataPathOf(path), size: data.size, sha256: null },
    ]);
  }
  return found;
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
): Promise<StoredFile[] | null> {
  const paths = manifest.completeDtypes.includes(dtype) ? manifest.filesByDtype[dtype] : undefined;
  if (!paths?.length) return null;
  // A vision-language model's set for this dtype may have been stored for the other backend, whose
  // embeddings or vision weights differ: it is complete only with this backend's session files.
  if (sessions && !(Object.entries(sessions) as [SessionName, Dtype][]).every(([session, sessionDtype]) => paths.includes(sessionFile(session, sessionDtype)))) {
    return null;
  }
  const files: StoredFile[] = [];
  for (const path of paths) {
    const recorded = manifest.files[path];
    if (!(await store.has(store.fileUrl(manifest, path), recorded?.size ?? null))) return null;
    files.push({ path, size: recorded?.size ?? 0, sha256: recorded?.sha256 ?? null });
  }
  return files;
}
