// Folds transformers.js' per-file progress callbacks into one running total for the progress
// bar, and remembers when the last byte arrived (the end of the "download" part of loading).
import type { ProgressFile } from '../engines/types';

export interface FileProgressReport {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

export class DownloadProgress {
  #files = new Map<string, ProgressFile>();
  #lastByteAt: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Returns true when the report changed the totals. */
  report(info: FileProgressReport): boolean {
    if (!info.file) return false;
    if (info.status === 'progress' && typeof info.loaded === 'number') {
      const total = typeof info.total === 'number' && info.total > 0 ? info.total : info.loaded;
      this.#files.set(info.file, { file: info.file, loadedBytes: info.loaded, totalBytes: total });
      this.#lastByteAt = this.now();
      return true;
    }
    if (info.status === 'done') {
      const known = this.#files.get(info.file);
      if (known) known.loadedBytes = known.totalBytes;
      this.#lastByteAt = this.now();
      return true;
    }
    return false;
  }

  get files(): ProgressFile[] {
    return [...this.#files.values()].map((f) => ({ ...f }));
  }

  get loadedBytes(): number {
    let sum = 0;
    for (const f of this.#files.values()) sum += f.loadedBytes;
    return sum;
  }

  get totalBytes(): number {
    let sum = 0;
    for (const f of this.#files.values()) sum += f.totalBytes;
    return sum;
  }

  /** 0..1, or null before any size is known. */
  get fraction(): number | null {
    const total = this.totalBytes;
    return total > 0 ? Math.min(1, this.loadedBytes / total) : null;
  }

  get lastByteAt(): number | null {
    return this.#lastByteAt;
  }
}
