// Download speed and time left, from a sliding window of recent byte counts: a cumulative average
// would hide a stall, and the rate of the last instant jumps around too much to read.

export interface TransferSample {
  at: number;
  bytes: number;
}

export class TransferRate {
  #samples: TransferSample[] = [];
  #total = 0;

  constructor(
    private readonly windowMs = 3000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records `bytes` more received now. */
  add(bytes: number): void {
    this.#total += bytes;
    const at = this.now();
    this.#samples.push({ at, bytes: this.#total });
    // Keep one sample older than the window as the baseline of the rate.
    while (this.#samples.length > 2 && this.#samples[1].at <= at - this.windowMs) this.#samples.shift();
  }

  /** Bytes per second over the window, or null until there is a span to measure. */
  get bytesPerSecond(): number | null {
    if (this.#samples.length < 2) return null;
    const first = this.#samples[0];
    const now = this.now();
    const span = now - first.at;
    if (span <= 0) return null;
    return ((this.#total - first.bytes) * 1000) / span;
  }

  /** Seconds until `remainingBytes` arrive at the current rate; null when unknown or stalled. */
  etaSeconds(remainingBytes: number): number | null {
    if (remainingBytes <= 0) return 0;
    const rate = this.bytesPerSecond;
    if (rate === null || rate <= 0) return null;
    return remainingBytes / rate;
  }
}
