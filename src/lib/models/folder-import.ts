// Loads a model from a folder on disk (hub layout: config.json, tokenizer files, onnx/...) by
// putting its files into the model store under a local address that is never fetched. After the
// import the model loads like any stored model: no network, and it stays until deleted.
import type { Dtype } from '../engines/types';
import { dtypesInRepo, onnxFileFor } from '../engines/backend-selection';
import { modelLayout } from '../engines/transformers/session-dtypes';
import { EngineError } from '../engines/errors';
import { isValidRepoId, LOCAL_ORG } from './hub-urls';
import { parseConfig } from './model-inspection';
import type { ManifestFile, ModelStore } from './model-store';
import { isSplittable, splitIntoStore, splitManifestEntries, withDataFiles } from './onnx-split/split-stored-file';

export const LOCAL_MODELS_PATH = '/local-models';
const REVISION = 'main';
const MAX_NAME = 96;
/** Far more same-named folders than anyone imports; the bound only keeps a broken store from looping. */
const MAX_SUFFIX = 999;
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
  /** sha256 of files hashed while planning (a GGUF pick's), recorded with them in the manifest. */
  sha256?: Record<string, string>;
}

export interface FolderImportResult extends FolderImportPlan {
  /** The id the folder's name gives when another stored folder already had it (this one got a suffix); else null. */
  clashedWith: string | null;
}

export function isLocalModel(repoId: string): boolean {
  return repoId.startsWith(`${LOCAL_ORG}/`);
}

export function localModelsHub(origin: string): string {
  return origin + LOCAL_MODELS_PATH;
}

/**
 * `My Model (v2)` → `local-folder/My-Model-v2`, `模型` → `local-folder/模型`: letters of any script
 * stay, anything else becomes `-`, and the name never is or holds `.`/`..`. Different folders can
 * still give one id ("My Model", "My-Model"); importFolderModel then adds a suffix.
 */
export function localRepoId(folderName: string): string {
  const name = trimName(
    folderName
      .normalize('NFC')
      .replace(/[^\p{L}\p{M}\p{Nd}_.-]+/gu, '-')
      .replace(/-{2,}/g, '-')
      .replace(/\.{2,}/g, '.'),
    MAX_NAME,
  )
    // The hub refuses these endings, and so does the rest of the app.
    .replace(/\.(git|ipynb)$/, '-$1');
  const repoId = `${LOCAL_ORG}/${name || 'model'}`;
  if (!isValidRepoId(repoId)) throw new FolderImportError(`"${folderName}" can't be used as a model name.`);
  return repoId;
}

/** At most `max` characters (not UTF-16 units, so no letter is cut in half), without `-`/`.` at either end. */
function trimName(name: string, max: number): string {
  return Array.from(name.replace(/^[-.]+/, ''))
    .slice(0, max)
    .join('')
    .replace(/[-.]+$/, '');
}

/** `local-folder/My-Model` → `local-folder/My-Model-2`, shortening the name to leave room for the suffix. */
function withSuffix(repoId: string, n: number): string {
  const name = repoId.slice(LOCAL_ORG.length + 1);
  const suffix = `-${n}`;
  return `${LOCAL_ORG}/${trimName(name, MAX_NAME - suffix.length)}${suffix}`;
}

/**
 * The id to store a folder under: the one its name gives, unless a different folder (or a model
 * stored before folders were told apart) already holds it; then the first free `-2`, `-3`, ...
 * The same folder imported again keeps its id and replaces its old copy.
 */
async function freeLocalRepoId(store: ModelStore, hub: string, repoId: string, folderName: string): Promise<string> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? repoId : withSuffix(repoId, n);
    const stored = await store.readManifest({ hub, repoId: candidate, revision: REVISION });
    if (!stored || (stored.source === 'folder' && stored.folderName === folderName)) return candidate;
  }
  throw new FolderImportError(`${MAX_SUFFIX} stored models already use names like "${repoId}". Delete some of them, or rename the folder.`);
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
    throw new FolderImportError(`"${folderName}" has no ONNX weights (onnx/model*.onnx or onnx/decoder_model_merged*.onnx), so there is nothing to run.`);
  }
  const shared = [...REQUIRED_FILES, ...OPTIONAL_FILES.filter((p) => byPath.has(p)), ...visionLanguageFiles(modelType, byPath)];
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

/**
 * A vision-language export (Qwen3.5) loads embeddings and a vision encoder beside the decoder, in
 * weights that depend on the backend: every one the folder has comes along with each dtype, and the
 * processor's settings with them.
 */
function visionLanguageFiles(modelType: string, byPath: Map<string, PickedFile>): string[] {
  if (modelLayout({ model_type: modelType }) !== 'vision-language') return [];
  const paths = [...byPath.keys()];
  return paths.filter((p) => p === 'preprocessor_config.json' || /^onnx\/(embed_tokens|vision_encoder)(_[a-z0-9]+)?\.onnx(_data(_\d+)?)?$/.test(p)).sort();
}

function decoderFileFor(dtype: Dtype, byPath: Map<string, PickedFile>): string | undefined {
  const merged = onnxFileFor(dtype).replace('onnx/model', 'onnx/decoder_model_merged');
  return byPath.has(merged) ? merged : undefined;
}

/**
 * Copies the plan's files into the store, under an id no other folder holds, and writes the
 * manifest that makes the model loadable. Big inline weights are split on the way in (graph +
 * `<file>_data`, read once from the picked file), so the engine loads them as a Blob; one that
 * can't be split is stored as it is. Returns the plan with the id it got and the files as stored.
 */
export async function importFolderModel(
  plan: FolderImportPlan,
  folderName: string,
  store: ModelStore,
  onProgress: (storedBytes: number, totalBytes: number) => void,
): Promise<FolderImportResult> {
  const repoId = await freeLocalRepoId(store, plan.hub, plan.repoId, folderName);
  const location = { hub: plan.hub, repoId, revision: REVISION };
  // A re-import of the same folder replaces its old copy completely.
  await store.deleteModel(location);
  const files: Record<string, ManifestFile> = {};
  const splitGraphs: string[] = [];
  let filesByDtype = plan.filesByDtype;
  const paths = plan.files.map((f) => f.path);
  const visionLanguage = modelLayout({ model_type: plan.modelType }) === 'vision-language';
  let storedBytes = 0;
  try {
    for (const { path, file } of plan.files) {
      let keptInline: string | null = null;
      // A vision-language model's sessions stay inline, as in a download (see model-files.ts).
      if (!visionLanguage && isSplittable(path, file.size, paths)) {
        const outcome = await splitIntoStore(store, location, path, file.stream());
        if (outcome.split) {
          Object.assign(files, splitManifestEntries(outcome.split, { size: file.size, sha256: null }));
          splitGraphs.push(path);
        }
        // A file the splitter can't handle is stored whole and never read for a split again. A
        // store that failed (a full disk) fails the whole file's write below the same way.
        else if (outcome.final) keptInline = outcome.reason;
      }
      if (!splitGraphs.includes(path)) {
        const sha256 = plan.sha256?.[path] ?? null;
        await store.put(store.fileUrl(location, path), file, contentTypeOf(path), sha256);
        files[path] = { size: file.size, sha256, ...(keptInline ? { keptInline } : {}) };
      }
      storedBytes += file.size;
      onProgress(storedBytes, plan.totalBytes);
    }
    filesByDtype = withDataFiles(plan.filesByDtype, splitGraphs);
    await store.writeManifest({
      version: 1,
      ...location,
      modelType: plan.modelType,
      contextLength: plan.contextLength,
      files,
      repoFiles: files,
      completeDtypes: plan.dtypes,
      filesByDtype,
      source: 'folder',
      folderName,
      updatedAt: new Date().toISOString(),
      lastUsedAt: null,
    });
  } catch (error) {
    // Half an import can't load; don't leave it taking space.
    await store.deleteModel(location).catch(() => {});
    throw error;
  }
  return { ...plan, filesByDtype, repoId, clashedWith: repoId === plan.repoId ? null : plan.repoId };
}

function contentTypeOf(path: string): string {
  return path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}
