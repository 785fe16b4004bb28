// How many bytes loading a model with a given dtype will fetch, from the hub's file listing, so
// the user sees it before pressing Load. Files already stored (the tokenizer another format
// brought) are not fetched again, so they don't count.
import type { Dtype } from '../engines/types';
import { onnxFileFor } from '../engines/backend-selection';
import type { ModelInspection } from './model-inspection';

const SHARED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

export interface DownloadSize {
  bytes: number;
  /** False when some files' sizes are unknown (a static mirror lists only the ONNX files). */
  exact: boolean;
}

export function downloadSizeFor(inspection: ModelInspection, dtype: Dtype): DownloadSize | null {
  const sizes: Record<string, number> = inspection.files
    ? Object.fromEntries(Object.entries(inspection.files).map(([path, f]) => [path, f.size]))
    : inspection.fileSizes;
  const graph = [onnxFileFor(dtype), onnxFileFor(dtype).replace('onnx/model', 'onnx/decoder_model_merged')].find((p) => p in sizes);
  if (!graph) return null;
  // External weights beside the graph: model_q4.onnx_data, model_q4.onnx_data_1, ...
  const weights = Object.keys(sizes).filter((path) => path === graph || path.startsWith(`${graph}_data`));
  const shared = SHARED_FILES.filter((path) => path in sizes);
  const stored = new Set(inspection.storedPaths);
  const bytes = [...weights, ...shared].filter((path) => !stored.has(path)).reduce((sum, path) => sum + sizes[path], 0);
  return { bytes, exact: inspection.files !== null };
}
