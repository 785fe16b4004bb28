// What a GGUF header says about the model in it, in the terms the app shows and decides on
// (architecture, size, quantization, context, chat template), and whether the bundled llama.cpp
// runs it: refused with a reason before anything is downloaded in full.
import { GGML_TYPES, LLAMA_FILE_TYPES } from './gguf-format';
import { GgufFormatError, GgufUnsupportedArchitectureError } from './gguf-errors';
import { type GgufHeader, type GgufValue, readGgufHeader, type ReadGgufOptions } from './gguf-reader';
import { SPLIT_KEYS } from './gguf-split';

/**
 * Architectures the app runs through llama.cpp (wllama 3.13.0 = llama.cpp b12211 builds them all
 * in): Qwen2/2.5 and Qwen3 dense, Qwen3.5 (`qwen35`: hybrid gated-DeltaNet attention), GLM-Edge
 * (`chatglm`, which llama.cpp also uses for ChatGLM3/GLM-4 9B), GLM-4-0414 (`glm4`) and Llama.
 */
export const LLAMA_CPP_ARCHITECTURES: readonly string[] = Object.freeze(['qwen2', 'qwen3', 'qwen35', 'chatglm', 'glm4', 'llama']);

/** Architectures that are in a GGUF but aren't chat models on their own, with why. */
const NOT_CHAT_MODELS: Readonly<Record<string, string>> = Object.freeze({
  clip: 'is a vision projector (mmproj) that goes beside a language model, not a model to chat with',
  bert: 'is a text-embedding model, not a chat model',
  'nomic-bert': 'is a text-embedding model, not a chat model',
  t5encoder: 'is a text encoder, not a chat model',
});

export interface GgufSplitInfo {
  /** 0-based, like `split.no`. */
  index: number;
  count: number;
  /** Tensors across all parts. */
  tensorsTotal: number | null;
}

export interface GgufModelInfo {
  architecture: string;
  name: string | null;
  /** `general.file_type` as llama-quantize names it ("Q4_K_M"), else the type holding most bytes. */
  quantization: string;
  fileType: number | null;
  /** Tensor type name → how many tensors and bytes have it. */
  tensorTypes: Record<string, { tensors: number; bytes: number }>;
  contextLength: number | null;
  blockCount: number | null;
  embeddingLength: number | null;
  feedForwardLength: number | null;
  headCount: number | null;
  headCountKv: number | null;
  vocabSize: number | null;
  chatTemplate: string | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
  /** tokenizer.ggml.model ("gpt2" for byte-level BPE) and its pre-tokenizer ("qwen2", "chatglm-bpe"). */
  tokenizerModel: string | null;
  tokenizerPre: string | null;
  tensorCount: number;
  tensorDataBytes: number;
  dataOffset: number;
  fileBytes: number;
  split: GgufSplitInfo | null;
}

const asNumber = (v: GgufValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Per-layer values (an array, as in models with mixed layers) are reported as their largest. */
function asCount(v: GgufValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (ArrayBuffer.isView(v) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array) && !(v instanceof DataView)) {
    const values = v as unknown as ArrayLike<number>;
    let max: number | null = null;
    for (let i = 0; i < values.length; i++) max = max === null ? values[i]! : Math.max(max, values[i]!);
    return max;
  }
  return null;
}

const asString = (v: GgufValue | undefined): string | null => (typeof v === 'string' ? v : null);

function arrayLength(v: GgufValue | undefined): number | null {
  if (Array.isArray(v)) return v.length;
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<unknown>).length;
  return null;
}

function splitInfo(header: GgufHeader): GgufSplitInfo | null {
  const count = asNumber(header.metadata.get(SPLIT_KEYS.count));
  if (count === null || count <= 1) return null;
  const index = asNumber(header.metadata.get(SPLIT_KEYS.index)) ?? 0;
  if (index < 0 || index >= count) throw new GgufFormatError(`split.no is ${index} but split.count is ${count}.`);
  return { index, count, tensorsTotal: asNumber(header.metadata.get(SPLIT_KEYS.tensorsTotal)) };
}

/**
 * Summarises a header. Only the first part of a split model carries the model's metadata; for a
 * later part `architecture` comes back as the empty string with nothing else known.
 */
export function describeGgufModel(header: GgufHeader): GgufModelInfo {
  const m = header.metadata;
  const split = splitInfo(header);
  const architecture = asString(m.get('general.architecture'));
  if (architecture === null && !(split && split.index > 0)) {
    throw new GgufFormatError('The GGUF file has no general.architecture, so no engine can tell what model it holds.');
  }
  const arch = architecture ?? '';
  const key = (k: string) => m.get(`${arch}.${k}`);

  const tensorTypes: GgufModelInfo['tensorTypes'] = {};
  for (const t of header.tensors) {
    const name = GGML_TYPES[t.type]!.name;
    const entry = (tensorTypes[name] ??= { tensors: 0, bytes: 0 });
    entry.tensors += 1;
    entry.bytes += t.byteSize;
  }
  const fileType = asNumber(m.get('general.file_type'));
  const dominant = Object.entries(tensorTypes).sort((a, b) => b[1].bytes - a[1].bytes)[0]?.[0] ?? 'unknown';
  const quantization = (fileType !== null ? LLAMA_FILE_TYPES[fileType] : undefined) ?? dominant;

  return {
    architecture: arch,
    name: asString(m.get('general.name')),
    quantization,
    fileType,
    tensorTypes,
    contextLength: asNumber(key('context_length')),
    blockCount: asNumber(key('block_count')),
    embeddingLength: asNumber(key('embedding_length')),
    feedForwardLength: asCount(key('feed_forward_length')),
    headCount: asCount(key('attention.head_count')),
    headCountKv: asCount(key('attention.head_count_kv')),
    vocabSize: asNumber(key('vocab_size')) ?? arrayLength(m.get('tokenizer.ggml.tokens')),
    chatTemplate: asString(m.get('tokenizer.chat_template')),
    bosTokenId: asNumber(m.get('tokenizer.ggml.bos_token_id')),
    eosTokenId: asNumber(m.get('tokenizer.ggml.eos_token_id')),
    tokenizerModel: asString(m.get('tokenizer.ggml.model')),
    tokenizerPre: asString(m.get('tokenizer.ggml.pre')),
    tensorCount: header.tensors.length,
    tensorDataBytes: header.tensorDataBytes,
    dataOffset: header.dataOffset,
    fileBytes: header.fileBytes,
    split,
  };
}

/** Why the app won't run `architecture` through llama.cpp, or null when it will. */
export function architectureRefusal(architecture: string): string | null {
  if (LLAMA_CPP_ARCHITECTURES.includes(architecture)) return null;
  const shown = LLAMA_CPP_ARCHITECTURES.join(', ');
  const why = NOT_CHAT_MODELS[architecture];
  if (why) return `This GGUF file ${why} (architecture "${architecture}").`;
  return `This GGUF model's architecture "${architecture}" isn't one the app runs with llama.cpp (it runs ${shown}).`;
}

/** Throws GgufUnsupportedArchitectureError unless the model's architecture is one the app runs. */
export function assertRunnableArchitecture(info: GgufModelInfo): void {
  if (info.split && info.split.index > 0) return; // later parts carry no architecture; the first part decides
  const reason = architectureRefusal(info.architecture);
  if (reason !== null) throw new GgufUnsupportedArchitectureError(info.architecture, reason);
}

/** Reads a GGUF file's head and summarises it; refuses architectures the app doesn't run. */
export async function inspectGguf(blob: Blob, options: ReadGgufOptions = {}): Promise<GgufModelInfo> {
  const info = describeGgufModel(await readGgufHeader(blob, options));
  assertRunnableArchitecture(info);
  return info;
}
