// "Try our fine-tune": a GGUF file picked from disk (or a folder holding one model in GGUF, whole
// or split into parts) is taken as it is. Each file's header is read first, so a file that is not
// GGUF, is cut short or holds an architecture the bundled llama.cpp can't run is refused by its
// name before anything is stored; each is hashed (sha256) on the way, and the plan stores it under
// a local id that names it a GGUF model, so it loads with llama.cpp from the store, never fetched.
import type { Dtype } from '../../engines/types';
import { sha256Hashing, type Sha256Hashing } from '../download/hashing-worker';
import { FolderImportError, localModelsHub, localRepoId, type FolderImportPlan, type PickedFile } from '../folder-import';
import { GgufError } from './gguf-errors';
import { namesGgufRepo } from './gguf-lookup';
import { inspectGguf, type GgufModelInfo } from './gguf-model-info';
import { isGgufPath } from './gguf-repo';
import { parseSplitName, splitFamily } from './gguf-split';

/** Whether a pick is a GGUF model rather than a hub-layout ONNX folder. */
export function isGgufPick(picked: readonly PickedFile[]): boolean {
  return picked.some((f) => isGgufPath(f.path)) && !picked.some((f) => f.path === 'config.json');
}

/**
 * The app's dtype label for a GGUF quantization (see catalog.ts: 'q8' a Q8_0 file, 'q4' a 4-bit
 * one). Files of other widths are labelled by the nearest: 5- and 6-bit with 8-bit, 2- and 3-bit
 * with 4-bit; the header's own name for it shows beside the label.
 */
export function dtypeOfQuantization(quantization: string): Dtype {
  const q = quantization.toUpperCase();
  if (q === 'F32' || q === 'ALL_F32') return 'fp32';
  if (q === 'F16' || q === 'BF16' || q.startsWith('MOSTLY_F16')) return 'fp16';
  const bits = /^I?Q(\d)/.exec(q)?.[1];
  return bits !== undefined && Number(bits) >= 5 ? 'q8' : 'q4';
}

/** `My fine-tune (v2).gguf` → `local-folder/My-fine-tune-v2-GGUF`: the id says GGUF, as hub GGUF repos' ids do, so the load picks llama.cpp. */
export function localGgufRepoId(name: string): string {
  const repoId = localRepoId(name.replace(/\.gguf$/i, ''));
  return namesGgufRepo(repoId) ? repoId : localRepoId(`${repoId.slice(repoId.indexOf('/') + 1)}-GGUF`);
}

/** The name a pick is stored under: a single file's own name, else the folder's. */
export function ggufPickName(folderName: string | null, picked: readonly PickedFile[]): string {
  if (folderName) return folderName;
  const ggufs = picked.filter((f) => isGgufPath(f.path));
  const first = ggufs.length === 1 ? ggufs[0]!.path : (ggufs.map((f) => f.path).find((p) => parseSplitName(baseName(p))?.index === 0) ?? 'model');
  const split = parseSplitName(baseName(first));
  return split ? split.prefix : baseName(first).replace(/\.gguf$/i, '');
}

export interface GgufImportPlan extends FolderImportPlan {
  /** Each stored file's sha256, lower-case hex, as the hub lists it in `lfs.oid`. */
  sha256: Record<string, string>;
  /** What the first file's header says. */
  info: GgufModelInfo;
}

/** The GGUF model in `picked`: one file, or every part of one split file; anything else is refused by name. */
export async function planGgufImport(
  name: string,
  picked: readonly PickedFile[],
  origin: string,
  hashing: Sha256Hashing = sha256Hashing,
): Promise<GgufImportPlan> {
  const ggufs = picked.filter((f) => isGgufPath(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  const files = modelFiles(name, ggufs);
  const infos: GgufModelInfo[] = [];
  for (const { path, file } of files) {
    try {
      infos.push(await inspectGguf(file));
    } catch (error) {
      // The error keeps its name (GgufBadMagicError, GgufTruncatedError, …); its message says which file.
      if (error instanceof GgufError) error.message = `"${path}": ${error.message}`;
      throw error;
    }
  }
  const info = infos[0]!;
  const dtype = dtypeOfQuantization(info.quantization);
  const sha256: Record<string, string> = {};
  for (const { path, file } of files) sha256[path] = await hashFile(file, hashing);
  return {
    hub: localModelsHub(origin),
    repoId: localGgufRepoId(name),
    modelType: info.architecture,
    contextLength: info.contextLength,
    dtypes: [dtype],
    files,
    filesByDtype: { [dtype]: files.map((f) => f.path) },
    totalBytes: files.reduce((sum, f) => sum + f.file.size, 0),
    sha256,
    info,
  };
}

/** The files of the one model: a single GGUF, or a complete family of split parts in order. */
function modelFiles(name: string, ggufs: readonly PickedFile[]): PickedFile[] {
  if (ggufs.length === 0) throw new FolderImportError(`"${name}" holds no .gguf model file.`);
  const byName = new Map(ggufs.map((f) => [baseName(f.path), f]));
  const family = splitFamily(baseName(ggufs[0]!.path));
  if (family) {
    const missing = family.filter((part) => !byName.has(part));
    if (missing.length > 0) throw new FolderImportError(`"${name}" is a split GGUF model without ${missing.join(', ')}: pick every part.`);
    if (ggufs.length === family.length) return family.map((part) => byName.get(part)!);
  } else if (ggufs.length === 1) {
    return [ggufs[0]!];
  }
  throw new FolderImportError(
    `"${name}" holds more than one GGUF model (${ggufs.map((f) => f.path).join(', ')}). Pick one file, or a folder with one model in it.`,
  );
}

async function hashFile(file: Blob, hashing: Sha256Hashing): Promise<string> {
  const hash = hashing.start();
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // The hash takes the chunk's buffer: hand it a copy when the chunk is a view into a larger one.
      hash.update(value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice());
    }
    return await hash.digest();
  } catch (error) {
    hash.drop();
    throw error;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
