// A model's shape — the config.json sizes that decide its bytes and work per token — read from a
// downloaded config, or, before anything is downloaded, from the published configs of the
// catalog's models. A downloaded config.json always wins over the table.

export interface ModelShape {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  tieWordEmbeddings: boolean;
  /** Layers that keep a growing KV cache (hybrid models keep a fixed-size state in the others). */
  attentionLayers: number;
  /** Set when a number is not known exactly: what is uncertain. */
  approximate?: string;
  /**
   * Parameters of a vision encoder loaded beside the text model (Qwen3.5); it stays float (fp16 on a
   * GPU with fp16 weights, fp32 otherwise), whatever weights the decoder uses.
   */
  visionParams?: number;
}

function shape(s: Omit<ModelShape, 'attentionLayers'> & { attentionLayers?: number }): ModelShape {
  return { ...s, attentionLayers: s.attentionLayers ?? s.numLayers };
}

const QWEN3_0_6B = shape({ hiddenSize: 1024, intermediateSize: 3072, numLayers: 28, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 151936, tieWordEmbeddings: true });
const QWEN3_1_7B = shape({ hiddenSize: 2048, intermediateSize: 6144, numLayers: 28, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 151936, tieWordEmbeddings: true });
const QWEN2_5_0_5B = shape({ hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2, headDim: 64, vocabSize: 151936, tieWordEmbeddings: true });
const QWEN2_5_1_5B = shape({ hiddenSize: 1536, intermediateSize: 8960, numLayers: 28, numHeads: 12, numKvHeads: 2, headDim: 128, vocabSize: 151936, tieWordEmbeddings: true });

/** Published config values of the catalog's transformers.js models (and of GGUF builds with no ONNX twin), by repo id. */
export const CATALOG_SHAPES: Readonly<Record<string, ModelShape>> = {
  'onnx-community/Qwen3-0.6B-ONNX': QWEN3_0_6B,
  'onnx-community/Qwen3-1.7B-ONNX': QWEN3_1_7B,
  'onnx-community/Qwen2.5-0.5B-Instruct': QWEN2_5_0_5B,
  'onnx-community/Qwen2.5-1.5B-Instruct': QWEN2_5_1_5B,
  'onnx-community/Qwen2.5-Coder-0.5B-Instruct': QWEN2_5_0_5B,
  'onnx-community/Qwen2.5-Coder-1.5B-Instruct': QWEN2_5_1_5B,
  'onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX': { ...QWEN2_5_1_5B, tieWordEmbeddings: false },
  'onnx-community/glm-edge-1.5b-chat-ONNX': shape({
    hiddenSize: 2048,
    intermediateSize: 6144,
    numLayers: 28,
    numHeads: 16,
    numKvHeads: 4,
    headDim: 128,
    vocabSize: 59264,
    // THUDM/glm-edge-1.5b-chat config.json.
    tieWordEmbeddings: true,
  }),
  // GGUF only (no ONNX export), so keyed by the GGUF repo. Its config.json was not at hand: the
  // vocabulary and the GLM-Edge head layout (head_dim 128, 4 query heads per KV head) are GLM-Edge
  // 1.5B's; hidden 3072, intermediate 8192, 40 layers, 24 heads / 6 KV heads and the untied output
  // table are derived to match the published 4.3B parameters (40 × 99M + 2 × 182M) and files
  // (4.3B × 4.9 bits ≈ 2.63 GB Q4_K_M; × 8.5 bits ≈ 4.6 GB Q8_0).
  'zai-org/glm-edge-4b-chat-gguf': shape({
    hiddenSize: 3072,
    intermediateSize: 8192,
    numLayers: 40,
    numHeads: 24,
    numKvHeads: 6,
    headDim: 128,
    vocabSize: 59264,
    tieWordEmbeddings: false,
    approximate: "GLM-Edge 4B's sizes are derived from its published parameter count and file sizes; bytes are approximate.",
  }),
  // Qwen3.5 interleaves linear-attention (Gated DeltaNet, fixed-size state) and full-attention
  // layers 3:1; its projections differ from a plain decoder's, so bytes are estimated as if each
  // layer were an ordinary attention + MLP block. The vision encoder is not counted here.
  'onnx-community/GLM-OCR-ONNX': shape({
    // zai-org/GLM-OCR text_config: a GLM-0.5B decoder with a plain attention cache.
    hiddenSize: 1536,
    intermediateSize: 4608,
    numLayers: 16,
    numHeads: 16,
    numKvHeads: 8,
    headDim: 128,
    vocabSize: 59392,
    tieWordEmbeddings: false,
    // The CogViT encoder and its connector: 0.9B in all, less the decoder.
    visionParams: 400e6,
    approximate: 'GLM-OCR is a 0.9B document reader (CogViT encoder + GLM-0.5B decoder); sizes and bytes are approximate.',
  }),
  'onnx-community/Qwen3.5-0.8B-ONNX-OPT': shape({
    hiddenSize: 1024,
    intermediateSize: 3584,
    numLayers: 24,
    numHeads: 8,
    numKvHeads: 2,
    headDim: 256,
    vocabSize: 248320,
    tieWordEmbeddings: true,
    attentionLayers: 6,
    // A 12-block, 768-wide vision tower (the bench's faithful copy is 377 MiB in fp32).
    visionParams: 100e6,
    approximate: 'Qwen3.5 0.8B is a hybrid (linear + full attention) with a vision encoder; sizes and bytes are approximate.',
  }),
  'onnx-community/Qwen3.5-2B-ONNX-OPT': shape({
    hiddenSize: 2048,
    intermediateSize: 6144,
    numLayers: 24,
    numHeads: 8,
    numKvHeads: 2,
    headDim: 256,
    vocabSize: 248320,
    tieWordEmbeddings: true,
    attentionLayers: 6,
    // onnx-community's q4 vision file is 218 MB, against 68 MB for 0.8B's.
    visionParams: 320e6,
    approximate: 'Qwen3.5 2B is a hybrid (linear + full attention) with a vision encoder; sizes and bytes are approximate.',
  }),
  'onnx-community/Qwen3.5-4B-ONNX-OPT': shape({
    hiddenSize: 2560,
    intermediateSize: 9216,
    numLayers: 32,
    numHeads: 16,
    numKvHeads: 4,
    headDim: 256,
    vocabSize: 248320,
    tieWordEmbeddings: true,
    attentionLayers: 8,
    visionParams: 320e6,
    approximate: 'Qwen3.5 4B is a hybrid (linear + full attention) with a vision encoder; sizes and bytes are approximate.',
  }),
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/**
 * The shape from a parsed config.json (multimodal configs keep it under `text_config`), or null
 * when a size the prediction needs is missing.
 */
export function shapeFromConfig(config: Record<string, unknown>): ModelShape | null {
  const text = (typeof config.text_config === 'object' && config.text_config ? config.text_config : config) as Record<string, unknown>;
  const hiddenSize = num(text.hidden_size);
  const numLayers = num(text.num_hidden_layers);
  const numHeads = num(text.num_attention_heads);
  const intermediateSize = num(text.intermediate_size);
  const vocabSize = num(text.vocab_size);
  if (!hiddenSize || !numLayers || !numHeads || !intermediateSize || !vocabSize) return null;
  const layerTypes = Array.isArray(text.layer_types) ? (text.layer_types as unknown[]) : null;
  const attentionLayers = layerTypes ? layerTypes.filter((t) => t === 'full_attention').length : numLayers;
  return {
    hiddenSize,
    intermediateSize,
    numLayers,
    numHeads,
    numKvHeads: num(text.num_key_value_heads) ?? numHeads,
    headDim: num(text.head_dim) ?? hiddenSize / numHeads,
    vocabSize,
    tieWordEmbeddings: (text.tie_word_embeddings ?? config.tie_word_embeddings) === true,
    attentionLayers,
    ...(layerTypes && attentionLayers < numLayers ? { approximate: 'hybrid attention: bytes estimated as plain attention layers' } : {}),
  };
}

/** The downloaded config's shape when there is one, else the catalog's published one. */
export function modelShape(repoId: string, config?: Record<string, unknown> | null): ModelShape | null {
  return (config ? shapeFromConfig(config) : null) ?? CATALOG_SHAPES[repoId] ?? null;
}
