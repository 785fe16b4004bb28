// A model's external data (`<graph>.onnx_data`, `_data_1`, …) as the runtime gets it. The JSPI
// build reads each initializer's bytes from a Blob as it places them, so the weights go to it as
// Cache API Blobs (references to the stored files) and never sit whole in JS. The other builds
// read a Blob whole into JS anyway, so for them transformers.js is told how many chunks each
// graph has and reads them from the store itself, each session only its own.
import type { ProgressFile } from '../types';
import type { ModelLocation, ModelStore } from '../../models/model-store';
import { ModelFileMissingError } from '../errors';

/** Reads a stored response (the store's own Cache). */
export type StoredResponse = (url: string) => Promise<Response | undefined>;

export interface ExternalDataFile {
  /** The name the graph's initializers give as their location: the file name beside the graph. */
  path: string;
  data: Blob;
}

/** A session graph: `onnx/model_q4.onnx`, `onnx/decoder_model_merged_quantized.onnx`. */
const GRAPH = /^onnx\/[^/]+\.onnx$/;

/** The stored files holding `graph`'s external data, in chunk order (`_data`, `_data_1`, …). */
export function externalDataPaths(graph: string, files: readonly ProgressFile[]): string[] {
  const chunk = (path: string) => {
    const rest = path.slice(`${graph}_data`.length);
    return rest === '' ? 0 : /^_\d+$/.test(rest) ? Number(rest.slice(1)) : -1;
  };
  return files
    .map((f) => f.file)
    .filter((path) => path.startsWith(`${graph}_data`) && chunk(path) >= 0)
    .sort((a, b) => chunk(a) - chunk(b));
}

/** Every stored session graph that has external data, with its data files in chunk order. */
export function graphsWithExternalData(files: readonly ProgressFile[]): Map<string, string[]> {
  const graphs = new Map<string, string[]>();
  for (const { file } of files) {
    if (!GRAPH.test(file)) continue;
    const data = externalDataPaths(file, files);
    if (data.length > 0) graphs.set(file, data);
  }
  return graphs;
}

/**
 * transformers.js' `use_external_data_format` for these graphs: chunks per graph file name
 * (`{ 'model_q4.onnx': 1 }`), so each session reads its own data and only that; null for none.
 */
export function externalDataFormat(graphs: ReadonlyMap<string, readonly string[]>): Record<string, number> | null {
  if (graphs.size === 0) return null;
  return Object.fromEntries([...graphs].map(([graph, data]) => [graph.slice(graph.lastIndexOf('/') + 1), data.length]));
}

/**
 * Opens every data file of these graphs as a Blob, named as the graphs name them. One list serves
 * every session of a model: the runtime looks up only the names its graph gives, and mounting a
 * Blob it never reads costs nothing.
 */
export async function externalDataBlobs(
  store: Pick<ModelStore, 'fileUrl'>,
  stored: StoredResponse,
  model: ModelLocation,
  graphs: ReadonlyMap<string, readonly string[]>,
): Promise<ExternalDataFile[]> {
  return Promise.all(
    [...graphs.values()].flat().map(async (path) => {
      const response = await stored(store.fileUrl(model, path));
      if (!response) throw new ModelFileMissingError(model.repoId, path);
      return { path: path.slice(path.lastIndexOf('/') + 1), data: await response.blob() };
    }),
  );
}
