// Maps the usage block WebLLM appends to a stream (`stream_options.include_usage`) onto the app's
// generation metrics, so WebLLM and transformers.js runs read the same in every table.
import type { CompletionUsage, ChatCompletionFinishReason } from '@mlc-ai/web-llm';
import type { GenerationMetrics, StopReason } from '../types';

export function stopReasonOf(finish: ChatCompletionFinishReason | null | undefined): StopReason {
  if (finish === 'length') return 'max-tokens';
  if (finish === 'abort') return 'interrupted';
  return 'eos';
}

/**
 * WebLLM measures on its side of the GPU queue: time to first token, prefill and decode rates.
 * Prefill time is prompt tokens over its prefill rate; decode time is the rest of the tokens over
 * the decode rate. `totalMs` is WebLLM's end-to-end latency.
 */
export function metricsFromUsage(usage: CompletionUsage, finish: ChatCompletionFinishReason | null | undefined): GenerationMetrics {
  const extra = usage.extra;
  const prefillRate = finite(extra?.prefill_tokens_per_s);
  const decodeRate = finite(extra?.decode_tokens_per_s);
  const generatedTokens = usage.completion_tokens;
  const prefillTokens = usage.prompt_tokens;
  const decodeTokens = Math.max(0, generatedTokens - 1);
  return {
    promptTokens: usage.prompt_tokens,
    // WebLLM reuses the KV cache of earlier turns internally but doesn't report how much.
    cachedTokens: 0,
    prefillTokens,
    prefillMs: prefillRate > 0 ? (prefillTokens / prefillRate) * 1000 : 0,
    prefillTokensPerSecond: prefillRate,
    timeToFirstTokenMs: finite(extra?.time_to_first_token_s) * 1000,
    generatedTokens,
    decodeMs: decodeRate > 0 ? (decodeTokens / decodeRate) * 1000 : 0,
    decodeTokensPerSecond: decodeRate,
    totalMs: finite(extra?.e2e_latency_s) * 1000,
    stopReason: stopReasonOf(finish),
  };
}

function finite(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
