// The Models view's one list: every model the app knows of (the catalog, ids that ran here, models
// stored from any hub or imported from a folder), each with what this device would do with it
// (the outlook row) and what this browser already holds of it (the stored copy).
import type { OutlookRow } from '../hardware/device-outlook';
import type { CachedModel } from './model-store';
import type { StoredWebLLMModel } from './webllm-store';
import { isLocalModel } from './folder-import';

export type StoredCopy = { engine: 'transformers'; model: CachedModel } | { engine: 'webllm'; model: StoredWebLLMModel };

export type LibrarySource = 'catalog' | 'custom' | 'folder';

export interface LibraryRow {
  /** Unique per row: the same repo stored from two hubs is two rows. */
  key: string;
  repoId: string;
  label: string;
  source: LibrarySource;
  /** Will it run here, how fast; null for a stored model the outlook doesn't cover. */
  outlook: OutlookRow | null;
  stored: StoredCopy | null;
}

function storedRepoId(copy: StoredCopy): string {
  return copy.engine === 'webllm' ? copy.model.entry.repoId : copy.model.repoId;
}

function storedHub(copy: StoredCopy): string {
  return copy.model.hub;
}

/** Bytes the browser holds for this copy. */
export function storedBytes(copy: StoredCopy): number {
  return copy.model.bytes;
}

/** Weight formats of the copy that load with no network; empty for an interrupted download. */
export function storedFormats(copy: StoredCopy): string[] {
  return copy.engine === 'webllm' ? [...copy.model.entry.dtypes.webgpu] : (copy.model.manifest?.completeDtypes ?? []);
}

/** A stored model that can load: every file of at least one weight format is there. */
export function isLoadable(copy: StoredCopy): boolean {
  return storedFormats(copy).length > 0;
}

/**
 * What a user looks for first leads: the id picked in the chat when no row has it yet (a custom id
 * not loaded so far), then every stored model, most recently used first, then the rest in the
 * outlook's order (catalog, then ids that ran here). Outlook rows carry their stored copy; stored
 * models the outlook has no row for (another hub's copy, a folder import, an interrupted download
 * of a custom id) are rows of their own.
 */
export function libraryRows(
  outlook: readonly OutlookRow[],
  stored: readonly CachedModel[],
  storedWebLLM: readonly StoredWebLLMModel[],
  isCatalogModel: (repoId: string) => boolean,
  pickedRepoId: string | null = null,
): LibraryRow[] {
  const copies: StoredCopy[] = [
    ...stored.map((model): StoredCopy => ({ engine: 'transformers', model })),
    ...storedWebLLM.map((model): StoredCopy => ({ engine: 'webllm', model })),
  ];
  const sourceOf = (repoId: string): LibrarySource => (isLocalModel(repoId) ? 'folder' : isCatalogModel(repoId) ? 'catalog' : 'custom');
  const unmatched = new Set(copies);
  const rows: LibraryRow[] = outlook.map((row) => {
    const copy = copies.find((c) => unmatched.has(c) && storedRepoId(c) === row.repoId && (c.engine === 'webllm') === (row.engine === 'webllm')) ?? null;
    if (copy) unmatched.delete(copy);
    return { key: row.repoId, repoId: row.repoId, label: row.label, source: sourceOf(row.repoId), outlook: row, stored: copy };
  });
  for (const copy of unmatched) {
    const repoId = storedRepoId(copy);
    const label = copy.engine === 'webllm' ? copy.model.entry.label : repoId;
    rows.push({ key: `${storedHub(copy)} ${repoId}`, repoId, label, source: sourceOf(repoId), outlook: null, stored: copy });
  }
  const lastUse = (row: LibraryRow) => (row.stored?.engine === 'transformers' ? (row.stored.model.manifest?.lastUsedAt ?? '') : '');
  // Array.prototype.sort is stable: unstored rows keep the outlook's order.
  rows.sort((a, b) => Number(b.stored !== null) - Number(a.stored !== null) || lastUse(b).localeCompare(lastUse(a)));
  if (pickedRepoId && !rows.some((row) => row.repoId === pickedRepoId)) {
    rows.unshift({ key: pickedRepoId, repoId: pickedRepoId, label: pickedRepoId, source: sourceOf(pickedRepoId), outlook: null, stored: null });
  }
  return rows;
}
