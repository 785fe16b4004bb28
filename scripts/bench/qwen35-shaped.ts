// A Qwen3.5-0.8B-shaped repo for `npm run bench`: the tiny Qwen3.5 generator (tiny-qwen35.ts) at
// the real text dims and vocabulary, plus a vision encoder of the real tower's size, generated on
// demand into the bench's models folder (never by the test runs). Random weights; only the files
// the WASM path loads: q8 decoder (lm_head quantized too, as in onnx-community's q8 export), q8
// embeddings and the fp32 vision encoder. About 1.4 GB.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DT, GraphBuilder, attr } from '../../test/fixtures/onnx-graph-builder';
import { stampIsValid, generateStampedRepo } from '../../test/fixtures/model-repos';
import { Rng, subSeed } from '../../test/fixtures/tiny-transformer';
import { type Qwen35RepoSpec, finishQwen35Repo, qwen35SessionFile, qwen35SpecHash, resolveQwen35 } from '../../test/fixtures/tiny-qwen35';
import { buildDecoderGraph, buildEmbedGraph } from '../../test/fixtures/tiny-qwen35-graphs';
import { QWEN35_0_8B_DIMS, type Qwen35Arch, initQwen35Weights, patchValues, restrictToPrintableAscii } from '../../test/fixtures/tiny-qwen35-weights';

/** Qwen3.5-0.8B's vocabulary (config.json vocab_size): 1024 × 248,320 embeddings and lm_head. */
const QWEN35_VOCAB = 248_320;

export const QWEN35_0_8B_SHAPED: Qwen35RepoSpec = {
  id: 'fixtures/qwen3.5-0.8b-shaped',
  behaviour: 'random',
  seed: 808,
  dtypes: ['q8'],
  arch: { ...QWEN35_0_8B_DIMS, vocabSize: QWEN35_VOCAB },
};

/**
 * Qwen3.5-0.8B's vision tower (vision_config): 12 pre-norm blocks of width 768, 12 heads, MLP 3072,
 * then the 2×2 merger to the text width. Left out, as they cost little next to the blocks: the
 * learned position embedding and the 2-D rotary on q and k.
 */
export const QWEN35_0_8B_VISION = Object.freeze({ depth: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072 });

type VisionDims = typeof QWEN35_0_8B_VISION;

/**
 * vision_encoder: pixel_values [num_patches, 1536] → patch embedding → `depth` blocks of
 * LayerNorm, full self-attention over every patch of the picture, LayerNorm, GELU MLP → merger
 * (LayerNorm, 4 neighbouring patches side by side, fc1, GELU, fc2) → image_features [num_patches / 4, H].
 */
function buildVisionTower(a: Qwen35Arch, v: VisionDims, seed: number): GraphBuilder {
  const g = new GraphBuilder('vision_encoder');
  const fill = (name: string, n: number, std: number) => new Rng(subSeed(seed, name)).fillNormal(n, std);
  const linear = (x: string, K: number, N: number, name: string) => {
    const W = g.addInitializer(`${name}.weight`, DT.FLOAT, [K, N], fill(name, K * N, 1 / Math.sqrt(K)));
    return g.op('Add', [g.op('MatMul', [x, W]), g.addInitializer(`${name}.bias`, DT.FLOAT, [N], fill(`${name}.bias`, N, 0.02))]);
  };
  const layerNorm = (x: string, width: number, name: string) =>
    g.op('LayerNormalization', [x, g.addInitializer(`${name}.weight`, DT.FLOAT, [width], new Float32Array(width).fill(1)), g.addInitializer(`${name}.bias`, DT.FLOAT, [width], new Float32Array(width))], {
      axis: attr.int(-1),
      epsilon: attr.float(1e-6),
    });
  const gelu = (x: string) =>
    g.op('Mul', [g.op('Mul', [x, g.constF32([0.5], [])]), g.op('Add', [g.constF32([1], []), g.op('Erf', [g.op('Div', [x, g.constF32([Math.SQRT2], [])])])])]);

  const { hiddenSize: Hv, numHeads: nH, intermediateSize: I } = v;
  const D = Hv / nH;
  const P = patchValues(a);
  const M = Hv * a.vision.mergeSize ** 2;
  g.addInput('pixel_values', DT.FLOAT, ['num_patches', P]);
  // Fed by transformers.js; the tower here has no position embedding to size from it.
  g.addInput('image_grid_thw', DT.INT64, ['num_images', 3]);
  let h = linear('pixel_values', P, Hv, 'visual.patch_embed.proj');
  const heads = g.constI64([-1, nH, D]);
  const perm = { perm: attr.ints([1, 0, 2]) };
  for (let i = 0; i < v.depth; i++) {
    const p = `visual.blocks.${i}`;
    const qkv = linear(layerNorm(h, Hv, `${p}.norm1`), Hv, 3 * Hv, `${p}.attn.qkv`);
    const part = (j: number) =>
      g.op('Transpose', [g.op('Reshape', [g.op('Slice', [qkv, g.constI64([j * Hv]), g.constI64([(j + 1) * Hv]), g.constI64([1])]), heads])], perm);
    const scores = g.op('Mul', [g.op('MatMul', [part(0), g.op('Transpose', [part(1)], { perm: attr.ints([0, 2, 1]) })]), g.constF32([1 / Math.sqrt(D)], [])]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: attr.int(-1) }), part(2)]);
    const attended = g.op('Reshape', [g.op('Transpose', [ctx], perm), g.constI64([-1, Hv])]);
    h = g.op('Add', [h, linear(attended, Hv, Hv, `${p}.attn.proj`)]);
    h = g.op('Add', [h, linear(gelu(linear(layerNorm(h, Hv, `${p}.norm2`), Hv, I, `${p}.mlp.linear_fc1`)), I, Hv, `${p}.mlp.linear_fc2`)]);
  }
  // The processor puts each 2×2 merge group in 4 consecutive rows.
  const merged = g.op('Reshape', [layerNorm(h, Hv, 'visual.merger.norm'), g.constI64([-1, M])]);
  const out = linear(gelu(linear(merged, M, M, 'visual.merger.linear_fc1')), M, a.hiddenSize, 'visual.merger.linear_fc2');
  g.op('Identity', [out], {}, { output: 'image_features' });
  g.addOutput('image_features', DT.FLOAT, ['num_image_tokens', a.hiddenSize]);
  return g;
}

async function specHash(spec: Qwen35RepoSpec): Promise<string> {
  return createHash('sha256')
    .update(await qwen35SpecHash(spec))
    .update(JSON.stringify(QWEN35_0_8B_VISION))
    .update(await readFile(fileURLToPath(import.meta.url)))
    .digest('hex');
}

async function writeRepo(dir: string, spec: Qwen35RepoSpec, hash: string): Promise<void> {
  const fx = resolveQwen35(spec);
  const v = QWEN35_0_8B_VISION;
  fx.config.vision_config = {
    ...(fx.config.vision_config as Record<string, unknown>),
    depth: v.depth,
    hidden_size: v.hiddenSize,
    intermediate_size: v.intermediateSize,
    num_heads: v.numHeads,
  };
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const written: string[] = [];
  const write = async (session: Parameters<typeof qwen35SessionFile>[0], dtype: 'q8' | 'fp32', graph: GraphBuilder) => {
    const res = await graph.writeModel(join(dir, qwen35SessionFile(session, dtype)), { docString: `${spec.id} ${session} ${dtype} (bench)` });
    written.push(...res.files);
  };
  {
    const text = initQwen35Weights(fx.arch, spec.seed);
    restrictToPrintableAscii(fx.arch, text);
    await write('embed_tokens', 'q8', buildEmbedGraph(fx.arch, text.embed, 'q8'));
    await write('decoder_model_merged', 'q8', buildDecoderGraph(fx.arch, text, 'q8', 'q8'));
  }
  await write('vision_encoder', 'fp32', buildVisionTower(fx.arch, v, spec.seed));
  await finishQwen35Repo(dir, spec, fx, hash, written);
}

/** Generates the repo under rootDir unless its stamp matches this spec and generator. */
export async function ensureQwen35Shaped(rootDir: string, spec: Qwen35RepoSpec = QWEN35_0_8B_SHAPED): Promise<void> {
  const hash = await specHash(spec);
  if (await stampIsValid(join(rootDir, spec.id), hash)) return;
  const started = Date.now();
  console.log(`Generating ${spec.id} (about 1.4 GB)…`);
  await generateStampedRepo(rootDir, spec.id, hash, (dir, h) => writeRepo(dir, spec, h));
  console.log(`  ${spec.id} generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
