// @vitest-environment node
/**
 * The scripted Qwen3.5 tool caller (fixtures/tiny-qwen35-tool): through transformers.js' real
 * Qwen3.5 text path, whatever the prompt, in every dtype, it answers with one call in Qwen3.5's
 * XML format, which the scorecard reads as get_order_status({order_id: "A-1042"}).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureDtype } from '../fixtures/model-repos';
import { QWEN35_TOOL_CALL_TOKENS, TINY_QWEN35_TOOL, ensureQwen35Models } from '../fixtures/tiny-qwen35';
import { readToolCalls } from '../../src/lib/scorecard/tool-calls';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';

let root = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qwen35-tool-fixture-'));
  await ensureQwen35Models(root, [TINY_QWEN35_TOOL]);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + path.sep;
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const CALL = QWEN35_TOOL_CALL_TOKENS.join('');
const lookup = BUILTIN_SUITE.tasks.find((task) => task.id === 'tool-order-status')!;

describe('tiny-qwen35-tool', () => {
  it('its answer is one XML call to get_order_status for A-1042', () => {
    expect(CALL).toBe('<tool_call>\n<function=get_order_status>\n<parameter=order_id>\nA-1042\n</parameter>\n</function>\n</tool_call>');
    expect(readToolCalls(CALL, lookup.tools)).toEqual({ ok: true, calls: [{ name: 'get_order_status', arguments: { order_id: 'A-1042' } }], text: '' });
  });

  it.each(['fp32', 'q8', 'q4'] as FixtureDtype[])('answers with the call and then ends, with tools offered or not (%s decoder)', async (dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN35_TOOL.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_QWEN35_TOOL.id, { dtype: { embed_tokens: 'q8', decoder_model_merged: dtype } as never });
    try {
      const prompts = [
        { messages: [{ role: 'system', content: lookup.system }, { role: 'user', content: lookup.prompt }], tools: lookup.tools },
        { messages: [{ role: 'user', content: 'Hello there.' }], tools: undefined },
      ];
      for (const { messages, tools } of prompts) {
        const text = tokenizer.apply_chat_template(messages as never, { add_generation_prompt: true, tokenize: false, tools } as never) as unknown as string;
        if (tools) expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_order_status"');
        const inputs = tokenizer(text, { add_special_tokens: false });
        const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
        const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
        expect(tokenizer.decode(fresh, { skip_special_tokens: false })).toBe(`${CALL}<|im_end|>`);
      }
    } finally {
      await model.dispose();
    }
  });
});
