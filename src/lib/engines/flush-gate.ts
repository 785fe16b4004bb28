// Rate limit for per-token work that doesn't need to happen per token: sending text to the UI
// (each message costs the UI thread work while inference wants every core, and a screen shows
// ~60 frames a second anyway) and yielding the worker's event loop. The first call passes at
// once, so the first token still shows immediately; after that at most one per interval.

export const STREAM_INTERVAL_MS = 50;

/** Live numbers (tokens so far, TTFT, decode speed) change slower than text and are read, not watched. */
export const LIVE_NUMBERS_INTERVAL_MS = 250;

export class FlushGate {
  #last = -Infinity;

  constructor(
    private readonly intervalMs = STREAM_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when the interval since the last pass is over; a true answer starts a new interval. */
  pass(): boolean {
    const t = this.now();
    if (t - this.#last < this.intervalMs) return false;
    this.#last = t;
    return true;
  }
}
