// Loads a model from a folder on disk (hub layout: config.json, tokenizer files, onnx/...) by
// putting its files into the model store under a local address that is never fetched. After the
// import the model loads like any stored model: no network, and it stays until deleted.
import type { Dtype } from '../engines/types';
import { dtypesInRepo, onnxFileFor } from '../engines/backend-selection';
import { EngineError } from '../engines/errors';
import { isValidRepoId } from './hub-urls';
import { parseConfig } from './model-inspection';
import type { ManifestFile, ModelStore } from './model-store';

/** Imported models live under this org, on the app's own origin + LOCAL_MODELS_PATH. */
export const LOCAL_ORG = 'local-folder';
export const LOCAL_MODELS_PATH = '/local-models';
const REVISION = 'main';
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL_FILES = ['generation_config.json'];

export class FolderImportError extends EngineError {
  override name = 'FolderImportError';
}

export interface PickedFile {
  /** Path inside the picked folder, `/`-separated, e.g. `onnx/model_q4.onnx`. */
  path: string;
  file: Blob;
}

export interface FolderImportPlan {
  hub: string;
  repoId: string;
  modelType: string;
  contextLength: number | null;
  dtypes: Dtype[];
  /** The files to store: the required ones, the optional ones present, and every dtype's weights. */
  files: PickedFile[];
  filesByDtype: Partial<Record<Dtype, string[]>>;
  totalBytes: number;
}

export function isLocalModel(repoId: string): boolean {
  return repoId.startsWith(`${LOCAL_ORG}/`);
}

export function localModelsHub(origin: string): string {
  return origin + LOCAL_MODELS_PATH;
}

/** `My Model (v2)` → `local-folder/My-Model-v2`. */
export function localRepoId(folderName: string): string {
  const name = folderName
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 96);
  const repoId = `${LOCAL_ORG}/${name || 'model'}`;
  if (!isValidRepoId(repoId)) throw new FolderImportError(`"${folderName}" can't be used as a model name.`);
  return repoId;
}

/**
 * Picked paths from `<input webkitdirectory>` start with the folder's own name; the directory
 * picker gives paths inside it. Either way, return paths relative to the model folder.
 */
export function relativeToModelFolder(paths: string[]): { folderName: string | null; strip: (path: string) => string } {
  const firsts = new Set(paths.map((p) => p.split('/')[0]));
  const nested = paths.every((p) => p.includes('/')) && firsts.size === 1 && !paths.includes('config.json');
  if (!nested) return { folderName: null, strip: (p) => p };
  const [folderName] = firsts;
  return { folderName: folderName!, strip: (p) => p.slice(folderName!.length + 1) };
}

export async function planFolderImport(folderName: string, picked: PickedFile[], origin: string): Promise<FolderImportPlan> {
  const byPath = new Map(picked.map((f) => [f.path, f]));
  const repoId = localRepoId(folderName);
  const missing = REQUIRED_FILES.filter((path) => !byPath.has(path));
  if (missing.length > 0) {
    throw new FolderImportError(
      `"${folderName}" is not a model folder in hub layout: it has no ${missing.join(', ')}. ` +
        'Pick the folder that holds config.json, tokenizer.json and onnx/.',
    );
  }
  const { modelType, contextLength } = parseConfig(await byPath.get('config.json')!.file.text(), repoId);
  const dtypes = dtypesInRepo([...byPath.keys()]);
  if (dtypes.length === 0) {
    throw new FolderImportError(`"${folderName}" has no ONNX weights (onnx/model*.onnx), so there is nothing to run.`);
  }
  const shared = [...REQUIRED_FILES, ...OPTIONAL_FILES.filter((p) => byPath.has(p))];
  const filesByDtype: Partial<Record<Dtype, string[]>> = {};
  for (const dtype of dtypes) {
    const onnx = [...byPath.keys()].find((p) => p === onnxFileFor(dtype)) ?? decoderFileFor(dtype, byPath);
    // External weights sit beside the graph: model_q4.onnx_data, model_q4.onnx_data_1, ...
    const data = [...byPath.keys()].filter((p) => onnx !== undefined && p.startsWith(`${onnx}_data`)).sort();
    filesByDtype[dtype] = [...shared, ...(onnx ? [onnx] : []), ...data];
  }
  const paths = new Set(Object.values(filesByDtype).flat());
  const files = [...paths].map((path) => byPath.get(path)!);
  return {
    hub: localModelsHub(origin),
    repoId,
    modelType,
    contextLength,
    dtypes,
    files,
    filesByDtype,
    totalBytes: files.reduce((sum, f) => sum + f.file.size, 0),
  };
}

function decoderFileFor(dtype: Dtype, byPath: Map<string, PickedFile>): string | undefined {
  const merged = onnxFileFor(dtype).replace('onnx/model', 'onnx/decoder_model_merged');
  return byPath.has(merged) ? merged : undefined;
}

/** Copies the plan's files into the store and writes the manifest that makes the model loadable. */
export async function importFolderModel(
  plan: FolderImportPlan,
  store: ModelStore,
  onProgress: (storedBytes: number, totalBytes: number) => void,
): Promise<void> {
  const location = { hub: plan.hub, repoId: plan.repoId, revision: REVISION };
  // A re-import replaces the old copy completely.
  await store.deleteModel(location);
  const files: Record<string, ManifestFile> = {};
  let storedBytes = 0;
  try {
    for (const picked of plan.files) {
      await store.put(store.fileUrl(location, picked.path), picked.file, contentTypeOf(picked.path), null);
      files[picked.path] = { size: picked.file.size, sha256: null };
      storedBytes += picked.file.size;
      onProgress(storedBytes, plan.totalBytes);
    }
    await store.writeManifest({
      version: 1,
      ...location,
      modelType: plan.modelType,
      contextLength: plan.contextLength,
      files,
      repoFiles: files,
      completeDtypes: plan.dtypes,
      filesByDtype: plan.filesByDtype,
      source: 'folder',
      updatedAt: new Date().toISOString(),
      lastUsedAt: null,
    });
  } catch (error) {
    // Half an import can't load; don't leave it taking space.
    await store.deleteModel(location).catch(() => {});
    throw error;
  }
}

function contentTypeOf(path: string): string {
  return path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}
