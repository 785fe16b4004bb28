// @vitest-environment node
// A text-only Qwen3.5 answer: with the correction, each decode step sits right after the prompt,
// where Hugging Face's reference and a fresh prefill of the same text put it. Runs the real
// transformers.js 4.3.1 classes on the generated tiny Qwen3.5 and reads the positions it feeds.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_QWEN35, ensureQwen35Models } from '../fixtures/tiny-qwen35';
import { correctTextOnlyRopeDeltas, dropEmptyPictureInputs } from '../../src/lib/engines/transformers/qwen-vl-workarounds';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qwen35-positions-'));
  await ensureQwen35Models(root, [TINY_QWEN35]);
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = root + path.sep;
}, 120_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

type Feeds = Record<string, { data: unknown }>;

async function generateWatchingPositions(ids: number[], newTokens: number) {
  const model = await tf.Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35.id, { dtype: 'fp32' });
  try {
    expect(correctTextOnlyRopeDeltas(tf, model)).toBe(true);
    const dec = (model as unknown as { sessions: Record<string, { run: (f: Feeds) => Promise<unknown> }> }).sessions['decoder_model_merged']!;
    const seen: number[][] = [];
    const run = dec.run.bind(dec);
    dec.run = (feeds: Feeds) => {
      seen.push(Array.from(feeds['position_ids']!.data as BigInt64Array, Number));
      return run(feeds);
    };
    const input_ids = new tf.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
    const attention_mask = new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const output = (await model.generate({ input_ids, attention_mask, max_new_tokens: newTokens, do_sample: false } as never)) as unknown as { data: BigInt64Array };
    return { seen, tokens: Array.from(output.data, Number).slice(ids.length) };
  } finally {
    await model.dispose();
  }
}

describe('correctTextOnlyRopeDeltas', () => {
  const prompt = Array.from('\nHello there, tell me more.', (c) => c.charCodeAt(0));

  it('puts each text-only decode step right after the prompt', async () => {
    const { seen } = await generateWatchingPositions(prompt, 3);
    const S = prompt.length;
    expect(seen[0]).toEqual([0, 1, 2].flatMap(() => prompt.map((_, i) => i)));
    expect(seen.slice(1)).toEqual([
      [S, S, S],
      [S + 1, S + 1, S + 1],
    ]);
  });

  it('leaves a model without M-RoPE alone', () => {
    expect(correctTextOnlyRopeDeltas(tf, { generate() {} })).toBe(false);
  });

  it('a cached prompt with more than one new token runs (no vision encoder on nothing)', async () => {
    const model = await tf.Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35.id, { dtype: 'fp32' });
    try {
      const ids = (n: number) => BigInt64Array.from(prompt.slice(0, n).map(BigInt));
      const tensor = (data: BigInt64Array) => new tf.Tensor('int64', data, [1, data.length]);
      const mask = (n: number) => tensor(new BigInt64Array(n).fill(1n));
      const head = (await model.generate({ input_ids: tensor(ids(10)), attention_mask: mask(10), max_new_tokens: 1, do_sample: false, return_dict_in_generate: true } as never)) as unknown as {
        past_key_values: unknown;
      };
      const rest = () => model.generate({ input_ids: tensor(ids(prompt.length)), attention_mask: mask(prompt.length), past_key_values: head.past_key_values, max_new_tokens: 2, do_sample: false } as never);
      await expect(rest()).rejects.toThrow(/Missing the following inputs: pixel_values/);
      dropEmptyPictureInputs(model as never);
      await expect(rest()).resolves.toBeDefined();
    } finally {
      await model.dispose();
    }
  });
});
