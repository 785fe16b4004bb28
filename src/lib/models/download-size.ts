// How many bytes loading a model with a given dtype will fetch, from the hub's file listing, so
// the user sees it before pressing Load. Files already stored (the tokenizer another format
// brought) are not fetched again, so they don't count.
import type { Backend, Dtype } from '../engines/types';
import { onnxFileFor } from '../engines/backend-selection';
import { sessionDtypes, sessionFile, type SessionName } from '../engines/transformers/session-dtypes';
import type { ModelInspection } from './model-inspection';

const SHARED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
/** A vision-language model's processor settings, fetched beside the tokenizer. */
const PROCESSOR_FILES = ['preprocessor_config.json'];

export interface DownloadSize {
  bytes: number;
  /** False when some files' sizes are unknown (a static mirror lists only the ONNX files). */
  exact: boolean;
  /** Bytes per session of a multi-session (vision-language) model, e.g. { decoder: …, embeddings: …, vision: … }. */
  sessions?: Record<SessionName, number>;
}

/** A graph and its external weights beside it: model_q4.onnx_data, model_q4.onnx_data_1, ... */
function graphWithData(graph: string, sizes: Record<string, number>): string[] {
  return Object.keys(sizes).filter((path) => path === graph || path.startsWith(`${graph}_data`));
}

/**
 * Bytes a load of `dtype` on `backend` fetches. A vision-language export (three sessions: the
 * decoder in `dtype`, embeddings and vision encoder in what the backend runs) counts every file
 * of every session, so the size and the fit badge are those of what really loads.
 */
export function downloadSizeFor(inspection: ModelInspection, dtype: Dtype, backend: Backend = 'wasm'): DownloadSize | null {
  const sizes: Record<string, number> = inspection.files
    ? Object.fromEntries(Object.entries(inspection.files).map(([path, f]) => [path, f.size]))
    : inspection.fileSizes;
  const stored = new Set(inspection.storedPaths);
  const fetched = (paths: string[]) => paths.filter((path) => !stored.has(path)).reduce((sum, path) => sum + sizes[path], 0);
  const exact = inspection.files !== null;

  if (onnxFileFor(dtype) in sizes) {
    const paths = [...graphWithData(onnxFileFor(dtype), sizes), ...SHARED_FILES.filter((path) => path in sizes)];
    return { bytes: fetched(paths), exact };
  }
  if (!(sessionFile('decoder_model_merged', dtype) in sizes)) return null;
  const picked = sessionDtypes(backend, dtype, new Set(Object.keys(sizes)));
  const sessions = {} as Record<SessionName, number>;
  const paths: string[] = [];
  for (const [session, sessionDtype] of Object.entries(picked) as [SessionName, Dtype][]) {
    const files = sessionFile(session, sessionDtype) in sizes ? graphWithData(sessionFile(session, sessionDtype), sizes) : [];
    sessions[session] = fetched(files);
    paths.push(...files);
  }
  paths.push(...[...SHARED_FILES, ...PROCESSOR_FILES].filter((path) => path in sizes));
  return { bytes: fetched(paths), exact, sessions };
}
