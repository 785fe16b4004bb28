// The per-answer numbers as a table: shown in the Metrics panel and exported as CSV.
import type { GenerationMetrics } from '../engines/types';
import { toCsv } from './csv';

export interface AnswerRow {
  answer: number;
  model: string;
  metrics: GenerationMetrics;
}

export const ANSWER_COLUMNS = [
  'answer',
  'model',
  'prompt_tokens',
  'cached_tokens',
  'prefill_tokens',
  'time_to_first_token_ms',
  'prefill_tokens_per_s',
  'generated_tokens',
  'decode_tokens_per_s',
  'total_ms',
  'stop_reason',
  // Pictures in the prompt: their tokens (part of prompt_tokens) and the vision encoder's time.
  'image_tokens',
  'image_encode_ms',
] as const;

export function answerRowValues({ answer, model, metrics: m }: AnswerRow): (string | number)[] {
  return [
    answer,
    model,
    m.promptTokens,
    m.cachedTokens,
    m.prefillTokens,
    round(m.timeToFirstTokenMs),
    round(m.prefillTokensPerSecond),
    m.generatedTokens,
    round(m.decodeTokensPerSecond),
    round(m.totalMs),
    m.stopReason,
    m.imageTokens ?? 0,
    round(m.imageEncodeMs ?? 0),
  ];
}

export function answersToCsv(rows: readonly AnswerRow[]): string {
  return toCsv([[...ANSWER_COLUMNS], ...rows.map(answerRowValues)]);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
