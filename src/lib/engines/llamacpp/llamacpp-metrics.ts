// llama.cpp times its own prompt reading and decoding (`timings` on the last streamed chunk); those
// are the numbers the metrics row shows, next to the time to first token measured here, so its
// figures read the same as the other engines'. Where llama.cpp gave none (Stop aborted the
// stream before its last chunk), the clock's own figures stand.
import type { GenerationMetrics, StopReason } from '../types';
import { tokensPerSecond } from '../../metrics/generation-clock';

/** The part of wllama's `ResultTimings` used here. */
export interface LlamaCppTimings {
  /** Prompt tokens reused from the cache of the previous turn. */
  cache_n: number;
  /** Prompt tokens read this time. */
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

export type LlamaCppFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | null | undefined;

export function stopReasonOf(finish: LlamaCppFinishReason, interrupted: boolean, lengthMeansContextFull: boolean): StopReason {
  if (interrupted) return 'interrupted';
  if (finish === 'length') return lengthMeansContextFull ? 'context-full' : 'max-tokens';
  return 'eos';
}

/**
 * The final numbers from llama.cpp's timings over the clock's (`measured`, which has the time to
 * first token and the whole time as the worker saw them).
 */
export function metricsFromTimings(measured: GenerationMetrics, timings: LlamaCppTimings | null | undefined): GenerationMetrics {
  if (!timings || !isCount(timings.prompt_n) || !isCount(timings.predicted_n)) return measured;
  const cachedTokens = isCount(timings.cache_n) ? timings.cache_n : 0;
  const prefillMs = finiteOr(timings.prompt_ms, measured.prefillMs);
  const decodeMs = finiteOr(timings.predicted_ms, measured.decodeMs);
  return {
    ...measured,
    promptTokens: timings.prompt_n + cachedTokens,
    cachedTokens,
    prefillTokens: timings.prompt_n,
    prefillMs,
    prefillTokensPerSecond: tokensPerSecond(timings.prompt_n, prefillMs),
    // The first token is sampled from the prompt's last forward pass, so llama.cpp's decode time
    // covers the other predicted_n - 1 tokens: the same rule as the app's own clock.
    generatedTokens: Math.max(measured.generatedTokens, timings.predicted_n),
    decodeMs,
    decodeTokensPerSecond: tokensPerSecond(Math.max(0, timings.predicted_n - 1), decodeMs),
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
