// The models offered in the picker, the well-known ones that can't run in a browser and why, and a
// validator for entries. No byte sizes here: they come from the hub's file listing at inspection.
import type { Backend, Dtype } from '../engines/types';
import { DEFAULT_HUB, isValidRepoId } from './hub-urls';
import { SUPPORTED_MODEL_TYPES } from './model-inspection';
import { architectureRefusal } from './gguf/gguf-model-info';
import { isGgufPath } from './gguf/gguf-repo';

export type CatalogEngine = 'transformers' | 'webllm' | 'llamacpp';

export type ModelFamily =
  | 'Qwen3'
  | 'Qwen3.5'
  | 'Qwen2.5'
  | 'Qwen2.5-Coder'
  | 'DeepSeek-R1-Distill'
  | 'GLM-Edge'
  | 'GLM-OCR';

/** Weight formats offered per backend, best first. The repo's real file list decides what exists. */
export interface BackendDtypes {
  wasm: readonly Dtype[];
  webgpu: readonly Dtype[];
}

interface CatalogEntryBase {
  engine: CatalogEngine;
  /** Hub repository id, `org/name`. */
  repoId: string;
  label: string;
  family: ModelFamily;
  lab: string;
  /** Where the lab is based. */
  country: string;
  /** SPDX identifier where one exists, else `Other: <licence name>`. */
  licence: string;
  /** Nominal size in billions, as the model's name states it (used for sorting and filtering). */
  parametersB: number;
  /** The same size for display, e.g. `1.5B`. */
  parameters: string;
  /**
   * Context window in tokens from the model's config (`max_position_embeddings`). The value in the
   * downloaded config.json wins at runtime; this one is shown before anything is fetched.
   */
  contextLength: number;
  dtypes: BackendDtypes;
  /** One line on what the model is good at. */
  strengths: string;
  /** Always the public hub page: a mirror serves files, not model cards. */
  modelCardUrl: string;
  /** Template leaves the answer inside an open <think> block (DeepSeek-R1 distills). */
  reasoningStartsOpen?: boolean;
  /** Knows the Qwen3 `enable_thinking` switch. */
  thinkingToggle?: boolean;
  /** Reads pictures as well as text (the engine confirms it once the model is loaded). */
  vision?: boolean;
}

export interface TransformersCatalogEntry extends CatalogEntryBase {
  engine: 'transformers';
  /** `model_type` in the repo's config.json; must be one transformers.js can generate with. */
  modelType: string;
}

/** MLC-compiled weights run by WebLLM; WebGPU only. */
export interface WebLLMCatalogEntry extends CatalogEntryBase {
  engine: 'webllm';
  /** WebLLM's `model_id` (its prebuilt app config key), e.g. `Qwen3-0.6B-q4f16_1-MLC`. */
  webllmModelId: string;
  /** WebLLM's `vram_required_MB` estimate for the record. */
  vramRequiredMB: number;
  /** WebGPU features the adapter must have, e.g. `shader-f16`. */
  requiredFeatures: readonly string[];
  /** File name of the compiled WebGPU model library (WebLLM's `model_lib`, without its folder). */
  modelLib: string;
  /** Architecture, for the runtime panel (WebLLM doesn't ship a transformers config). */
  modelType: string;
  /** The transformers.js catalog entry of the same model: its shape, and a like-for-like comparison. */
  sameModelAs: string;
  /** WebLLM's `max_history_size` override: Qwen3.5's recurrent state keeps one round of history. */
  maxHistorySize?: number;
}

/** GGUF weights run by llama.cpp (wllama): on WASM, and on WebGPU where the browser offers it. */
export interface LlamaCppCatalogEntry extends CatalogEntryBase {
  engine: 'llamacpp';
  /** Repo path of the GGUF file per dtype ('q8' a Q8_0 file, 'q4' a Q4_K_M one), or every part of a split one in order. */
  ggufFiles: Partial<Record<Dtype, string | readonly string[]>>;
  /** llama.cpp's architecture (`general.architecture`), e.g. `qwen3`, `chatglm`. */
  modelType: string;
  /** The transformers.js catalog entry of the same model, for a like-for-like comparison. */
  sameModelAs?: string;
}

export type CatalogEntry = TransformersCatalogEntry | WebLLMCatalogEntry | LlamaCppCatalogEntry;

/** Card URL for a repo on the public hub. */
export function modelCardUrl(repoId: string): string {
  return `${DEFAULT_HUB}/${repoId}`;
}

// onnx-community exports of these sizes ship fp32/fp16/q8/q4/q4f16 files. On the CPU int8 is several
// times faster than int4 in onnxruntime-web's WASM build, so q8 leads; on WebGPU q4f16 leads and q4 is
// the fallback for adapters without shader-f16.
const ONNX_DTYPES: BackendDtypes = { wasm: ['q8', 'q4'], webgpu: ['q4f16', 'q4'] };

const QWEN = { lab: 'Alibaba Qwen', country: 'China' } as const;

/** A transformers.js entry with the usual ONNX export's dtypes and its card on the public hub. */
function onnxCommunity(entry: Omit<TransformersCatalogEntry, 'engine' | 'dtypes' | 'modelCardUrl'>): TransformersCatalogEntry {
  return { engine: 'transformers', dtypes: ONNX_DTYPES, modelCardUrl: modelCardUrl(entry.repoId), ...entry };
}

export const CATALOG: readonly CatalogEntry[] = [
  // First on purpose: the settings default to CATALOG[0].
  onnxCommunity({
    repoId: 'onnx-community/Qwen3-0.6B-ONNX',
    label: 'Qwen3 0.6B',
    family: 'Qwen3',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 0.6,
    parameters: '0.6B',
    contextLength: 40960,
    modelType: 'qwen3',
    strengths: 'Fast general chat with optional step-by-step thinking.',
    thinkingToggle: true,
  }),
  onnxCommunity({
    repoId: 'onnx-community/Qwen3-1.7B-ONNX',
    label: 'Qwen3 1.7B',
    family: 'Qwen3',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 1.7,
    parameters: '1.7B',
    contextLength: 40960,
    modelType: 'qwen3',
    strengths: 'Noticeably better reasoning than 0.6B; needs a GPU to feel quick.',
    thinkingToggle: true,
  }),
  // Qwen3.5 repos are image-text exports in three sessions (embed_tokens, vision_encoder,
  // decoder_model_merged). The -ONNX-OPT re-exports run linear attention as fused
  // CausalConvWithState/LinearAttention kernels; the original -ONNX repos run it as an ONNX Scan
  // loop, more than ten times slower to prefill. Their configs keep the text sizes in text_config.
  ...(
    [
      ['0.8B', 0.8, 'The newest small Qwen: reads pictures (receipts, charts, signs) as well as text, with a long context.'],
      ['2B', 2, 'Qwen3.5 with noticeably better answers about pictures and text than 0.8B; best on WebGPU.'],
      ['4B', 4, 'The strongest small Qwen3.5 here: documents and charts on a GPU with a few GB to spare.'],
    ] as const
  ).map(([size, parametersB, strengths]) =>
    onnxCommunity({
      repoId: `onnx-community/Qwen3.5-${size}-ONNX-OPT`,
      label: `Qwen3.5 ${size}`,
      family: 'Qwen3.5',
      ...QWEN,
      licence: 'Apache-2.0',
      parametersB,
      parameters: size,
      contextLength: 262144,
      modelType: 'qwen3_5',
      strengths,
      // The small Qwen3.5 templates answer without thinking unless asked (an empty think block).
      thinkingToggle: true,
      vision: true,
    }),
  ),
  onnxCommunity({
    repoId: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    family: 'Qwen2.5',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 0.5,
    parameters: '0.5B',
    contextLength: 32768,
    modelType: 'qwen2',
    strengths: 'Small, quick instruction following; runs acceptably on CPU.',
  }),
  onnxCommunity({
    repoId: 'onnx-community/Qwen2.5-1.5B-Instruct',
    label: 'Qwen2.5 1.5B Instruct',
    family: 'Qwen2.5',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 1.5,
    parameters: '1.5B',
    contextLength: 32768,
    modelType: 'qwen2',
    strengths: 'Steadier instructions and multilingual answers than 0.5B, with no thinking phase.',
  }),
  onnxCommunity({
    repoId: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct',
    label: 'Qwen2.5 Coder 0.5B Instruct',
    family: 'Qwen2.5-Coder',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 0.5,
    parameters: '0.5B',
    contextLength: 32768,
    modelType: 'qwen2',
    strengths: 'Short code snippets and explanations; the quickest code model here.',
  }),
  onnxCommunity({
    repoId: 'onnx-community/Qwen2.5-Coder-1.5B-Instruct',
    label: 'Qwen2.5 Coder 1.5B Instruct',
    family: 'Qwen2.5-Coder',
    ...QWEN,
    licence: 'Apache-2.0',
    parametersB: 1.5,
    parameters: '1.5B',
    contextLength: 32768,
    modelType: 'qwen2',
    strengths: 'Writes and fixes code noticeably better than the 0.5B coder; best on WebGPU.',
  }),
  onnxCommunity({
    repoId: 'onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX',
    label: 'DeepSeek-R1 Distill Qwen 1.5B',
    family: 'DeepSeek-R1-Distill',
    lab: 'DeepSeek',
    country: 'China',
    licence: 'MIT',
    parametersB: 1.5,
    parameters: '1.5B',
    contextLength: 131072,
    modelType: 'qwen2',
    strengths: 'Shows its reasoning before answering maths and logic questions.',
    reasoningStartsOpen: true,
  }),
  onnxCommunity({
    repoId: 'onnx-community/glm-edge-1.5b-chat-ONNX',
    label: 'GLM-Edge 1.5B Chat',
    family: 'GLM-Edge',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    licence: 'Other: GLM-Edge licence',
    parametersB: 1.5,
    parameters: '1.5B',
    contextLength: 8192,
    modelType: 'glm',
    strengths: 'Edge-oriented bilingual (Chinese/English) chat.',
  }),
  // A document reader, not a chat model: a CogViT vision encoder and a 0.5B GLM decoder that write out
  // the text of a picture. Three sessions like Qwen3.5 (embed_tokens, vision_encoder,
  // decoder_model_merged), with a plain KV cache; its text sizes are under text_config.
  onnxCommunity({
    repoId: 'onnx-community/GLM-OCR-ONNX',
    label: 'GLM-OCR 0.9B (document reader)',
    family: 'GLM-OCR',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    licence: 'MIT',
    parametersB: 0.9,
    parameters: '0.9B',
    contextLength: 131072,
    modelType: 'glm_ocr',
    strengths: 'Reads the text in pictures of documents (OCR): invoices, tables, formulas. Not a chat model.',
    vision: true,
  }),
];

/**
 * A WebLLM build from its prebuilt record (`prebuiltAppConfig` of @mlc-ai/web-llm 0.2.86; a unit test
 * checks these against it). Who made the model, its licence, size and architecture are those of
 * the transformers.js entry of the same model. WebLLM compiles the context window into the
 * library: 4096 tokens.
 */
function mlcBuild(
  entry: Pick<WebLLMCatalogEntry, 'webllmModelId' | 'sameModelAs' | 'modelLib' | 'vramRequiredMB' | 'label' | 'strengths'> &
    Partial<Pick<WebLLMCatalogEntry, 'maxHistorySize'>>,
): WebLLMCatalogEntry {
  const twin = CATALOG.find((c): c is TransformersCatalogEntry => c.repoId === entry.sameModelAs && c.engine === 'transformers');
  if (!twin) throw new Error(`${entry.webllmModelId}: sameModelAs "${entry.sameModelAs}" is not in the catalog.`);
  const repoId = `mlc-ai/${entry.webllmModelId}`;
  const f16 = entry.webllmModelId.includes('q4f16');
  return {
    engine: 'webllm',
    repoId,
    modelCardUrl: modelCardUrl(repoId),
    contextLength: 4096,
    dtypes: { wasm: [], webgpu: [f16 ? 'q4f16' : 'q4'] },
    requiredFeatures: f16 ? ['shader-f16'] : [],
    ...twinFacts(twin),
    modelType: twin.modelType,
    // WebLLM's Qwen3.5 builds are text only: the twin's vision does not carry over.
    ...entry,
  };
}

/** What another build of the same model shares with its ONNX entry: who made it, its size, its licence. */
function twinFacts(twin: TransformersCatalogEntry) {
  return {
    family: twin.family,
    lab: twin.lab,
    country: twin.country,
    licence: twin.licence,
    parametersB: twin.parametersB,
    parameters: twin.parameters,
    ...(twin.thinkingToggle ? { thinkingToggle: true } : {}),
  };
}

/** The WebLLM builds offered, Qwen models up to 4B; all WebGPU only. */
export const WEBLLM_CATALOG: readonly WebLLMCatalogEntry[] = [
  mlcBuild({
    webllmModelId: 'Qwen3.5-0.8B-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT',
    modelLib: 'Qwen3.5-0.8B-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1629.49,
    maxHistorySize: 1,
    label: 'Qwen3.5 0.8B (WebLLM q4f16, text only)',
    strengths: 'Qwen3.5 0.8B on compiled WebGPU kernels; text only (WebLLM has no Qwen3.5 vision).',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3.5-0.8B-q4f32_1-MLC',
    sameModelAs: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT',
    modelLib: 'Qwen3.5-0.8B-q4f32_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1894.19,
    maxHistorySize: 1,
    label: 'Qwen3.5 0.8B (WebLLM q4f32, text only)',
    strengths: 'Qwen3.5 0.8B for GPUs without shader-f16; text only.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3.5-2B-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen3.5-2B-ONNX-OPT',
    modelLib: 'Qwen3.5-2B-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 2245.44,
    maxHistorySize: 1,
    label: 'Qwen3.5 2B (WebLLM q4f16, text only)',
    strengths: 'Qwen3.5 2B on compiled WebGPU kernels, about 2.2 GB of GPU memory; text only.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3.5-4B-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen3.5-4B-ONNX-OPT',
    modelLib: 'Qwen3.5-4B-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 3867.82,
    maxHistorySize: 1,
    label: 'Qwen3.5 4B (WebLLM q4f16, text only)',
    strengths: 'Qwen3.5 4B on compiled WebGPU kernels, for GPUs with about 4 GB free; text only.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3-0.6B-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen3-0.6B-ONNX',
    modelLib: 'Qwen3-0.6B-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1403.34,
    label: 'Qwen3 0.6B (WebLLM q4f16)',
    strengths: 'The WebGPU-native build of Qwen3 0.6B: compiled kernels, usually the fastest way to run it.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3-0.6B-q4f32_1-MLC',
    sameModelAs: 'onnx-community/Qwen3-0.6B-ONNX',
    modelLib: 'Qwen3-0.6B-q4f32_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1924.98,
    label: 'Qwen3 0.6B (WebLLM q4f32)',
    strengths: 'Qwen3 0.6B for GPUs without shader-f16: fp32 math, more GPU memory.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen3-1.7B-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen3-1.7B-ONNX',
    modelLib: 'Qwen3-1.7B-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 2036.66,
    label: 'Qwen3 1.7B (WebLLM q4f16)',
    strengths: 'Qwen3 1.7B on compiled WebGPU kernels; needs about 2 GB of GPU memory.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen2.5-0.5B-Instruct',
    modelLib: 'Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 944.62,
    label: 'Qwen2.5 0.5B Instruct (WebLLM q4f16)',
    strengths: 'The smallest WebLLM build here: under 1 GB of GPU memory, quick on integrated GPUs.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen2.5-1.5B-Instruct',
    modelLib: 'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1629.75,
    label: 'Qwen2.5 1.5B Instruct (WebLLM q4f16)',
    strengths: 'Steady multilingual instructions on compiled WebGPU kernels.',
  }),
  mlcBuild({
    webllmModelId: 'Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC',
    sameModelAs: 'onnx-community/Qwen2.5-Coder-1.5B-Instruct',
    modelLib: 'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
    vramRequiredMB: 1629.75,
    label: 'Qwen2.5 Coder 1.5B Instruct (WebLLM q4f16)',
    strengths: 'The 1.5B coder on compiled WebGPU kernels.',
  }),
];

/**
 * A GGUF build from the lab's (or a well-known quantizer's) repo. Who made the model, its licence,
 * size and context are those of the transformers.js entry of the same model; the file names are
 * the repo's own.
 */
function ggufBuild(entry: Pick<LlamaCppCatalogEntry, 'repoId' | 'label' | 'strengths' | 'ggufFiles' | 'modelType'> & { sameModelAs: string }): LlamaCppCatalogEntry {
  const twin = CATALOG.find((c): c is TransformersCatalogEntry => c.repoId === entry.sameModelAs && c.engine === 'transformers');
  if (!twin) throw new Error(`${entry.repoId}: sameModelAs "${entry.sameModelAs}" is not in the catalog.`);
  return ggufEntry({ ...twinFacts(twin), contextLength: twin.contextLength, ...entry });
}

/**
 * A GGUF build, offering the formats it has files for on both backends. One with no ONNX export
 * beside it (no `sameModelAs`) states who made it, its licence, size and context itself, and its
 * shape is keyed by its own repo id (CATALOG_SHAPES).
 */
function ggufEntry(entry: Omit<LlamaCppCatalogEntry, 'engine' | 'modelCardUrl' | 'dtypes'>): LlamaCppCatalogEntry {
  const offered = (['q4', 'q8'] as const).filter((dtype) => entry.ggufFiles[dtype] !== undefined);
  return { engine: 'llamacpp', modelCardUrl: modelCardUrl(entry.repoId), dtypes: { wasm: offered, webgpu: offered }, ...entry };
}

/**
 * What the GGUF builds of Qwen3.5 run: llama.cpp here loads the language model only (wllama has no
 * path for the vision projector, the repos' separate mmproj file), so they chat in text; pictures
 * need the ONNX build.
 */
const QWEN35_GGUF_TEXT_ONLY = 'text only: pictures need the ONNX build';

/** GGUF builds run by llama.cpp: the labs' own where they publish them, else unsloth's 4-bit quantizations. */
export const LLAMACPP_CATALOG: readonly LlamaCppCatalogEntry[] = [
  ggufBuild({
    repoId: 'Qwen/Qwen3-0.6B-GGUF',
    label: 'Qwen3 0.6B (GGUF Q8_0, llama.cpp)',
    sameModelAs: 'onnx-community/Qwen3-0.6B-ONNX',
    modelType: 'qwen3',
    ggufFiles: { q8: 'Qwen3-0.6B-Q8_0.gguf' },
    strengths: "Qwen's own GGUF, the file llama.cpp, Ollama and LM Studio deploy; 8-bit.",
  }),
  ggufBuild({
    repoId: 'unsloth/Qwen3-0.6B-GGUF',
    label: 'Qwen3 0.6B (GGUF Q4_K_M, llama.cpp)',
    sameModelAs: 'onnx-community/Qwen3-0.6B-ONNX',
    modelType: 'qwen3',
    ggufFiles: { q4: 'Qwen3-0.6B-Q4_K_M.gguf', q8: 'Qwen3-0.6B-Q8_0.gguf' },
    strengths: 'Qwen3 0.6B in 4-bit K-quants: about 400 MB, the fastest decode on a CPU here.',
  }),
  ggufBuild({
    repoId: 'Qwen/Qwen3-1.7B-GGUF',
    label: 'Qwen3 1.7B (GGUF Q8_0, llama.cpp)',
    sameModelAs: 'onnx-community/Qwen3-1.7B-ONNX',
    modelType: 'qwen3',
    ggufFiles: { q8: 'Qwen3-1.7B-Q8_0.gguf' },
    strengths: "Qwen's own 1.7B GGUF in 8-bit: better reasoning than 0.6B, about 1.8 GB.",
  }),
  ggufBuild({
    repoId: 'unsloth/Qwen3-1.7B-GGUF',
    label: 'Qwen3 1.7B (GGUF Q4_K_M, llama.cpp)',
    sameModelAs: 'onnx-community/Qwen3-1.7B-ONNX',
    modelType: 'qwen3',
    ggufFiles: { q4: 'Qwen3-1.7B-Q4_K_M.gguf', q8: 'Qwen3-1.7B-Q8_0.gguf' },
    strengths: 'Qwen3 1.7B in 4-bit K-quants: about 1.1 GB, half the memory of the 8-bit file.',
  }),
  // No GGUF of Qwen3.5 0.8B or 2B from Qwen itself was found; unsloth's are the ones llama.cpp users
  // deploy (architecture `qwen35`, compiled into wllama 3.13.0's llama.cpp). The file names follow
  // unsloth's naming (`Qwen3.5-4B-Q4_K_M.gguf` in its 4B repo) and were not checked against these
  // repos' listings: a name that differs fails the load as a file not found. Sizes are estimates.
  ...(
    [
      ['0.8B', 'Qwen3.5 0.8B through llama.cpp, 4-bit about 450 MB'],
      ['2B', 'Qwen3.5 2B through llama.cpp, 4-bit about 1.3 GB'],
    ] as const
  ).map(([size, what]) =>
    ggufBuild({
      repoId: `unsloth/Qwen3.5-${size}-GGUF`,
      label: `Qwen3.5 ${size} (GGUF Q4_K_M/Q8_0, llama.cpp, text only)`,
      sameModelAs: `onnx-community/Qwen3.5-${size}-ONNX-OPT`,
      modelType: 'qwen35',
      ggufFiles: { q4: `Qwen3.5-${size}-Q4_K_M.gguf`, q8: `Qwen3.5-${size}-Q8_0.gguf` },
      strengths: `${what}; ${QWEN35_GGUF_TEXT_ONLY}.`,
    }),
  ),
  ggufBuild({
    repoId: 'zai-org/glm-edge-1.5b-chat-gguf',
    label: 'GLM-Edge 1.5B Chat (GGUF Q4_K_M, llama.cpp)',
    sameModelAs: 'onnx-community/glm-edge-1.5b-chat-ONNX',
    modelType: 'chatglm',
    ggufFiles: { q4: 'ggml-model-Q4_K_M.gguf' },
    strengths: "Zhipu's own GGUF of GLM-Edge 1.5B chat, 4-bit: about 980 MB.",
  }),
  // No ONNX export of GLM-Edge 4B exists, so this GGUF is its only build here (the repo moved from THUDM/).
  ggufEntry({
    repoId: 'zai-org/glm-edge-4b-chat-gguf',
    label: 'GLM-Edge 4B Chat (GGUF Q4_K_M/Q8_0, llama.cpp)',
    family: 'GLM-Edge',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    licence: 'Other: GLM-Edge licence',
    parametersB: 4,
    parameters: '4B',
    contextLength: 8192,
    modelType: 'chatglm',
    ggufFiles: { q4: 'ggml-model-Q4_K_M.gguf', q8: 'ggml-model-Q8_0.gguf' },
    strengths: "Zhipu's own GGUF of GLM-Edge 4B chat, for PCs: 4-bit about 2.6 GB, 8-bit about 4.6 GB.",
  }),
];

/** Every model the picker offers: transformers.js models first, then the WebLLM and llama.cpp builds. */
export const ALL_MODELS: readonly CatalogEntry[] = [...CATALOG, ...WEBLLM_CATALOG, ...LLAMACPP_CATALOG];

export function findCatalogEntry(repoId: string): CatalogEntry | undefined {
  return ALL_MODELS.find((entry) => entry.repoId === repoId);
}

/** A model people ask about that this app can't run, and the concrete reason. */
export interface UnavailableModel {
  name: string;
  lab: string;
  country: string;
  /** Total parameters in billions (all experts for mixture-of-experts models). */
  parametersB: number;
  /** Parameters used per token, for mixture-of-experts models. */
  activeParametersB?: number;
  /** Display form, e.g. `355B total, 32B active (MoE)`. */
  parameters: string;
  reason: string;
  /** A catalog repoId from the same lab or line to try instead. */
  tryInstead?: string;
}

// Weight sizes below are parameters × bytes per weight (BF16 2, FP8 1, 4-bit 0.5), before any overhead.
export const UNAVAILABLE_MODELS: readonly UnavailableModel[] = [
  {
    name: 'Kimi K2',
    lab: 'Moonshot AI',
    country: 'China',
    parametersB: 1000,
    activeParametersB: 32,
    parameters: '1T total, 32B active (MoE)',
    reason:
      'A 1-trillion-parameter mixture-of-experts: about 1 TB of FP8 weights and still ~500 GB at 4-bit, ' +
      'hundreds of times what a browser tab can download, store or hold in memory.',
  },
  {
    name: 'GLM-4.5',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    parametersB: 355,
    activeParametersB: 32,
    parameters: '355B total, 32B active (MoE)',
    reason:
      'A 355B-parameter mixture-of-experts (~710 GB in BF16, ~180 GB at 4-bit), and its `glm4_moe` ' +
      'architecture is not implemented in transformers.js 4.3.',
    tryInstead: 'onnx-community/glm-edge-1.5b-chat-ONNX',
  },
  {
    name: 'GLM-4.6',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    parametersB: 355,
    activeParametersB: 32,
    parameters: '355B total, 32B active (MoE)',
    reason:
      'Same 355B-parameter `glm4_moe` mixture-of-experts as GLM-4.5 (~710 GB in BF16, ~180 GB at 4-bit); ' +
      'transformers.js 4.3 has no implementation of that architecture.',
    tryInstead: 'onnx-community/glm-edge-1.5b-chat-ONNX',
  },
  {
    name: 'GLM-4.5-Air',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    parametersB: 106,
    activeParametersB: 12,
    parameters: '106B total, 12B active (MoE)',
    reason:
      'Only 12B parameters are active per token, but all 106B must be loaded: ~210 GB in BF16, ~53 GB at ' +
      '4-bit; its `glm4_moe` architecture is also not implemented in transformers.js 4.3.',
    tryInstead: 'onnx-community/glm-edge-1.5b-chat-ONNX',
  },
  {
    name: 'GLM-Edge-V 2B / 5B',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    parametersB: 5,
    parameters: '2B and 5B (vision-language)',
    reason:
      'Published only as GGUF for llama.cpp (THUDM/glm-edge-v-2b-gguf) and as PyTorch weights that need ' +
      'trust_remote_code: there is no ONNX or MLC export, and transformers.js 4.3 has no class for it.',
    tryInstead: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT',
  },
  {
    name: 'GLM-4-9B-Chat',
    lab: 'Zhipu AI (Z.ai)',
    country: 'China',
    parametersB: 9.4,
    parameters: '9.4B',
    reason:
      'Its checkpoints use the `chatglm` (GLM-4-9B-Chat) and `glm4` (GLM-4-9B-0414) model types, which ' +
      'transformers.js 4.3 does not run, and 9.4B parameters are ~5 GB of weights even at 4-bit.',
    tryInstead: 'onnx-community/glm-edge-1.5b-chat-ONNX',
  },
  {
    name: 'DeepSeek-V3',
    lab: 'DeepSeek',
    country: 'China',
    parametersB: 671,
    activeParametersB: 37,
    parameters: '671B total, 37B active (MoE)',
    reason:
      'A 671B-parameter mixture-of-experts: about 700 GB of FP8 weights and ~340 GB even at 4-bit, far ' +
      'beyond browser storage and GPU memory.',
  },
  {
    name: 'DeepSeek-R1',
    lab: 'DeepSeek',
    country: 'China',
    parametersB: 671,
    activeParametersB: 37,
    parameters: '671B total, 37B active (MoE)',
    reason:
      'Same 671B-parameter mixture-of-experts as DeepSeek-V3 (about 700 GB of FP8 weights); the 1.5B ' +
      'distill in the catalog is the R1 that fits in a browser.',
    tryInstead: 'onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX',
  },
  {
    name: 'Qwen3-235B-A22B',
    lab: 'Alibaba Qwen',
    country: 'China',
    parametersB: 235,
    activeParametersB: 22,
    parameters: '235B total, 22B active (MoE)',
    reason:
      'transformers.js knows its `qwen3_moe` architecture, but all 235B parameters must be loaded: ' +
      '~470 GB in BF16, ~118 GB at 4-bit.',
    tryInstead: 'onnx-community/Qwen3-1.7B-ONNX',
  },
];

const KNOWN_DTYPES: Record<Dtype, true> = { fp32: true, fp16: true, q8: true, q4: true, q4f16: true };

/** fp16 math needs WebGPU's shader-f16 feature; the WASM backend never runs these. */
const F16_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['q4f16', 'fp16']);

const MAX_STRENGTHS_CHARS = 120;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function checkDtypes(backend: Backend, list: unknown, problems: string[]): Dtype[] {
  if (!Array.isArray(list)) {
    problems.push(`dtypes.${backend} must be a list.`);
    return [];
  }
  const seen = new Set<string>();
  for (const dtype of list) {
    if (typeof dtype !== 'string' || !Object.hasOwn(KNOWN_DTYPES, dtype)) {
      problems.push(`dtypes.${backend} has unknown dtype "${String(dtype)}".`);
    } else if (seen.has(dtype)) {
      problems.push(`dtypes.${backend} lists "${dtype}" twice.`);
    }
    seen.add(String(dtype));
  }
  return list.filter((d): d is Dtype => typeof d === 'string' && Object.hasOwn(KNOWN_DTYPES, d));
}

/**
 * Problems with one catalog entry, as readable sentences; empty when the entry is valid. Pure, and
 * defensive about missing fields so hand-written or future entries get messages, not exceptions.
 */
export function validateCatalogEntry(entry: CatalogEntry): string[] {
  const problems: string[] = [];
  const e = entry as Partial<CatalogEntry> & Record<string, unknown>;
  const repoId = typeof e.repoId === 'string' ? e.repoId : '';

  if (e.engine !== 'transformers' && e.engine !== 'webllm' && e.engine !== 'llamacpp') problems.push(`Unknown engine "${String(e.engine)}".`);
  if (!isValidRepoId(repoId)) problems.push(`repoId "${repoId}" is not a valid hub id (org/name).`);
  if (e.modelCardUrl !== modelCardUrl(repoId)) {
    problems.push(`modelCardUrl "${String(e.modelCardUrl)}" does not point at ${modelCardUrl(repoId)}.`);
  }
  for (const field of ['label', 'family', 'lab', 'country', 'licence', 'parameters'] as const) {
    if (!isNonEmptyString(e[field])) problems.push(`${field} is empty.`);
  }
  if (typeof e.parametersB !== 'number' || !Number.isFinite(e.parametersB) || e.parametersB <= 0) {
    problems.push(`parametersB must be a positive number (got ${String(e.parametersB)}).`);
  }
  if (!Number.isInteger(e.contextLength) || (e.contextLength as number) <= 0) {
    problems.push(`contextLength must be a positive integer (got ${String(e.contextLength)}).`);
  }

  const strengths = typeof e.strengths === 'string' ? e.strengths : '';
  if (!strengths.trim()) problems.push('strengths is empty.');
  if (/[\r\n]/.test(strengths)) problems.push('strengths must be one line.');
  if (strengths.length > MAX_STRENGTHS_CHARS) {
    problems.push(`strengths is ${strengths.length} characters; keep it to ${MAX_STRENGTHS_CHARS}.`);
  }

  const wasm = checkDtypes('wasm', e.dtypes?.wasm, problems);
  const webgpu = checkDtypes('webgpu', e.dtypes?.webgpu, problems);
  if (wasm.length + webgpu.length === 0) problems.push('No dtype offered for any backend.');
  for (const dtype of wasm) {
    if (F16_DTYPES.has(dtype)) problems.push(`dtypes.wasm offers "${dtype}", which needs WebGPU shader-f16.`);
  }

  if (e.engine === 'transformers') {
    const modelType = (e as Partial<TransformersCatalogEntry>).modelType;
    if (!isNonEmptyString(modelType) || !SUPPORTED_MODEL_TYPES.has(modelType)) {
      problems.push(`modelType "${String(modelType)}" is not one this app runs.`);
    }
  }

  if (e.engine === 'webllm') {
    const w = e as Partial<WebLLMCatalogEntry>;
    if (wasm.length > 0) problems.push('WebLLM runs on WebGPU only; dtypes.wasm must be empty.');
    if (!isNonEmptyString(w.webllmModelId)) problems.push('webllmModelId is empty.');
    else if (repoId !== `mlc-ai/${w.webllmModelId}`) problems.push(`repoId must be mlc-ai/${w.webllmModelId}.`);
    const twin = typeof w.sameModelAs === 'string' ? CATALOG.find((c) => c.repoId === w.sameModelAs) : undefined;
    if (!twin) problems.push(`sameModelAs "${String(w.sameModelAs)}" is not a transformers.js catalog entry.`);
    if (!isNonEmptyString(w.modelLib) || !w.modelLib.endsWith('-webgpu.wasm')) {
      problems.push(`modelLib "${String(w.modelLib)}" is not a WebGPU model library file name.`);
    }
    if (typeof w.vramRequiredMB !== 'number' || !Number.isFinite(w.vramRequiredMB) || w.vramRequiredMB <= 0) {
      problems.push(`vramRequiredMB must be a positive number (got ${String(w.vramRequiredMB)}).`);
    }
    const features = Array.isArray(w.requiredFeatures) ? w.requiredFeatures : null;
    if (!features) problems.push('requiredFeatures must be a list (empty when none).');
    // The picker gates WebLLM records on these features, so an f16 build must declare what it needs.
    if (features && webgpu.some((d) => F16_DTYPES.has(d)) && !features.includes('shader-f16')) {
      problems.push('An fp16 WebLLM build must list "shader-f16" in requiredFeatures.');
    }
  }

  if (e.engine === 'llamacpp') {
    const l = e as Partial<LlamaCppCatalogEntry>;
    if (!isNonEmptyString(l.modelType) || architectureRefusal(l.modelType) !== null) {
      problems.push(`modelType "${String(l.modelType)}" is not an architecture the bundled llama.cpp runs.`);
    }
    for (const dtype of new Set([...wasm, ...webgpu])) {
      const files = l.ggufFiles?.[dtype];
      const list = typeof files === 'string' ? [files] : Array.isArray(files) ? files : [];
      if (list.length === 0) problems.push(`dtype "${dtype}" is offered but ggufFiles names no file for it.`);
      for (const file of list) if (!isGgufPath(file)) problems.push(`ggufFiles.${dtype} "${String(file)}" is not a .gguf model file.`);
    }
    if (l.sameModelAs !== undefined && !CATALOG.some((c) => c.repoId === l.sameModelAs)) {
      problems.push(`sameModelAs "${String(l.sameModelAs)}" is not a transformers.js catalog entry.`);
    }
  }

  return problems;
}
