// Will the model fit in the browser's storage? Asked before the first byte is fetched, so a full
// disk is a clear message up front rather than a cache write failing at 90%.
import { QuotaExceededError } from '../../engines/errors';
import { formatBytes } from '../../render/format';

export interface StorageNumbers {
  quota?: number;
  usage?: number;
}

/** What the browser reports as still free for this origin; null when it reports nothing. */
export function freeBytes(estimate: StorageNumbers): number | null {
  if (typeof estimate.quota !== 'number') return null;
  return Math.max(0, estimate.quota - (estimate.usage ?? 0));
}

/** Throws QuotaExceededError when `neededBytes` more won't fit; a browser that can't say passes. */
export function assertFits(label: string, neededBytes: number, estimate: StorageNumbers): void {
  const free = freeBytes(estimate);
  if (free === null || neededBytes <= free) return;
  throw new QuotaExceededError(neededBytes, free, quotaMessage(label, neededBytes, free));
}

export function quotaMessage(label: string, neededBytes: number, free: number | null): string {
  // The estimate can lag behind what the browser enforces; don't quote a number that contradicts it.
  const freeText =
    free !== null && free < neededBytes
      ? `only ${formatBytes(free)} is free for this site`
      : "the browser's storage quota for this site is full";
  return (
    `${label} needs ${formatBytes(neededBytes)} of browser storage, but ${freeText}. ` +
    'Nothing of it was saved. Delete stored models under "Models", or free disk space, then try again.'
  );
}

export function isQuotaError(error: unknown): boolean {
  return (
    (error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22)) ||
    (error instanceof Error && error.name === 'QuotaExceededError')
  );
}

/**
 * Chromium answers a Cache API write it can't hold with a bare "UnknownError: Unexpected internal
 * error" rather than a quota error. Private (incognito) windows keep storage in memory and refuse
 * files of a few hundred MB that way.
 */
export function isStorageRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnknownError' && /Cache|internal error/i.test(error.message);
}

export function storageRefusedMessage(label: string, path: string, size: number | null): string {
  return (
    `The browser refused to store ${path}${size !== null ? ` (${formatBytes(size)})` : ''} of ${label}. ` +
    'A private (incognito) window keeps site storage in memory and refuses files this large; a full disk does the same. ' +
    'Nothing of it was kept. Open the app in a normal window, or free disk space, then try again.'
  );
}
