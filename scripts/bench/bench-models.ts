// The models `npm run bench` measures, generated on demand by the fixture generator into the
// git-ignored fixtures folder and served by the mirror. Random weights, but the shapes and weight
// formats of the real models, so every token costs the same work as it would with real weights.
import { QWEN3_0_6B_DIMS, TINY_GLM, TINY_QWEN3, type FixtureRepoSpec } from '../../test/fixtures/model-repos';

/** Mid-size: a token costs real compute (tens of ms on 2 cores) yet it runs on a software GPU. */
export const BENCH_QWEN3: FixtureRepoSpec = {
  ...TINY_QWEN3,
  id: 'fixtures/bench-qwen3',
  seed: 777,
  dims: { hiddenSize: 512, numLayers: 8, numHeads: 8, numKvHeads: 4, headDim: 64, intermediateSize: 1536, maxPositionEmbeddings: 4096 },
  dtypes: ['fp32', 'q8', 'q4'],
};

/**
 * Qwen3-0.6B's shape: hidden 1024, 28 layers, 16 heads / 8 KV heads of 128, MLP 3072, vocab
 * 151936, with lm_head quantized like the layers, as in onnx-community's q8 and q4 exports.
 * About 750 MB (q8) and 450 MB (q4).
 */
export const QWEN3_0_6B_SHAPED: FixtureRepoSpec = {
  ...TINY_QWEN3,
  id: 'fixtures/qwen3-0.6b-shaped',
  seed: 606,
  dims: { ...QWEN3_0_6B_DIMS, maxPositionEmbeddings: 4096 },
  vocabSize: 151936,
  quantizeLmHead: true,
  dtypes: ['q8', 'q4'],
};

/**
 * GLM-Edge-1.5B's shape (THUDM/glm-edge-1.5b-chat config.json): hidden 2048, 28 layers, 16 heads
 * / 4 KV heads of 128, MLP 6144, vocab 59264. About 1.7 GB in q8, so its weights go to
 * .onnx_data files, as the real export's do.
 */
export const GLM_EDGE_1_5B_SHAPED: FixtureRepoSpec = {
  ...TINY_GLM,
  id: 'fixtures/glm-edge-1.5b-shaped',
  seed: 1515,
  dims: { hiddenSize: 2048, numLayers: 28, numHeads: 16, numKvHeads: 4, headDim: 128, intermediateSize: 6144, maxPositionEmbeddings: 4096 },
  vocabSize: 59264,
  quantizeLmHead: true,
  externalData: true,
  dtypes: ['q8', 'q4'],
};
