// When a failed request is worth repeating, and how long to wait first. Hotel Wi-Fi drops
// connections and CDNs answer 5xx under load; both usually pass within seconds.

export const MAX_ATTEMPTS_WITHOUT_PROGRESS = 5;

/** Statuses a server uses for "try again later"; 4xx other than these will not change on retry. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Exponential backoff with jitter (so many clients don't retry in lockstep), between half and all of:
 * attempt 1 → 0.5 s, 2 → 1 s, 3 → 2 s ..., capped at `maxMs`.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 8000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
