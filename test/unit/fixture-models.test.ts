// @vitest-environment node
/**
 * Proof that the generated fixture repos hold a real decoder transformer that transformers.js
 * 4.3.1 runs: cache-consistent, causal, padding-aware, quantized variants computing the same
 * model, matching an independent JS reference forward, and tokenizers that round-trip.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, type DynamicCache, type PreTrainedTokenizer, env } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINTABLE_ASCII_IDS } from '../fixtures/fixture-tokenizer';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import {
  DTYPE_FILES,
  FIXTURE_REPOS,
  type FixtureDtype,
  type FixtureRepoSpec,
  type ResolvedFixture,
  SCRIPTED_OUTPUT,
  SCRIPTED_TOKENS,
  STAMP_FILE,
  TINY_GLM,
  TINY_QWEN3_WEBGPU_FAILS,
  TINY_QWEN3_SUBNORMAL,
  TINY_TOOL_ROUND_TRIP,
  TOOL_ROUND_TRIP_CALL_TOKENS,
  TOOL_ROUND_TRIP_FINAL_TOKENS,
  TINY_QWEN3,
  TINY_SCRIPTED,
  TINY_TOOL_RIGHT,
  TINY_TOOL_WRONG,
  buildFixtureWeights,
  ensureFixtureModels,
  generateModelRepo,
  resolveFixture,
} from '../fixtures/model-repos';
import { type DecoderWeights, VARIANTS, buildDecoderGraph, quantizeInt8PerColumn } from '../fixtures/tiny-transformer';
import { integerMatmulWeights } from '../fixtures/matmul-integer-weights';
import { INT16_MAX, MATMUL_INTEGER_MAX_WEIGHT_CODE, worstPairSum } from '../../src/lib/hardware/probe/matmul-integer-codes';

const DTYPES: FixtureDtype[] = ['fp32', 'q8', 'q4'];
let root = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'fixture-models-'));
  await ensureFixtureModels(root);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + path.sep;
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// helpers

type Feeds = Record<string, ort.Tensor>;
const i64 = (vals: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(vals.map(BigInt)), dims);

function makeFeeds(
  fx: ResolvedFixture,
  rows: { ids: number[]; mask?: number[]; pos?: number[] }[],
  opts: { past?: Record<string, ort.Tensor>; pastLen?: number; keep?: number } = {},
): Feeds {
  const B = rows.length;
  const S = rows[0]!.ids.length;
  const pastLen = opts.pastLen ?? 0;
  const T = pastLen + S;
  const { numKvHeads: nKV, headDim: D, numLayers: L } = fx.arch;
  const feeds: Feeds = {
    input_ids: i64(rows.flatMap((r) => r.ids), [B, S]),
    attention_mask: i64(rows.flatMap((r) => r.mask ?? new Array(T).fill(1)), [B, T]),
    position_ids: i64(rows.flatMap((r) => r.pos ?? r.ids.map((_, i) => pastLen + i)), [B, S]),
    num_logits_to_keep: i64([opts.keep ?? 0], []),
  };
  for (let l = 0; l < L; l++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] =
        opts.past?.[`present.${l}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [B, nKV, 0, D]);
    }
  }
  return feeds;
}

/** logits row (batch b, position p) of a [B, N, V] tensor. */
function logitsAt(t: ort.Tensor, b: number, p: number): Float32Array {
  const [, N, V] = t.dims as number[];
  const data = t.data as Float32Array;
  const off = (b * N! + p) * V!;
  return data.slice(off, off + V!);
}
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
/** Cosine over the columns that are not masked out (random fixtures add -100 to others). */
function cosine(a: Float32Array, b: Float32Array, cols: number[]): number {
  let d = 0;
  let x = 0;
  let y = 0;
  for (const i of cols) {
    d += a[i]! * b[i]!;
    x += a[i]! ** 2;
    y += b[i]! ** 2;
  }
  return d / Math.sqrt(x * y);
}
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(spec: FixtureRepoSpec, dtype: FixtureDtype): Promise<ort.InferenceSession> {
  const key = `${spec.id}:${dtype}`;
  if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(path.join(root, spec.id, DTYPE_FILES[dtype])));
  return sessions.get(key)!;
}

type Message = { role: string; content: string };
/** apply_chat_template → text. Extra template kwargs (enable_thinking) are passed through at
 * runtime but are missing from transformers.js' option types, hence the loose object. */
function chatText(tokenizer: PreTrainedTokenizer, messages: Message[], extra: Record<string, unknown> = {}): string {
  const options: Record<string, unknown> = { add_generation_prompt: true, tokenize: false, ...extra };
  return tokenizer.apply_chat_template(messages, options) as unknown as string;
}

const PROMPT = [10, 72, 101, 108, 108, 111, 33]; // "\nHello!"

/** Independent fp32 reference forward (HF formulas, plain loops) → logits per position. */
function referenceLogits(fx: ResolvedFixture, w: DecoderWeights, ids: number[]): Float32Array[] {
  const a = fx.arch;
  const { hiddenSize: H, numHeads: nH, numKvHeads: nKV, headDim: D, intermediateSize: I, vocabSize: V } = a;
  const R = Math.round(D * a.partialRotaryFactor);
  const invFreq = Array.from({ length: R / 2 }, (_, i) => 1 / Math.pow(a.ropeTheta, (2 * i) / R));
  const matvec = (x: ArrayLike<number>, W: Float32Array, K: number, N: number, b?: Float32Array) => {
    const y = new Float64Array(N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) y[n] = y[n]! + x[k]! * W[k * N + n]!;
    if (b) for (let n = 0; n < N; n++) y[n] = y[n]! + b[n]!;
    return y;
  };
  const rms = (x: ArrayLike<number>, g: Float32Array, off = 0, n = x.length) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[off + i]! ** 2;
    const r = 1 / Math.sqrt(s / n + a.rmsNormEps);
    return Float64Array.from({ length: n }, (_, i) => x[off + i]! * r * g[i]!);
  };
  const rope = (x: Float64Array, pos: number) => {
    const out = Float64Array.from(x);
    for (let j = 0; j < R; j++) {
      let f: number;
      let rot: number;
      if (a.rotaryInterleaved) {
        f = invFreq[j >> 1]! * pos; // cos[..., :R/2].repeat_interleave(2)
        rot = j % 2 === 0 ? -x[j + 1]! : x[j - 1]!;
      } else {
        f = invFreq[j % (R / 2)]! * pos; // cat(freqs, freqs)
        rot = j < R / 2 ? -x[j + R / 2]! : x[j - R / 2]!;
      }
      out[j] = x[j]! * Math.cos(f) + rot * Math.sin(f);
    }
    return out;
  };
  const S = ids.length;
  let hs = ids.map((t) => Float64Array.from(w.embed.subarray(t * H, (t + 1) * H)));
  for (const lw of w.layers) {
    const Ks: Float64Array[][] = [];
    const Vs: Float64Array[][] = [];
    const Qs: Float64Array[][] = [];
    hs.forEach((x, t) => {
      const n = rms(x, lw.inputNorm);
      const q = matvec(n, lw.q, H, nH * D, lw.qBias);
      const k = matvec(n, lw.k, H, nKV * D, lw.kBias);
      const v = matvec(n, lw.v, H, nKV * D, lw.vBias);
      Qs.push(Array.from({ length: nH }, (_, h) => rope(lw.qNorm ? rms(q, lw.qNorm, h * D, D) : q.slice(h * D, h * D + D), t)));
      Ks.push(Array.from({ length: nKV }, (_, h) => rope(lw.kNorm ? rms(k, lw.kNorm, h * D, D) : k.slice(h * D, h * D + D), t)));
      Vs.push(Array.from({ length: nKV }, (_, h) => v.slice(h * D, h * D + D)));
    });
    hs = hs.map((x, t) => {
      const ctx = new Float64Array(nH * D);
      for (let h = 0; h < nH; h++) {
        const kvh = Math.floor(h / (nH / nKV));
        const sc = Array.from({ length: t + 1 }, (_, j) => {
          let s = 0;
          for (let d = 0; d < D; d++) s += Qs[t]![h]![d]! * Ks[j]![kvh]![d]!;
          return s / Math.sqrt(D);
        });
        const m = Math.max(...sc);
        const e = sc.map((s) => Math.exp(s - m));
        const z = e.reduce((p, c) => p + c, 0);
        for (let j = 0; j <= t; j++) {
          for (let d = 0; d < D; d++) ctx[h * D + d] = ctx[h * D + d]! + (e[j]! / z) * Vs[j]![kvh]![d]!;
        }
      }
      const o = matvec(ctx, lw.o, nH * D, H);
      const h1 = x.map((v, i) => v + o[i]!);
      const n2 = rms(h1, lw.postNorm);
      const g = matvec(n2, lw.gate, H, I);
      const u = matvec(n2, lw.up, H, I);
      const act = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]!);
      const dn = matvec(act, lw.down, I, H);
      return h1.map((v, i) => v + dn[i]!);
    });
  }
  // The subnormal lm_head's weights times 2^126 are exactly the ordinary ones (a power of two).
  const scale = w.lmHeadOutputScale ?? 1;
  const lmHead = scale === 1 ? w.lmHead : w.lmHead.map((v) => v * scale);
  return hs.map((x) => Float32Array.from(matvec(rms(x, w.finalNorm), lmHead, H, V, w.logitBias)));
}

// ---------------------------------------------------------------------------------------------

describe('generated repos', () => {
  it('have the hub layout and configs transformers.js reads', async () => {
    for (const spec of FIXTURE_REPOS) {
      const dir = path.join(root, spec.id);
      for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', ...DTYPES.map((d) => DTYPE_FILES[d])]) {
        expect((await stat(path.join(dir, f))).size, `${spec.id}/${f}`).toBeGreaterThan(0);
      }
      const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      const tc = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'));
      expect(config.max_position_embeddings).toBe(spec.dims.maxPositionEmbeddings);
      expect(config.tie_word_embeddings).toBe(false);
      expect(config.vocab_size % 8).toBe(0);
      expect(config.num_key_value_heads).toBe(2);
      expect(config.head_dim).toBe(16);
      if (spec.family === 'qwen3') {
        expect(config).toMatchObject({ model_type: 'qwen3', architectures: ['Qwen3ForCausalLM'] });
        expect(tc).toMatchObject({ tokenizer_class: 'Qwen2Tokenizer', eos_token: '<|im_end|>', bos_token: null });
      } else {
        expect(config).toMatchObject({ model_type: 'glm', architectures: ['GlmForCausalLM'], partial_rotary_factor: 0.5 });
        expect(tc).toMatchObject({ tokenizer_class: 'PreTrainedTokenizerFast', eos_token: '<|endoftext|>' });
      }
    }
  });

  it('q8 weight codes cannot saturate an int16 pair sum on a CPU without VNNI, in every file and any weights', async () => {
    for (const spec of FIXTURE_REPOS) {
      const { matmuls, maxAbsCode } = integerMatmulWeights(await readFile(path.join(root, spec.id, DTYPE_FILES.q8)));
      expect(matmuls, spec.id).toBeGreaterThan(0);
      expect(maxAbsCode, spec.id).toBeLessThanOrEqual(MATMUL_INTEGER_MAX_WEIGHT_CODE);
      expect(worstPairSum(maxAbsCode)).toBeLessThanOrEqual(INT16_MAX);
    }
    // The quantizer the benchmark models go through too, on weights with an outlier and a zero column.
    const w = Float32Array.from({ length: 64 * 3 }, (_, i) => (i % 3 === 2 ? 0 : Math.sin(i) * (i === 7 ? 1e6 : 1)));
    const { q, scales } = quantizeInt8PerColumn(w, 64, 3);
    expect(Math.max(...Array.from(q, Math.abs))).toBe(MATMUL_INTEGER_MAX_WEIGHT_CODE);
    expect(scales[2]).toBe(1);
  });

  it('are deterministic and skipped when the stamp matches', async () => {
    const stampPath = path.join(root, TINY_GLM.id, STAMP_FILE);
    const before = (await stat(stampPath)).mtimeMs;
    await ensureFixtureModels(root);
    expect((await stat(stampPath)).mtimeMs).toBe(before);

    const other = await mkdtemp(path.join(os.tmpdir(), 'fixture-models-again-'));
    try {
      const files = await generateModelRepo(other, TINY_GLM);
      expect(files.some((f) => f.endsWith('model_q4.onnx'))).toBe(true);
      for (const f of files) {
        const rel = path.relative(path.join(other, TINY_GLM.id), f);
        const h = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
        expect(await h(f), rel).toBe(await h(path.join(root, TINY_GLM.id, rel)));
      }
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

/** Repos whose every weight file runs; the deliberately unloadable ones are tested on their own. */
const RUNNABLE_REPOS = FIXTURE_REPOS.filter((s) => !s.unsupportedOpIn?.length);

describe.each(RUNNABLE_REPOS.map((s) => [s.id, s] as const))('onnxruntime-node: %s', (_id, spec) => {
  const fx = resolveFixture(spec);
  const cols = spec.behaviour === 'random' ? [...PRINTABLE_ASCII_IDS] : Array.from({ length: fx.arch.vocabSize }, (_, i) => i);

  it('declares the transformers.js decoder contract', async () => {
    const s = await session(spec, 'q4');
    const L = fx.arch.numLayers;
    expect([...s.inputNames].sort()).toEqual(
      [
        'input_ids',
        'attention_mask',
        'position_ids',
        'num_logits_to_keep',
        ...Array.from({ length: L }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat(),
      ].sort(),
    );
    expect([...s.outputNames].sort()).toEqual(
      ['logits', ...Array.from({ length: L }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat()].sort(),
    );
    const past = s.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    expect(past && 'shape' in past ? past.shape : null).toEqual(['batch_size', 2, 'past_sequence_length', 16]);
  });

  it.each(DTYPES)('%s: KV-cached decoding equals the full run; num_logits_to_keep; causal; padding', async (dtype) => {
    const s = await session(spec, dtype);
    const tol = dtype === 'fp32' ? 1e-4 : 1e-3;
    const full = await s.run(makeFeeds(fx, [{ ids: PROMPT }], { keep: 0 }));
    expect(full.logits!.dims).toEqual([1, 7, fx.arch.vocabSize]);
    const lastFull = logitsAt(full.logits!, 0, 6);

    // prefill 4 (only the last logits) + 3 single-token steps with the cache
    let out = await s.run(makeFeeds(fx, [{ ids: PROMPT.slice(0, 4) }], { keep: 1 }));
    expect(out.logits!.dims).toEqual([1, 1, fx.arch.vocabSize]);
    expect(maxAbsDiff(logitsAt(out.logits!, 0, 0), logitsAt(full.logits!, 0, 3))).toBeLessThan(tol);
    for (let i = 4; i < 7; i++) {
      out = await s.run(makeFeeds(fx, [{ ids: [PROMPT[i]!] }], { past: out as Record<string, ort.Tensor>, pastLen: i, keep: 1 }));
      expect(out['present.0.key']!.dims).toEqual([1, 2, i + 1, 16]);
    }
    expect(maxAbsDiff(logitsAt(out.logits!, 0, 0), lastFull)).toBeLessThan(tol);

    // causal: changing the last token leaves earlier positions untouched
    const changed = await s.run(makeFeeds(fx, [{ ids: [...PROMPT.slice(0, 6), 90] }], { keep: 0 }));
    for (let p = 0; p < 6; p++) {
      expect(maxAbsDiff(logitsAt(changed.logits!, 0, p), logitsAt(full.logits!, 0, p))).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(logitsAt(changed.logits!, 0, 6), lastFull)).toBeGreaterThan(1e-3);

    // padding: a left-padded row (positions as transformers.js builds them) next to a full row
    const five = PROMPT.slice(2);
    const alone = await s.run(makeFeeds(fx, [{ ids: five }], { keep: 1 }));
    const batch = await s.run(
      makeFeeds(fx, [{ ids: [fx.padTokenId, fx.padTokenId, ...five], mask: [0, 0, 1, 1, 1, 1, 1], pos: [1, 1, 0, 1, 2, 3, 4] }, { ids: PROMPT }], {
        keep: 1,
      }),
    );
    expect(maxAbsDiff(logitsAt(batch.logits!, 0, 0), logitsAt(alone.logits!, 0, 0))).toBeLessThan(tol);
    expect(maxAbsDiff(logitsAt(batch.logits!, 1, 0), lastFull)).toBeLessThan(tol);
  });

  it('fp32 matches an independent reference forward; q8/q4 compute the same model', async () => {
    const w = buildFixtureWeights(fx);
    const ref = referenceLogits(fx, w, PROMPT);
    const byDtype: Record<string, Float32Array> = {};
    for (const dtype of DTYPES) {
      const full = await (await session(spec, dtype)).run(makeFeeds(fx, [{ ids: PROMPT }], { keep: 0 }));
      byDtype[dtype] = logitsAt(full.logits!, 0, 6);
      if (dtype === 'fp32') {
        for (let p = 0; p < PROMPT.length; p++) expect(maxAbsDiff(logitsAt(full.logits!, 0, p), ref[p]!)).toBeLessThan(1e-3);
      }
    }
    if (spec.behaviour === 'random') {
      // eos, other specials, non-printable bytes and padding ids: zero lm_head column + -100 bias
      const allowed = new Set(cols);
      for (const dtype of DTYPES) {
        const blocked = Array.from(byDtype[dtype]!).filter((_, i) => !allowed.has(i));
        expect(blocked.length).toBe(fx.arch.vocabSize - cols.length);
        expect(blocked.every((v) => v === -100)).toBe(true);
      }
    }
    expect(cosine(byDtype.fp32!, byDtype.q8!, cols)).toBeGreaterThan(0.99);
    expect(cosine(byDtype.fp32!, byDtype.q4!, cols)).toBeGreaterThan(0.9);

    // Optimum-style per-tensor DynamicQuantizeLinear q8 (not written to disk) computes it too.
    const g = buildDecoderGraph(fx.arch, w, { ...VARIANTS.q8, q8Activations: 'per-tensor' });
    const perTensor = await ort.InferenceSession.create(g.serialize());
    const pt = await perTensor.run(makeFeeds(fx, [{ ids: PROMPT }], { keep: 1 }));
    expect(cosine(byDtype.fp32!, logitsAt(pt.logits!, 0, 0), cols)).toBeGreaterThan(0.99);
  });
});

describe(`${TINY_QWEN3_WEBGPU_FAILS.id}`, () => {
  it('q4 weights fail to load on both runtimes while q8 weights run', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const q4 = await readFile(path.join(root, TINY_QWEN3_WEBGPU_FAILS.id, DTYPE_FILES.q4));
    await expect(ortWeb.InferenceSession.create(q4, { executionProviders: ['wasm'] })).rejects.toThrow(/PlaygroundUnimplementedOp|com\.playground/);
    await expect(ort.InferenceSession.create(path.join(root, TINY_QWEN3_WEBGPU_FAILS.id, DTYPE_FILES.q4))).rejects.toThrow();
    const fx = resolveFixture(TINY_QWEN3_WEBGPU_FAILS);
    const out = await (await session(TINY_QWEN3_WEBGPU_FAILS, 'q8')).run(makeFeeds(fx, [{ ids: PROMPT }], { keep: 1 }));
    expect(out.logits!.dims).toEqual([1, 1, fx.arch.vocabSize]);
  });
});

/** The same int64 feeds as onnxruntime-web tensors (the two packages' Tensor classes differ). */
function asWebFeeds(feeds: Record<string, ort.Tensor>): Record<string, ortWeb.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ortWeb.Tensor(t.type as 'int64', t.data as BigInt64Array, t.dims)]));
}

describe(`${TINY_QWEN3_SUBNORMAL.id}`, () => {
  it('stores every lm_head weight as a float32 subnormal, and WASM computes tiny-qwen3\'s logits from them', async () => {
    const w = buildFixtureWeights(resolveFixture(TINY_QWEN3_SUBNORMAL));
    const smallestNormal = 2 ** -126;
    expect(w.lmHead.every((v) => Math.abs(v) < smallestNormal)).toBe(true);
    // The printable-ASCII columns (the only ones that can win) hold real weights, not zeros.
    expect(w.lmHead.filter((v) => v !== 0).length).toBeGreaterThan((PRINTABLE_ASCII_IDS.length * TINY_QWEN3_SUBNORMAL.dims.hiddenSize) / 2);
    // Same seed and shape as tiny-qwen3: on IEEE arithmetic the two compute the same logits, up to
    // the subnormals' coarser steps (≥ 17 significant bits for these weights, ~1e-5 of a logit).
    ortWeb.env.wasm.numThreads = 1;
    const fx = resolveFixture(TINY_QWEN3);
    const logits = async (spec: typeof TINY_QWEN3) => {
      const web = await ortWeb.InferenceSession.create(await readFile(path.join(root, spec.id, DTYPE_FILES.q4)), { executionProviders: ['wasm'] });
      const out = (await web.run(asWebFeeds(makeFeeds(fx, [{ ids: PROMPT }], { keep: 0 })))).logits!.data as Float32Array;
      await web.release();
      return out;
    };
    expect(maxAbsDiff(await logits(TINY_QWEN3_SUBNORMAL), await logits(TINY_QWEN3))).toBeLessThan(1e-3);
  });
});

describe('onnxruntime-web WASM build (the one the app ships), run in node', () => {
  it('runs every repo and dtype with the same logits as onnxruntime-node', async () => {
    ortWeb.env.wasm.numThreads = 1;
    for (const spec of RUNNABLE_REPOS) {
      const fx = resolveFixture(spec);
      for (const dtype of DTYPES) {
        const bytes = await readFile(path.join(root, spec.id, DTYPE_FILES[dtype]));
        const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
        const nodeFeeds = makeFeeds(fx, [{ ids: PROMPT }], { keep: 1 });
        const a = (await web.run(asWebFeeds(nodeFeeds))).logits!;
        const b = (await (await session(spec, dtype)).run(nodeFeeds)).logits!;
        expect(a.dims).toEqual(b.dims);
        // Both builds form the same exact integer products (7-bit weight codes never saturate, on any
        // CPU); the float ops around them differ only in summation order, ~1e-6 of these logits. 1e-3
        // also leaves room for an activation that sits on a rounding tie taking the other code.
        expect(maxAbsDiff(a.data as Float32Array, b.data as Float32Array), `${spec.id} ${dtype}`).toBeLessThan(1e-3);
        await web.release();
      }
    }
  });
});

describe('transformers.js (node)', () => {
  const printable = /^[\x20-\x7e\n]+$/;

  it.each([
    [TINY_QWEN3.id, 'q8'],
    [TINY_GLM.id, 'q8'],
    [TINY_GLM.id, 'q4'],
  ] as const)('%s (%s) greedily generates 20 printable ASCII tokens without stopping', async (id, dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const model = await AutoModelForCausalLM.from_pretrained(id, { dtype });
    try {
      const text = chatText(tokenizer, [{ role: 'user', content: 'Tell me a story.' }], { enable_thinking: false });
      const inputs = tokenizer(text, { add_special_tokens: false });
      const out = (await model.generate({ ...inputs, max_new_tokens: 20, do_sample: false })) as unknown as {
        data: BigInt64Array;
      };
      const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      expect(fresh).toHaveLength(20);
      const answer = tokenizer.decode(fresh, { skip_special_tokens: false });
      expect(answer.length).toBeGreaterThan(0);
      expect(answer).toMatch(printable);
      expect(new Set(answer).size).toBeGreaterThanOrEqual(5); // not stuck on one character

      // The answer depends on the conversation (so a wrongly reused KV cache shows up).
      const other = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'What is 2+2?' }], { enable_thinking: false }), {
        add_special_tokens: false,
      });
      const out2 = (await model.generate({ ...other, max_new_tokens: 20, do_sample: false })) as unknown as { data: BigInt64Array };
      expect(Array.from(out2.data).slice(other.input_ids.dims[1]).map(Number)).not.toEqual(fresh);
    } finally {
      await model.dispose();
    }
  });

  it('external data (<file>.onnx_data + transformers.js_config) loads and computes the same model', async () => {
    const spec: FixtureRepoSpec = { ...TINY_QWEN3, id: 'fixtures/tiny-qwen3-external', externalData: true, dtypes: ['q4'] };
    const files = await generateModelRepo(root, spec);
    expect(files.map((f) => path.basename(f))).toContain('model_q4.onnx_data');
    const config = JSON.parse(await readFile(path.join(root, spec.id, 'config.json'), 'utf8'));
    expect(config['transformers.js_config']).toEqual({ use_external_data_format: { 'model_q4.onnx': 1 } });
    expect((await stat(path.join(root, spec.id, 'onnx/model_q4.onnx'))).size).toBeLessThan(40_000); // vs ~150 kB inline
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN3.id);
    const inputs = tokenizer(chatText(tokenizer, [{ role: 'user', content: 'Hi' }]), { add_special_tokens: false });
    const tokens: number[][] = [];
    for (const id of [spec.id, TINY_QWEN3.id]) {
      const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'q4' });
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      tokens.push(Array.from(out.data).map(Number));
      await model.dispose();
    }
    expect(tokens[0]).toEqual(tokens[1]);
  });

  it('tiny-qwen3: reusing the KV cache for a longer conversation gives the same tokens', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN3.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_QWEN3.id, { dtype: 'q8' });
    try {
      const ids1 = tokenizer('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n', { add_special_tokens: false });
      const turn1 = (await model.generate({ ...ids1, max_new_tokens: 8, do_sample: false, return_dict_in_generate: true })) as unknown as {
        sequences: { data: BigInt64Array };
        past_key_values: DynamicCache;
      };
      const more = tokenizer.encode('<|im_end|>\n<|im_start|>user\nMore<|im_end|>\n<|im_start|>assistant\n', { add_special_tokens: false });
      const all = [...Array.from(turn1.sequences.data).map(Number), ...more];
      // The app re-tokenizes the conversation text; with these tokenizers that reproduces the ids.
      const mk = () => tokenizer(tokenizer.decode(all, { skip_special_tokens: false }), { add_special_tokens: false });
      const a = mk();
      expect(Array.from(a.input_ids.data as BigInt64Array).map(Number)).toEqual(all);
      const reused = (await model.generate({ ...a, past_key_values: turn1.past_key_values, max_new_tokens: 8, do_sample: false })) as unknown as {
        data: BigInt64Array;
      };
      const plain = (await model.generate({ ...mk(), max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      expect(Array.from(reused.data).slice(all.length)).toEqual(Array.from(plain.data).slice(all.length));
      await turn1.past_key_values.dispose();
    } finally {
      await model.dispose();
    }
  });

  it.each(DTYPES)('tiny-scripted (%s) greedily emits SCRIPTED_OUTPUT and stops on <|im_end|>', async (dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_SCRIPTED.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_SCRIPTED.id, { dtype });
    const imEnd = resolveFixture(TINY_SCRIPTED).tokenIds['<|im_end|>'];
    try {
      for (const [messages, enable_thinking] of [
        [[{ role: 'user', content: 'Show me a picture\nplease' }], false],
        [[{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'anything' }], true],
        [
          [
            { role: 'user', content: 'first' },
            { role: 'assistant', content: '<think>\nhmm\n</think>\n\nok' },
            { role: 'user', content: 'second' },
          ],
          false,
        ],
      ] as const) {
        const text = chatText(tokenizer, messages as unknown as Message[], { enable_thinking });
        const inputs = tokenizer(text, { add_special_tokens: false });
        const out = (await model.generate({ ...inputs, max_new_tokens: 40, do_sample: false })) as unknown as { data: BigInt64Array };
        const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
        expect(fresh).toHaveLength(SCRIPTED_TOKENS.length + 1);
        expect(fresh.at(-1)).toBe(imEnd);
        expect(tokenizer.decode(fresh, { skip_special_tokens: true })).toBe(SCRIPTED_OUTPUT);
      }
    } finally {
      await model.dispose();
    }
  });

  it.each([TINY_TOOL_RIGHT, TINY_TOOL_WRONG].map((s) => [s.id, s] as const))('%s emits its call after a prompt with tools, in the template', async (id, spec) => {
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'q8' });
    const task = BUILTIN_SUITE.tasks.find((t) => t.id === 'tool-order-status')!;
    try {
      const messages = [{ role: 'system', content: task.system! }, { role: 'user', content: task.prompt }];
      const text = chatText(tokenizer, messages, { enable_thinking: false, tools: task.tools });
      expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_order_status"');
      const inputs = tokenizer(text, { add_special_tokens: false });
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]).map(Number);
      expect(tokenizer.decode(fresh, { skip_special_tokens: true })).toBe(spec.script!.join(''));
    } finally {
      await model.dispose();
    }
  });
});

describe(`${TINY_TOOL_ROUND_TRIP.id}`, () => {
  it.each(DTYPES)('%s: calls the tool, then answers from the tool result the template renders', async (dtype) => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_TOOL_ROUND_TRIP.id);
    const model = await AutoModelForCausalLM.from_pretrained(TINY_TOOL_ROUND_TRIP.id, { dtype });
    const task = BUILTIN_SUITE.tasks.find((t) => t.id === 'tool-order-eta')!;
    const checker = task.checker as Extract<typeof task.checker, { kind: 'tool-call' }>;
    const greedy = async (messages: Message[]) => {
      const inputs = tokenizer(chatText(tokenizer, messages, { enable_thinking: false, tools: task.tools }), { add_special_tokens: false });
      const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as unknown as { data: BigInt64Array };
      return { length: inputs.input_ids.dims[1]!, text: tokenizer.decode(Array.from(out.data).slice(inputs.input_ids.dims[1]), { skip_special_tokens: true }) };
    };
    try {
      const asked: Message[] = [{ role: 'system', content: task.system! }, { role: 'user', content: task.prompt }];
      const first = await greedy(asked);
      expect(first.text).toBe(TOOL_ROUND_TRIP_CALL_TOKENS.join(''));
      const call = { type: 'function', function: { name: 'get_order_status', arguments: { order_id: 'C-5508' } } };
      const second = await greedy([
        ...asked,
        { role: 'assistant', content: '', tool_calls: [call] } as unknown as Message,
        { role: 'tool', content: checker.toolResult! },
      ]);
      // The detector head attends to the one marker however long the context is.
      expect(second.length).toBeGreaterThan(first.length + 100);
      expect(second.text).toBe(TOOL_ROUND_TRIP_FINAL_TOKENS.join(''));
    } finally {
      await model.dispose();
    }
  });
});

describe('tokenizers and chat templates', () => {
  it('Qwen3 template: enable_thinking and <think> stripping of earlier turns', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_QWEN3.id);
    const render = (messages: Message[], extra: Record<string, unknown> = {}) => chatText(tokenizer, messages, extra);
    expect(render([{ role: 'user', content: 'Hi' }], { enable_thinking: false })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect(render([{ role: 'user', content: 'Hi' }])).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(
      render([
        { role: 'system', content: 'S' },
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: '<think>\nreasoning\n</think>\n\nA1' },
        { role: 'user', content: 'Q2' },
      ]),
    ).toBe(
      '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n' +
        '<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('GLM-Edge template', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(TINY_GLM.id);
    const text = chatText(tokenizer, [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'Q2' },
    ]);
    expect(text).toBe('[gMASK]<sop><|system|>\nS<|user|>\nQ<|assistant|>\nA<|user|>\nQ2<|assistant|>\n');
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    const t = resolveFixture(TINY_GLM).tokenIds;
    expect(ids.slice(0, 4)).toEqual([t['[gMASK]'], t['<sop>'], t['<|system|>'], 10]);
  });

  it.each(FIXTURE_REPOS.map((s) => [s.id, s] as const))('%s: encode(decode(ids)) == ids', async (id, spec) => {
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const fx = resolveFixture(spec);
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const added = Object.values(fx.tokenIds);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const ids = Array.from({ length: n }, () => PRINTABLE_ASCII_IDS[Math.floor(rnd() * PRINTABLE_ASCII_IDS.length)]!);
      expect(tokenizer.encode(tokenizer.decode(ids), { add_special_tokens: false })).toEqual(ids);
      // with added tokens mixed in (decoded verbatim, not skipped)
      const mixed = ids.flatMap((v, i) => (i % 7 === 3 ? [added[Math.floor(rnd() * added.length)]!, v] : [v]));
      expect(tokenizer.encode(tokenizer.decode(mixed, { skip_special_tokens: false }), { add_special_tokens: false })).toEqual(mixed);
    }
    if (spec.behaviour === 'scripted') {
      const script = spec.script ?? [];
      expect(tokenizer.encode(script.join(''), { add_special_tokens: false })).toEqual(script.map((t) => fx.tokenIds[t]));
    }
  });
});
