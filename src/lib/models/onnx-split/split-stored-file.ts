// Turns a stored inline weight file into the graph + external data layout, in the model store, so
// the engine can hand onnxruntime-web the weights as a Blob and never hold them in JS. Done once,
// when a model is stored or imported, or on the first load of one stored before splitting existed.
import type { ManifestFile, ModelLocation, ModelStore } from '../model-store';
import { freeBytes, type StorageNumbers } from '../download/storage-budget';
import { OnnxSplitError, splitOnnx } from './onnx-split';

/**
 * Weight files smaller than this stay inline. What a split saves is the inline model's extra
 * copies at load (the JS buffer, the heap copy, the protobuf's raw_data: about 2–3× the file), so
 * below 16 MiB it saves under 50 MB, within the run-to-run spread of the tab's memory and small
 * beside the runtime's own ~100–300 MB; each split file costs a rewrite of its bytes once and a
 * second store entry. Hub models of interest (0.6B and up) are hundreds of MB.
 */
export const SPLIT_MIN_BYTES = 16 * 1024 * 1024;

/** A session's weights: `onnx/model_q4.onnx`, `onnx/decoder_model_merged.onnx`, `onnx/vision_encoder_fp16.onnx`. */
const SESSION_GRAPH = /^onnx\/[^/]+\.onnx$/;

/** The data file beside a graph, named as hub exports and transformers.js name it. */
export function dataPathOf(graphPath: string): string {
  return `${graphPath}_data`;
}

/**
 * Whether a stored file is an inline session graph worth splitting: an `onnx/*.onnx` of at least
 * SPLIT_MIN_BYTES with no data file beside it among `paths` (an export with external data
 * already has one, and its graph holds no weights).
 */
export function isSplittable(path: string, size: number, paths: Iterable<string>): boolean {
  if (!SESSION_GRAPH.test(path) || size < SPLIT_MIN_BYTES) return false;
  for (const other of paths) if (other.startsWith(dataPathOf(path))) return false;
  return true;
}

/** The two files a split leaves in the store. */
export interface SplitFile {
  graph: { path: string; size: number };
  data: { path: string; size: number };
}

/**
 * A split, or why there is none. `final`: the file itself can't be split (not an ONNX model this
 * splitter handles), so trying again on the next load would only read it again for nothing.
 */
export type SplitOutcome = { split: SplitFile } | { split: null; reason: string; final: boolean };

/** Where a split puts a weight file: its graph at `url`, its weights at `dataPath`/`dataUrl` (`<path>_data`). */
export interface SplitTarget {
  path: string;
  url: string;
  dataPath: string;
  dataUrl: string;
}

/**
 * Splits the model read from `source` into the store: its weights to the data file, then its
 * graph to `target.url`. Whatever was stored at `target.url` stays until the data file is
 * complete; on any failure (OnnxSplitError for a file the splitter can't handle) the data file is
 * discarded and the error thrown.
 */
export async function splitToStore(
  store: ModelStore,
  target: SplitTarget,
  source: ReadableStream<Uint8Array>,
  onProgress?: (readBytes: number) => void,
): Promise<SplitFile> {
  const writer = store.openWriter(target.dataUrl, null, 'application/octet-stream', null);
  let result;
  try {
    result = await splitOnnx(source, { dataFileName: target.dataPath.slice(target.dataPath.lastIndexOf('/') + 1), writeData: (piece) => writer.write(piece), onProgress });
    await writer.close();
  } catch (error) {
    await writer.abort(error);
    throw error;
  }
  try {
    await store.put(target.url, new Blob([result.graph]), 'application/octet-stream', null);
  } catch (error) {
    // A data file with no graph beside it describes nothing, and beside the original it would make it look split.
    await store.deleteUrls([target.dataUrl]).catch(() => {});
    throw error;
  }
  return { graph: { path: target.path, size: result.graph.length }, data: { path: target.dataPath, size: result.dataBytes } };
}

/**
 * splitToStore for the file `path` of a stored model, its failure (not an ONNX model, a full disk,
 * a closed tab) leaving the store as it was and coming back as a reason instead of an error.
 */
export async function splitIntoStore(
  store: ModelStore,
  location: ModelLocation,
  path: string,
  source: ReadableStream<Uint8Array>,
  onProgress?: (readBytes: number) => void,
): Promise<SplitOutcome> {
  const dataPath = dataPathOf(path);
  const target = { path, url: store.fileUrl(location, path), dataPath, dataUrl: store.fileUrl(location, dataPath) };
  try {
    return { split: await splitToStore(store, target, source, onProgress) };
  } catch (error) {
    return { split: null, reason: `${path}: ${messageOf(error)}`, final: error instanceof OnnxSplitError };
  }
}

/**
 * splitIntoStore for a file already in the store, when there is room for its data file beside it.
 * `onProgress` hears the share of the file read so far (0..1) as the split goes.
 */
export async function splitStoredFile(
  store: ModelStore,
  location: ModelLocation,
  path: string,
  size: number,
  estimate?: () => Promise<StorageNumbers>,
  onProgress?: (fraction: number) => void,
): Promise<SplitOutcome> {
  // Until the graph replaces the original, the data file needs about the original's size again.
  const free = estimate ? freeBytes(await estimate().catch(() => ({}))) : null;
  if (free !== null && free < size) return { split: null, reason: `${path}: not enough free storage to split it`, final: false };
  const source = await store.body(store.fileUrl(location, path));
  if (!source) return { split: null, reason: `${path} is not stored`, final: false };
  return splitIntoStore(store, location, path, source, onProgress && size > 0 ? (read) => onProgress(Math.min(1, read / size)) : undefined);
}

/**
 * The manifest entries a split leaves: the graph at its stored size, with the original it was cut
 * from (size and sha256 as the hub listed and the download verified them), and the data file.
 */
export function splitManifestEntries(split: SplitFile, original: { size: number; sha256: string | null }): Record<string, ManifestFile> {
  return {
    [split.graph.path]: { size: split.graph.size, sha256: null, splitFrom: { size: original.size, sha256: original.sha256 } },
    [split.data.path]: { size: split.data.size, sha256: null },
  };
}

/** Each dtype's file list with the data file right after each split graph it names. */
export function withDataFiles<K extends string>(filesByDtype: Partial<Record<K, string[]>>, graphs: Iterable<string>): Partial<Record<K, string[]>> {
  const split = new Set(graphs);
  const out: Partial<Record<K, string[]>> = {};
  for (const [dtype, paths] of Object.entries(filesByDtype) as [K, string[] | undefined][]) {
    if (paths) out[dtype] = paths.flatMap((path) => (split.has(path) && !paths.includes(dataPathOf(path)) ? [path, dataPathOf(path)] : [path]));
  }
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
