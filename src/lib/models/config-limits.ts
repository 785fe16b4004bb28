// The sizes in a model's config.json, checked against what real models have before anything is
// built from them. transformers.js names one cache tensor per layer from num_hidden_layers before
// the first forward pass: a config claiming 1e9 layers keeps the worker busy for minutes and then
// fails with "Set maximum size exceeded". Checked where a config first arrives (inspection, folder
// import) and again in the engine, for models stored before these limits existed.
import { ModelConfigError } from '../engines/errors';

/**
 * The largest value accepted per field: about four times the largest published model's (Llama 3.1
 * 405B unless noted), rounded up to a power of two. Every real model up to 70B, and far past it,
 * passes; a number past these is a broken or hostile config, not a model a browser could run.
 */
export const CONFIG_LIMITS = {
  /** 405B has 126 layers, 70B has 80. Also the most entries `layer_types` (one per layer) may have. */
  num_hidden_layers: 512,
  /** 405B: 16,384; 70B: 8,192. */
  hidden_size: 65_536,
  /** 405B: 128 query heads; 70B: 64. */
  num_attention_heads: 512,
  /** Never more than the query heads (405B and 70B have 8). */
  num_key_value_heads: 512,
  /** Gemma 2/3 and Qwen3.5 use 256, most models 64 or 128. */
  head_dim: 1_024,
  /** 405B: 53,248; 70B: 28,672. */
  intermediate_size: 262_144,
  /** Gemma 3: 262,208; Qwen: 151,936. */
  vocab_size: 1_048_576,
} as const;

/**
 * The longest context published (Llama 4 Scout claims 10,485,760 tokens), rounded up to 2^24. A
 * longer claim is clamped to this, not refused: nothing is allocated by it (the KV cache grows
 * token by token), and a model that only overstates its context still runs.
 */
export const MAX_CONTEXT_LENGTH = 16_777_216;

type Config = Record<string, unknown>;

/**
 * Throws ModelConfigError naming the first size that is not a whole number from 1 to its limit, at
 * the top level or under `text_config` (multimodal and hybrid configs keep the text model there).
 * A size that is absent (or null) is fine: transformers.js then falls back on its own.
 */
export function checkConfigLimits(config: Config): void {
  for (const [prefix, level] of levels(config)) {
    for (const [field, max] of Object.entries(CONFIG_LIMITS)) checkSize(`${prefix}${field}`, level[field], max);
    checkSize(`${prefix}max_position_embeddings`, level.max_position_embeddings, MAX_CONTEXT_LENGTH, 'clamp');
    const layerTypes = level.layer_types;
    if (Array.isArray(layerTypes) && layerTypes.length > CONFIG_LIMITS.num_hidden_layers) {
      throw new ModelConfigError(
        `${prefix}layer_types`,
        `config.json: ${prefix}layer_types has ${layerTypes.length} entries; a model this app can run has at most ${CONFIG_LIMITS.num_hidden_layers}.`,
      );
    }
  }
}

/** The context length a checked config gives, clamped to MAX_CONTEXT_LENGTH; null when it gives none. */
export function contextLengthFromConfig(config: Config): number | null {
  for (const [, level] of levels(config)) {
    const value = level.max_position_embeddings;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return Math.min(value, MAX_CONTEXT_LENGTH);
  }
  return null;
}

function levels(config: Config): [string, Config][] {
  const text = config.text_config;
  const nested = typeof text === 'object' && text !== null && !Array.isArray(text);
  return nested ? [['', config], ['text_config.', text as Config]] : [['', config]];
}

function checkSize(field: string, value: unknown, max: number, past: 'refuse' | 'clamp' = 'refuse'): void {
  if (value === undefined || value === null) return;
  const whole = typeof value === 'number' && Number.isInteger(value) && value >= 1;
  if (!whole) {
    throw new ModelConfigError(field, `config.json: ${field} is ${shown(value)}; it must be a whole number from 1 to ${max}.`);
  }
  if (value > max && past === 'refuse') {
    throw new ModelConfigError(field, `config.json: ${field} is ${shown(value)}; a model this app can run has at most ${max}.`);
  }
}

/** The value as config.json wrote it, cut short: a hostile string can be any length. */
function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
