// @vitest-environment node
/**
 * The tiny Qwen3.5 repos (test/fixtures/tiny-qwen35.ts) hold a real hybrid Qwen3.5 in the
 * onnx-community -ONNX-OPT layout: the decoder computes what Qwen3.5's formulas compute, carries
 * its conv, recurrent and KV state across steps, loads through transformers.js 4.3.1's real
 * Qwen3.5 classes, and the scripted vision repo answers from the picture's pixels. The q4
 * embed_tokens, like the real one, needs an operator the browser's WASM build lacks.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  AutoModelForCausalLM,
  AutoProcessor,
  AutoTokenizer,
  type PreTrainedTokenizer,
  Qwen3_5ForConditionalGeneration,
  RawImage,
  env,
} from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINTABLE_ASCII_IDS } from '../fixtures/fixture-tokenizer';
import { integerMatmulWeights } from '../fixtures/matmul-integer-weights';
import { STAMP_FILE, type FixtureDtype } from '../fixtures/model-repos';
import { onnx } from '../fixtures/onnx-graph-builder';
import {
  NO_PICTURE_ANSWER,
  QWEN35_FIXTURE_REPOS,
  QWEN35_SESSIONS,
  type Qwen35RepoSpec,
  type Qwen35Session,
  TINY_QWEN35,
  TINY_QWEN35_VISION,
  buildQwen35Weights,
  colourAnswer,
  ensureQwen35Models,
  qwen35SessionFile,
  resolveQwen35,
} from '../fixtures/tiny-qwen35';
import { convDim } from '../fixtures/tiny-qwen35-weights';
import { MATMUL_INTEGER_MAX_WEIGHT_CODE } from '../../src/lib/hardware/probe/matmul-integer-codes';
import { qwen35ReferenceLogits } from './support/qwen35-reference';
import { type ChatMessage as Message, chatText, greedyAnswer, sessionDtypes, solidImage as solidImageOf } from './support/vision-fixture-runs';

const solidImage = (rgb: [number, number, number], size = 64) => solidImageOf(rgb, size);

const DTYPES: FixtureDtype[] = ['fp32', 'q8', 'q4'];
let root = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qwen35-fixture-'));
  await ensureQwen35Models(root);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + path.sep;
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const fileOf = (spec: Qwen35RepoSpec, session: Qwen35Session, dtype: FixtureDtype) => path.join(root, spec.id, qwen35SessionFile(session, dtype));
const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(spec: Qwen35RepoSpec, name: Qwen35Session, dtype: FixtureDtype): Promise<ort.InferenceSession> {
  const key = `${spec.id}:${name}:${dtype}`;
  if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(fileOf(spec, name, dtype)));
  return sessions.get(key)!;
}
const opsIn = async (file: string) => new Set((onnx.ModelProto.decode(await readFile(file)).graph!.node ?? []).map((n) => n.opType!));

const fx = resolveQwen35(TINY_QWEN35);
const arch = fx.arch;
const i64 = (vals: (number | bigint)[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(vals.map(BigInt)), dims);
/** "\nHello, picture!" as byte tokens. */
const PROMPT = Array.from('\nHello, picture!', (c) => c.charCodeAt(0));

type Feeds = Record<string, ort.Tensor>;

async function embed(spec: Qwen35RepoSpec, ids: number[], dtype: FixtureDtype = 'fp32'): Promise<ort.Tensor> {
  return (await (await session(spec, 'embed_tokens', dtype)).run({ input_ids: i64(ids, [1, ids.length]) })).inputs_embeds!;
}

/** Empty caches shaped as transformers.js builds them for the first step. */
function emptyCaches(): Feeds {
  const feeds: Feeds = {};
  arch.layerTypes.forEach((t, i) => {
    if (t === 'linear_attention') {
      feeds[`past_conv.${i}`] = new ort.Tensor('float32', new Float32Array(convDim(arch) * (arch.convKernel - 1)), [1, convDim(arch), arch.convKernel - 1]);
      const n = arch.linearNumValueHeads * arch.linearKeyHeadDim * arch.linearValueHeadDim;
      feeds[`past_recurrent.${i}`] = new ort.Tensor('float32', new Float32Array(n), [1, arch.linearNumValueHeads, arch.linearKeyHeadDim, arch.linearValueHeadDim]);
    } else {
      for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, arch.numKvHeads, 0, arch.headDim]);
    }
  });
  return feeds;
}

/** The decoder's present_* outputs renamed to the past_* inputs of the next step. */
function carried(out: ort.InferenceSession.OnnxValueMapType): Feeds {
  const past: Feeds = {};
  for (const [name, t] of Object.entries(out)) {
    if (name.startsWith('present_conv') || name.startsWith('present_recurrent')) past[name.replace('present_', 'past_')] = t as ort.Tensor;
    else if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = t as ort.Tensor;
  }
  return past;
}

/** One decoder run: `embeds` [1, S, H] at `positions` ([t, h, w] per token) after `pastLen` cached tokens. */
async function decode(
  dec: ort.InferenceSession,
  embeds: ort.Tensor,
  positions: number[][],
  opts: { past?: Feeds; pastLen?: number; keep?: number } = {},
): Promise<{ logits: Float32Array[]; out: ort.InferenceSession.OnnxValueMapType }> {
  const S = positions.length;
  const T = (opts.pastLen ?? 0) + S;
  const out = await dec.run({
    inputs_embeds: embeds,
    attention_mask: i64(new Array(T).fill(1), [1, T]),
    position_ids: i64([0, 1, 2].flatMap((axis) => positions.map((p) => p[axis]!)), [3, 1, S]),
    num_logits_to_keep: i64([opts.keep ?? 0], []),
    ...emptyCaches(),
    ...opts.past,
  });
  const [, N, V] = out.logits!.dims as number[];
  const data = out.logits!.data as Float32Array;
  return { logits: Array.from({ length: N! }, (_, i) => data.slice(i * V!, (i + 1) * V!)), out };
}

const textPositions = (from: number, n: number) => Array.from({ length: n }, (_, i) => [from + i, from + i, from + i]);
const rowsOf = (t: ort.Tensor) => {
  const [, S, H] = t.dims as number[];
  return Array.from({ length: S! }, (_, i) => (t.data as Float32Array).slice(i * H!, (i + 1) * H!));
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

// ---------------------------------------------------------------------------------------------

describe('repo layout', () => {
  it('holds the onnx-community Qwen3.5-ONNX-OPT files: three sessions per dtype, configs, tokenizer, chat template', async () => {
    for (const spec of QWEN35_FIXTURE_REPOS) {
      const top = (await readdir(path.join(root, spec.id))).filter((f) => f !== STAMP_FILE).sort();
      expect(top).toEqual(['chat_template.jinja', 'config.json', 'generation_config.json', 'onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
      const onnxFiles = (await readdir(path.join(root, spec.id, 'onnx'))).sort();
      expect(onnxFiles).toEqual(QWEN35_SESSIONS.flatMap((s) => DTYPES.map((d) => path.basename(qwen35SessionFile(s, d)))).sort());
      expect(onnxFiles).toContain('embed_tokens_q4.onnx');
      expect(onnxFiles).toContain('decoder_model_merged_quantized.onnx');
    }
  });

  it('has the config keys transformers.js reads: qwen3_5 with text_config layer types and the vision token ids', async () => {
    const config = JSON.parse(await readFile(path.join(root, TINY_QWEN35.id, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('qwen3_5');
    expect(config.architectures).toEqual(['Qwen3_5ForConditionalGeneration']);
    expect(config.text_config.model_type).toBe('qwen3_5_text');
    expect(config.text_config.layer_types).toEqual(['linear_attention', 'linear_attention', 'linear_attention', 'full_attention']);
    expect(config.vision_config.spatial_merge_size).toBe(2);
    expect(config.image_token_id).toBe(fx.tokenIds['<|image_pad|>']);
    expect(config.vision_start_token_id).toBe(fx.tokenIds['<|vision_start|>']);
    const pre = JSON.parse(await readFile(path.join(root, TINY_QWEN35.id, 'preprocessor_config.json'), 'utf8'));
    expect(pre).toMatchObject({ processor_class: 'Qwen3VLProcessor', image_processor_type: 'Qwen2VLImageProcessorFast', patch_size: 16, temporal_patch_size: 2, merge_size: 2 });
    const jinja = await readFile(path.join(root, TINY_QWEN35.id, 'chat_template.jinja'), 'utf8');
    const tc = JSON.parse(await readFile(path.join(root, TINY_QWEN35.id, 'tokenizer_config.json'), 'utf8'));
    expect(tc.chat_template).toBe(jinja);
  });

  it('declares the decoder inputs transformers.js feeds, with every cache dim but batch and KV length a number', async () => {
    const dec = await session(TINY_QWEN35, 'decoder_model_merged', 'q4');
    const inputs = Object.fromEntries(dec.inputMetadata.map((m) => [m.name, m.isTensor ? m.shape : []]));
    expect(Object.keys(inputs)).toEqual([
      'inputs_embeds', 'attention_mask', 'position_ids',
      'past_conv.0', 'past_recurrent.0', 'past_conv.1', 'past_recurrent.1', 'past_conv.2', 'past_recurrent.2',
      'past_key_values.3.key', 'past_key_values.3.value', 'num_logits_to_keep',
    ]);
    expect(inputs['position_ids']).toEqual([3, 'batch_size', 'sequence_length']);
    expect(inputs['past_conv.0']).toEqual(['batch_size', 96, 3]);
    expect(inputs['past_recurrent.0']).toEqual(['batch_size', 2, 16, 16]);
    expect(inputs['past_key_values.3.key']).toEqual(['batch_size', 2, 'past_sequence_length', 128]);
    expect(dec.outputNames).toEqual(expect.arrayContaining(['logits', 'present_conv.2', 'present_recurrent.2', 'present.3.key', 'present.3.value']));
    const vision = await session(TINY_QWEN35, 'vision_encoder', 'fp32');
    expect(vision.inputNames).toEqual(['pixel_values', 'image_grid_thw']);
    expect(vision.outputNames).toEqual(['image_features']);
  });
});

describe('operators', () => {
  it('embed_tokens_q4 gathers with com.microsoft GatherBlockQuantized, as the real export; the other embed files do not', async () => {
    for (const spec of QWEN35_FIXTURE_REPOS) {
      expect(await opsIn(fileOf(spec, 'embed_tokens', 'q4'))).toContain('GatherBlockQuantized');
      for (const dtype of ['fp32', 'q8'] as const) expect(await opsIn(fileOf(spec, 'embed_tokens', dtype))).not.toContain('GatherBlockQuantized');
      // Nothing else in the repo needs it.
      for (const name of ['vision_encoder', 'decoder_model_merged'] as const) {
        for (const dtype of DTYPES) expect(await opsIn(fileOf(spec, name, dtype))).not.toContain('GatherBlockQuantized');
      }
    }
  });

  it('every decoder uses the fused linear-attention ops with Qwen3.5 attributes, and a gated softmax layer', async () => {
    for (const dtype of DTYPES) {
      const graph = onnx.ModelProto.decode(await readFile(fileOf(TINY_QWEN35, 'decoder_model_merged', dtype))).graph!;
      const nodes = graph.node ?? [];
      const attrOf = (n: (typeof nodes)[number], name: string) => n.attribute?.find((a) => a.name === name);
      const convs = nodes.filter((n) => n.opType === 'CausalConvWithState');
      const linear = nodes.filter((n) => n.opType === 'LinearAttention');
      expect(convs).toHaveLength(3);
      expect(linear).toHaveLength(3);
      for (const n of [...convs, ...linear]) expect(n.domain).toBe('com.microsoft');
      for (const n of convs) expect(new TextDecoder().decode(attrOf(n, 'activation')!.s!)).toBe('silu');
      for (const n of linear) expect(new TextDecoder().decode(attrOf(n, 'update_rule')!.s!)).toBe('gated_delta');
      expect(nodes.filter((n) => n.opType === 'Softmax')).toHaveLength(1);
      // The full layer's q projection is twice the heads' width: the second half gates the output.
      const qProj = (graph.initializer ?? []).find((t) => t.name!.startsWith('model.layers.3.self_attn.q_proj.weight'))!;
      const width = dtype === 'q4' ? Number(qProj.dims![0]) : Number(qProj.dims![1]);
      expect(width).toBe(2 * arch.numHeads * arch.headDim);
      const ops = new Set(nodes.map((n) => n.opType));
      if (dtype === 'q8') expect(ops).toContain('MatMulInteger');
      if (dtype === 'q4') expect(ops).toContain('MatMulNBits');
    }
  });

  it('q8 files hold 7-bit MatMulInteger weight codes, which no CPU integer kernel saturates on', async () => {
    for (const spec of QWEN35_FIXTURE_REPOS) {
      for (const name of ['vision_encoder', 'decoder_model_merged'] as const) {
        const { matmuls, maxAbsCode } = integerMatmulWeights(await readFile(fileOf(spec, name, 'q8')));
        expect(matmuls).toBeGreaterThan(0);
        expect(maxAbsCode).toBeLessThanOrEqual(MATMUL_INTEGER_MAX_WEIGHT_CODE);
      }
    }
  });
});

describe('decoder (onnxruntime-node)', () => {
  it('computes Qwen3.5: its fp32 logits match a plain-loop forward of the Hugging Face formulas', async () => {
    const { text } = buildQwen35Weights(fx);
    // Non-text positions too (an image block's h/w grid), so every M-RoPE axis is exercised.
    const positions = PROMPT.map((_, t) => (t >= 4 && t < 8 ? [4, 4 + ((t - 4) >> 1), 4 + ((t - 4) & 1)] : [t, t, t]));
    const embeds = await embed(TINY_QWEN35, PROMPT);
    const { logits } = await decode(await session(TINY_QWEN35, 'decoder_model_merged', 'fp32'), embeds, positions);
    const reference = qwen35ReferenceLogits(arch, text, rowsOf(embeds), positions);
    const allowed = PRINTABLE_ASCII_IDS;
    for (let t = 0; t < PROMPT.length; t++) {
      // float32 graph vs float64 loops: ~1e-5 apart on logits of size ~5
      expect(maxAbsDiff(allowed.map((v) => logits[t]![v]!), allowed.map((v) => reference[t]![v]!)), `position ${t}`).toBeLessThan(1e-3);
    }
  });

  it.each(DTYPES)('%s: prefill, then two steps fed the returned conv, recurrent and KV state, equal one pass over the whole text', async (dtype) => {
    const dec = await session(TINY_QWEN35, 'decoder_model_merged', dtype);
    const ids = [...PROMPT, 0x41, 0x42];
    const S = PROMPT.length;
    const all = await decode(dec, await embed(TINY_QWEN35, ids), textPositions(0, ids.length));
    const first = await decode(dec, await embed(TINY_QWEN35, PROMPT), textPositions(0, S));
    const second = await decode(dec, await embed(TINY_QWEN35, [ids[S]!]), textPositions(S, 1), { past: carried(first.out), pastLen: S });
    const third = await decode(dec, await embed(TINY_QWEN35, [ids[S + 1]!]), textPositions(S + 1, 1), { past: carried(second.out), pastLen: S + 1 });
    expect(second.out['present.3.key']!.dims).toEqual([1, arch.numKvHeads, S + 1, arch.headDim]);
    expect(second.out['present_conv.0']!.dims).toEqual([1, convDim(arch), arch.convKernel - 1]);
    // Same arithmetic up to summation order (and, in q8, an activation on a rounding tie).
    expect(maxAbsDiff(first.logits[S - 1]!, all.logits[S - 1]!)).toBeLessThan(1e-3);
    expect(maxAbsDiff(second.logits[0]!, all.logits[S]!)).toBeLessThan(1e-3);
    expect(maxAbsDiff(third.logits[0]!, all.logits[S + 1]!)).toBeLessThan(1e-3);
  });

  it('a decode step reads each cache: conv state, recurrent state and the full layer\'s keys and values all change its logits', async () => {
    const dec = await session(TINY_QWEN35, 'decoder_model_merged', 'fp32');
    const S = PROMPT.length;
    const other = PROMPT.map((t, i) => (i === 2 ? 0x5a : t)); // one early token differs
    const pastOf = async (ids: number[]) => carried((await decode(dec, await embed(TINY_QWEN35, ids), textPositions(0, S))).out);
    const [mine, theirs] = [await pastOf(PROMPT), await pastOf(other)];
    const next = await embed(TINY_QWEN35, [0x41]);
    const step = async (past: Feeds) => (await decode(dec, next, textPositions(S, 1), { past, pastLen: S })).logits[0]!;
    const reference = await step(mine);
    const swap = (prefix: string) => ({ ...mine, ...Object.fromEntries(Object.entries(theirs).filter(([k]) => k.startsWith(prefix))) });
    for (const prefix of ['past_conv.', 'past_recurrent.', 'past_key_values.']) {
      expect(maxAbsDiff(await step(swap(prefix)), reference), prefix).toBeGreaterThan(1e-3);
    }
    expect(maxAbsDiff(await step(swap('nothing')), reference)).toBe(0);
  });

  it('rotates by all three M-RoPE axes of position_ids [3, B, S], and only relative positions count', async () => {
    const dec = await session(TINY_QWEN35, 'decoder_model_merged', 'fp32');
    const embeds = await embed(TINY_QWEN35, PROMPT);
    const base = textPositions(0, PROMPT.length);
    const last = async (positions: number[][]) => (await decode(dec, embeds, positions)).logits.at(-1)!;
    const reference = await last(base);
    for (const axis of [0, 1, 2]) {
      // Move the first half of the text along one axis only.
      const moved = base.map((p, t) => (t < 8 ? p.map((v, i) => (i === axis ? v + 3 : v)) : p));
      expect(maxAbsDiff(await last(moved), reference), `axis ${axis}`).toBeGreaterThan(1e-3);
    }
    const shifted = base.map((p) => p.map((v) => v + 7));
    expect(maxAbsDiff(await last(shifted), reference)).toBeLessThan(1e-4);
  });
});

describe("onnxruntime-web's WASM build inside transformers.js' browser bundle (onnxruntime-web/webgpu), run in node", () => {
  it('creates every session but embed_tokens_q4, whose GatherBlockQuantized it lacks, and runs them with node\'s numbers', async () => {
    const web = await import('onnxruntime-web/webgpu');
    web.env.wasm.numThreads = 1;
    for (const name of QWEN35_SESSIONS) {
      for (const dtype of DTYPES) {
        const bytes = await readFile(fileOf(TINY_QWEN35, name, dtype));
        const create = web.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
        if (name === 'embed_tokens' && dtype === 'q4') {
          await expect(create).rejects.toThrow(/GatherBlockQuantized/);
          continue;
        }
        const s = await create;
        if (name === 'decoder_model_merged') {
          const embeds = await embed(TINY_QWEN35, PROMPT);
          const nodeRun = await decode(await session(TINY_QWEN35, name, dtype), embeds, textPositions(0, PROMPT.length), { keep: 1 });
          const feeds = Object.fromEntries(
            Object.entries({
              inputs_embeds: embeds,
              attention_mask: i64(new Array(PROMPT.length).fill(1), [1, PROMPT.length]),
              position_ids: i64([0, 1, 2].flatMap(() => PROMPT.map((_, t) => t)), [3, 1, PROMPT.length]),
              num_logits_to_keep: i64([1], []),
              ...emptyCaches(),
            }).map(([k, t]) => [k, new web.Tensor(t.type as 'float32', t.data as Float32Array, t.dims)]),
          );
          const logits = (await s.run(feeds)).logits!.data as Float32Array;
          expect(maxAbsDiff(logits, nodeRun.logits[0]!), dtype).toBeLessThan(1e-3);
        }
        await s.release();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('transformers.js 4.3.1 (node)', () => {
  const printable = /^[\x20-\x7e\n]+$/;

  it.each(DTYPES)('AutoModelForCausalLM, q8 embed_tokens + %s decoder: loads the two text sessions and greedily writes 20 printable tokens, the same each time', async (dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN35.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_QWEN35.id, { dtype: { embed_tokens: 'q8', decoder_model_merged: dtype } as never });
    try {
      expect(Object.keys((model as unknown as { sessions: object }).sessions).sort()).toEqual(['decoder_model_merged', 'embed_tokens']);
      const inputs = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'Tell me a story.' }]), { add_special_tokens: false });
      const run = async () => {
        const out = (await model.generate({ ...inputs, max_new_tokens: 20, do_sample: false })) as unknown as { data: BigInt64Array };
        return Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      };
      const tokens = await run();
      expect(tokens).toHaveLength(20);
      const answer = tokenizer.decode(tokens, { skip_special_tokens: false });
      expect(answer).toMatch(printable);
      expect(new Set(answer).size).toBeGreaterThanOrEqual(5);
      expect(await run()).toEqual(tokens);
    } finally {
      await model.dispose();
    }
  });

  it('generate carries the hybrid cache across steps: its tokens are those of a step-by-step run of the sessions', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN35.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_QWEN35.id, { dtype: 'fp32' });
    try {
      const inputs = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'Hi' }]), { add_special_tokens: false });
      const prompt = Array.from(inputs.input_ids.data as BigInt64Array, Number);
      const S = prompt.length;
      const n = 8;
      const result = (await model.generate({ ...inputs, max_new_tokens: n, do_sample: false, return_dict_in_generate: true } as never)) as unknown as {
        sequences: { data: BigInt64Array };
        past_key_values: Record<string, { dims: number[] }>;
      };
      const generated = Array.from(result.sequences.data).slice(S).map(Number);
      const cache = result.past_key_values;
      expect(Object.keys(cache).sort()).toEqual(
        ['past_conv.0', 'past_conv.1', 'past_conv.2', 'past_key_values.3.key', 'past_key_values.3.value', 'past_recurrent.0', 'past_recurrent.1', 'past_recurrent.2'],
      );
      expect(cache['past_key_values.3.key']!.dims).toEqual([1, arch.numKvHeads, S + n - 1, arch.headDim]);

      // The same greedy loop over the ONNX sessions, each step fed the previous step's state, at the
      // positions transformers.js feeds (see the next test).
      const dec = await session(TINY_QWEN35, 'decoder_model_merged', 'fp32');
      let step = await decode(dec, await embed(TINY_QWEN35, prompt), textPositions(0, S), { keep: 1 });
      const mine: number[] = [argmax(step.logits[0]!)];
      while (mine.length < n) {
        const past = S + mine.length - 1;
        step = await decode(dec, await embed(TINY_QWEN35, [mine.at(-1)!]), textPositions(past + 2 * S, 1), { past: carried(step.out), pastLen: past, keep: 1 });
        mine.push(argmax(step.logits[0]!));
      }
      expect(generated).toEqual(mine);
    } finally {
      await model.dispose();
    }
  });

  // transformers.js 4.3.1 computes the text-only M-RoPE delta as max position + 1 + prompt length
  // (Hugging Face: − prompt length), so text-only decode steps sit 2 × prompt length past where a
  // fresh prefill of the same text would put them. Recorded here because cached and fresh runs of
  // a Qwen3.5 text chat therefore differ slightly; a transformers.js that fixes it fails this test.
  it('transformers.js feeds text-only decode steps at past length + 2 × prompt length; with a picture, right after the prompt', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_QWEN35.id);
    const model = await Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35.id, { dtype: 'fp32' });
    try {
      const dec = (model as unknown as { sessions: Record<string, { run: (f: Feeds) => Promise<unknown> }> }).sessions['decoder_model_merged']!;
      const seen: number[][] = [];
      const run = dec.run.bind(dec);
      dec.run = (feeds: Feeds) => {
        seen.push(Array.from(feeds['position_ids']!.data as BigInt64Array, Number));
        return run(feeds);
      };
      const tokenizer = processor.tokenizer!;
      const textOnly = await processor(chatText(tokenizer, [{ role: 'user', content: 'Hi' }]));
      const S = textOnly.input_ids.dims[1];
      await model.generate({ ...textOnly, max_new_tokens: 3, do_sample: false });
      expect(seen.slice(1)).toEqual([[S + 2 * S, S + 2 * S, S + 2 * S], [S + 1 + 2 * S, S + 1 + 2 * S, S + 1 + 2 * S]]);

      seen.length = 0;
      const withPicture = await processor(chatText(tokenizer, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Hi' }] }]), solidImage([255, 0, 0]));
      await model.generate({ ...withPicture, max_new_tokens: 2, do_sample: false });
      const lastPrompt = Math.max(...seen[0]!);
      expect(seen[1]).toEqual([lastPrompt + 1, lastPrompt + 1, lastPrompt + 1]);
    } finally {
      await model.dispose();
    }
  });

  it('the processor makes 256 patches of 1536 values, grid [1, 16, 16] and 64 <|image_pad|> tokens from a 64×64 picture', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_QWEN35_VISION.id);
    const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour?' }] }]);
    const inputs = await processor(text, solidImage([255, 0, 0]));
    expect(inputs.pixel_values.dims).toEqual([256, 1536]);
    expect(Array.from(inputs.image_grid_thw.data as BigInt64Array, Number)).toEqual([1, 16, 16]);
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    expect(ids.filter((id) => id === fx.tokenIds['<|image_pad|>']).length).toBe(64);
  });

  it.each([
    ['red', [255, 0, 0]],
    ['green', [0, 200, 0]],
    ['blue', [20, 30, 240]],
  ] as const)('tiny-qwen35-vision answers "%s" for a %s picture, in every weight format', async (colour, rgb) => {
    const processor = await AutoProcessor.from_pretrained(TINY_QWEN35_VISION.id);
    const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which colour is this picture?' }] }]);
    const inputs = await processor(text, solidImage([...rgb]));
    for (const dtype of DTYPES) {
      const load = () => Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35_VISION.id, { dtype: sessionDtypes(dtype) });
      expect(await greedyAnswer(load, processor.tokenizer!, inputs), dtype).toBe(`${colourAnswer(colour)}<|im_end|>`);
    }
  });

  it('tiny-qwen35-vision names the colour that covers most of a two-colour picture', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_QWEN35_VISION.id);
    const model = await Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35_VISION.id, { dtype: 'q8' });
    try {
      const size = 64;
      const data = new Uint8ClampedArray(size * size * 3);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(y < 48 ? [30, 60, 230] : [240, 240, 240], (y * size + x) * 3);
      const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'text', text: 'Look: ' }, { type: 'image' }] }]);
      const inputs = await processor(text, new RawImage(data, size, size, 3));
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      const answer = processor.tokenizer!.decode(Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number), { skip_special_tokens: true });
      expect(answer).toBe(colourAnswer('blue'));
    } finally {
      await model.dispose();
    }
  });

  it.each(DTYPES)('tiny-qwen35-vision without a picture says "I see no picture." (AutoModelForCausalLM, %s embed_tokens and decoder)', async (dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN35_VISION.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_QWEN35_VISION.id, { dtype });
    try {
      const inputs = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'Which colour is the picture?' }]), { add_special_tokens: false });
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      expect(tokenizer.decode(fresh, { skip_special_tokens: false })).toBe(`${NO_PICTURE_ANSWER}<|im_end|>`);
    } finally {
      await model.dispose();
    }
  });

  it('the random tiny-qwen35 also reads pictures: a red and a blue one get different answers', async () => {
    const processor = await AutoProcessor.from_pretrained(TINY_QWEN35.id);
    const model = await Qwen3_5ForConditionalGeneration.from_pretrained(TINY_QWEN35.id, { dtype: 'q8' });
    try {
      const text = chatText(processor.tokenizer!, [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe it.' }] }]);
      const answer = async (rgb: [number, number, number]) => {
        const inputs = await processor(text, solidImage(rgb));
        const out = (await model.generate({ ...inputs, max_new_tokens: 12, do_sample: false })) as unknown as { data: BigInt64Array };
        return processor.tokenizer!.decode(Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number));
      };
      const [red, blue] = [await answer([255, 0, 0]), await answer([0, 0, 255])];
      expect(red).toMatch(printable);
      expect(red).not.toBe(blue);
    } finally {
      await model.dispose();
    }
  });
});

describe('chat template (Qwen3.5 small models) through transformers.js', () => {
  let tokenizer: PreTrainedTokenizer;
  beforeAll(async () => {
    tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN35.id);
  });

  it('closes an empty think block unless enable_thinking is true', () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(chatText(tokenizer, messages)).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
    expect(chatText(tokenizer, messages, { enable_thinking: false })).toMatch(/<think>\n\n<\/think>\n\n$/);
    expect(chatText(tokenizer, messages, { enable_thinking: true })).toMatch(/assistant\n<think>\n$/);
  });

  it('renders an image part as <|vision_start|><|image_pad|><|vision_end|> where it stands', () => {
    const text = chatText(tokenizer, [{ role: 'user', content: [{ type: 'text', text: 'Look: ' }, { type: 'image' }, { type: 'text', text: ' What is it?' }] }]);
    expect(text).toContain('<|im_start|>user\nLook: <|vision_start|><|image_pad|><|vision_end|> What is it?<|im_end|>');
  });

  it('offers tools and replays a call in Qwen3.5\'s XML format, and returns the result as a tool_response', () => {
    const tools = [{ type: 'function', function: { name: 'get_order_status', description: 'Order status', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } }];
    const text = chatText(
      tokenizer,
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is A-1042?' },
        { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'get_order_status', arguments: { order_id: 'A-1042' } } }] },
        { role: 'tool', content: '{"status": "shipped"}' },
      ],
      { tools },
    );
    expect(text).toContain('# Tools\n\nYou have access to the following functions:\n\n<tools>\n{"type": "function", "function": {"name": "get_order_status"');
    expect(text).toContain('</IMPORTANT>\n\nBe brief.<|im_end|>');
    expect(text).toContain(
      '<|im_start|>assistant\n<think>\n\n</think>\n\n<tool_call>\n<function=get_order_status>\n<parameter=order_id>\nA-1042\n</parameter>\n</function>\n</tool_call><|im_end|>\n',
    );
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"status": "shipped"}\n</tool_response><|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
  });

  it('the scripted answers round-trip through the tokenizer', async () => {
    const tok = await AutoTokenizer.from_pretrained(TINY_QWEN35_VISION.id);
    for (const answer of [colourAnswer('green'), NO_PICTURE_ANSWER]) {
      const ids = tok.encode(answer, { add_special_tokens: false });
      expect(tok.decode(ids)).toBe(answer);
      expect(ids.length).toBeLessThanOrEqual(2);
    }
  });
});
