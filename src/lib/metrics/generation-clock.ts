// Turns the timestamps of one generation into the numbers users compare: time to first token,
// prefill and decode throughput. Decode speed excludes the first token, whose cost is prefill.
import type { GenerationMetrics, LiveGenerationNumbers, StopReason } from '../engines/types';

export function tokensPerSecond(tokens: number, ms: number): number {
  if (tokens <= 0 || ms <= 0) return 0;
  return (tokens * 1000) / ms;
}

export class GenerationClock {
  #start = 0;
  #firstToken: number | null = null;
  #lastToken: number | null = null;
  #generated = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    this.#start = this.now();
    this.#firstToken = null;
    this.#lastToken = null;
    this.#generated = 0;
  }

  tokenArrived(): void {
    const t = this.now();
    if (this.#firstToken === null) this.#firstToken = t;
    this.#lastToken = t;
    this.#generated++;
  }

  get generatedTokens(): number {
    return this.#generated;
  }

  /** The numbers so far, while tokens still arrive. */
  live(): LiveGenerationNumbers {
    const first = this.#firstToken;
    const last = this.#lastToken;
    return {
      generatedTokens: this.#generated,
      timeToFirstTokenMs: first === null ? null : first - this.#start,
      decodeTokensPerSecond:
        first === null || last === null || this.#generated < 2 ? null : tokensPerSecond(this.#generated - 1, last - first),
    };
  }

  finish(prompt: { promptTokens: number; cachedTokens: number }, stopReason: StopReason): GenerationMetrics {
    const end = this.now();
    const first = this.#firstToken ?? end;
    const last = this.#lastToken ?? end;
    const prefillTokens = prompt.promptTokens - prompt.cachedTokens;
    const prefillMs = first - this.#start;
    const decodeMs = last - first;
    return {
      promptTokens: prompt.promptTokens,
      cachedTokens: prompt.cachedTokens,
      prefillTokens,
      prefillMs,
      prefillTokensPerSecond: tokensPerSecond(prefillTokens, prefillMs),
      timeToFirstTokenMs: prefillMs,
      generatedTokens: this.#generated,
      decodeMs,
      decodeTokensPerSecond: tokensPerSecond(this.#generated - 1, decodeMs),
      totalMs: end - this.#start,
      stopReason,
    };
  }
}
