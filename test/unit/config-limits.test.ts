// A config.json's sizes against what real models have: each field refused by name past its limit,
// malformed values refused, real configs (70B included) accepted, an overstated context clamped.
import { describe, expect, it } from 'vitest';
import { CONFIG_LIMITS, MAX_CONTEXT_LENGTH, checkConfigLimits, contextLengthFromConfig } from '../../src/lib/models/config-limits';

/** Llama 3.1 70B's published config.json sizes. */
const LLAMA_70B = {
  model_type: 'llama',
  num_hidden_layers: 80,
  hidden_size: 8192,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  head_dim: 128,
  intermediate_size: 28672,
  vocab_size: 128256,
  max_position_embeddings: 131072,
};

/** Qwen3.5 0.8B: a hybrid whose text model sits under text_config. */
const QWEN3_5 = {
  model_type: 'qwen3_5',
  text_config: {
    model_type: 'qwen3_5_text',
    num_hidden_layers: 24,
    hidden_size: 1024,
    num_attention_heads: 8,
    num_key_value_heads: 2,
    head_dim: 256,
    intermediate_size: 3584,
    vocab_size: 248320,
    max_position_embeddings: 262144,
    layer_types: Array.from({ length: 24 }, (_, i) => (i % 4 === 3 ? 'full_attention' : 'linear_attention')),
  },
};

function refusal(config: Record<string, unknown>): { name: string; field: string; message: string } | null {
  try {
    checkConfigLimits(config);
    return null;
  } catch (error) {
    return error as { name: string; field: string; message: string };
  }
}

describe('checkConfigLimits', () => {
  it('accepts real configs, from the fixtures to a 70B model and a multimodal one', () => {
    expect(refusal(LLAMA_70B)).toBeNull();
    expect(refusal(QWEN3_5)).toBeNull();
    expect(refusal({ model_type: 'qwen3', head_dim: null })).toBeNull();
  });

  it.each(Object.entries(CONFIG_LIMITS))('refuses %s past its limit (%i), naming the field and the value', (field, max) => {
    expect(refusal({ ...LLAMA_70B, [field]: max })).toBeNull();
    expect(refusal({ ...LLAMA_70B, [field]: max + 1 })).toMatchObject({
      name: 'ModelConfigError',
      field,
      message: `config.json: ${field} is ${max + 1}; a model this app can run has at most ${max}.`,
    });
  });

  it('says it the way the finding put it for a billion layers', () => {
    expect(refusal({ ...LLAMA_70B, num_hidden_layers: 1e9 })?.message).toBe(
      'config.json: num_hidden_layers is 1000000000; a model this app can run has at most 512.',
    );
  });

  it.each([
    ['a negative number', -2, '-2'],
    ['zero', 0, '0'],
    ['a fraction', 1.5, '1.5'],
    ['an overflow to Infinity', JSON.parse('1e400') as number, 'Infinity'],
    ['a string (which JavaScript would still count up to)', '1e9', '"1e9"'],
    ['a boolean', true, 'true'],
    ['an object', { n: 2 }, '{"n":2}'],
  ])('refuses %s', (_, value, shown) => {
    for (const field of [...Object.keys(CONFIG_LIMITS), 'max_position_embeddings']) {
      expect(refusal({ ...LLAMA_70B, [field]: value }), field).toMatchObject({
        name: 'ModelConfigError',
        field,
        message: expect.stringMatching(new RegExp(`^config\\.json: ${field} is ${shown.replace(/[.{}"]/g, '\\$&')}; it must be a whole number from 1 to \\d+\\.$`)),
      });
    }
  });

  it('cuts a long hostile value short in the message', () => {
    const error = refusal({ ...LLAMA_70B, hidden_size: 'x'.repeat(100_000) });
    expect(error?.field).toBe('hidden_size');
    expect(error!.message.length).toBeLessThan(120);
  });

  it.each(Object.keys(CONFIG_LIMITS))('checks text_config.%s of a multimodal config', (field) => {
    const config = { ...QWEN3_5, text_config: { ...QWEN3_5.text_config, [field]: 1e9 } };
    expect(refusal(config)).toMatchObject({ name: 'ModelConfigError', field: `text_config.${field}` });
    expect(refusal(config)!.message).toMatch(new RegExp(`^config\\.json: text_config\\.${field} is 1000000000; a model this app can run has at most \\d+\\.$`));
  });

  it('refuses a layer_types list longer than any model has layers, at either level', () => {
    const layers = Array.from({ length: 513 }, () => 'full_attention');
    expect(refusal({ ...LLAMA_70B, layer_types: layers })).toMatchObject({
      field: 'layer_types',
      message: 'config.json: layer_types has 513 entries; a model this app can run has at most 512.',
    });
    expect(refusal({ ...QWEN3_5, text_config: { ...QWEN3_5.text_config, layer_types: layers } })).toMatchObject({ field: 'text_config.layer_types' });
  });

  it('accepts any context length that is a whole number; past the limit it is clamped, not refused', () => {
    const huge = { ...LLAMA_70B, max_position_embeddings: 1e15 };
    expect(refusal(huge)).toBeNull();
    expect(contextLengthFromConfig(huge)).toBe(MAX_CONTEXT_LENGTH);
    expect(MAX_CONTEXT_LENGTH).toBeGreaterThan(10_485_760); // Llama 4 Scout's claim
  });
});

describe('contextLengthFromConfig', () => {
  it('reads the top level first, then text_config, and is null when neither says', () => {
    expect(contextLengthFromConfig(LLAMA_70B)).toBe(131072);
    expect(contextLengthFromConfig(QWEN3_5)).toBe(262144);
    expect(contextLengthFromConfig({ model_type: 'qwen3' })).toBeNull();
  });
});
