// Importing a model from a folder the user picks, or a GGUF file (or a folder of one GGUF model):
// reading the picked files, checking the layout or the GGUF header, storing them, and reporting
// progress and problems.
import {
  importFolderModel,
  planFolderImport,
  relativeToModelFolder,
  type FolderImportResult,
  type PickedFile,
} from '../lib/models/folder-import';
import { ModelStore } from '../lib/models/model-store';
import { ggufPickName, isGgufPick, planGgufImport } from '../lib/models/gguf/gguf-import';
import { QuotaExceededError, summarizeError, type ErrorSummary } from '../lib/engines/errors';
import { assertFits, freeBytes, isQuotaError, quotaMessage } from '../lib/models/download/storage-budget';

export type ImportStatus = 'idle' | 'reading' | 'storing' | 'done' | 'error';

export class FolderImport {
  status = $state<ImportStatus>('idle');
  storedBytes = $state(0);
  totalBytes = $state(0);
  error = $state.raw<ErrorSummary | null>(null);
  imported = $state.raw<FolderImportResult | null>(null);

  /**
   * Files from `<input type=file webkitdirectory>` (each has its path in `webkitRelativePath`), or
   * GGUF file(s) from a plain file input.
   */
  async importFileList(list: FileList | File[]): Promise<FolderImportResult | null> {
    const files = [...list];
    const rel = relativeToModelFolder(files.map((f) => f.webkitRelativePath || f.name));
    const picked = files.map((file) => ({ path: rel.strip(file.webkitRelativePath || file.name), file }));
    return this.#import(isGgufPick(picked) ? ggufPickName(rel.folderName, picked) : (rel.folderName ?? 'model'), picked);
  }

  /** A folder from the File System Access directory picker. */
  async importDirectory(handle: FileSystemDirectoryHandle): Promise<FolderImportResult | null> {
    this.status = 'reading';
    const picked: PickedFile[] = [];
    await collectFiles(handle, '', picked);
    return this.#import(handle.name, picked);
  }

  async #import(folderName: string, picked: PickedFile[]): Promise<FolderImportResult | null> {
    this.status = 'reading';
    this.error = null;
    this.imported = null;
    this.storedBytes = 0;
    try {
      const plan = isGgufPick(picked) ? await planGgufImport(folderName, picked, location.origin) : await planFolderImport(folderName, picked, location.origin);
      this.totalBytes = plan.totalBytes;
      const estimate = await navigator.storage?.estimate?.().catch(() => ({})) ?? {};
      assertFits(`"${folderName}"`, plan.totalBytes, estimate);
      this.status = 'storing';
      const store = await ModelStore.open();
      let imported: FolderImportResult;
      try {
        imported = await importFolderModel(plan, folderName, store, (stored) => (this.storedBytes = stored));
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        const free = freeBytes(await navigator.storage.estimate().catch(() => ({})));
        throw new QuotaExceededError(plan.totalBytes, free, quotaMessage(`"${folderName}"`, plan.totalBytes, free));
      }
      this.imported = imported;
      this.status = 'done';
      return imported;
    } catch (error) {
      this.error = summarizeError(error);
      this.status = 'error';
      return null;
    }
  }
}

async function collectFiles(dir: FileSystemDirectoryHandle, prefix: string, out: PickedFile[]): Promise<void> {
  // `values()` is in Chromium but not yet in TypeScript's DOM types.
  const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const entry of entries) {
    const path = prefix + entry.name;
    if (entry.kind === 'file') out.push({ path, file: await (entry as FileSystemFileHandle).getFile() });
    else await collectFiles(entry as FileSystemDirectoryHandle, `${path}/`, out);
  }
}
