// Which weight file each ONNX session of a model loads. A decoder-only export is one session
// (`onnx/model*.onnx`), so the chosen weights are the file. A vision-language export such as
// Qwen3.5 or GLM-OCR is three sessions — `embed_tokens`, `decoder_model_merged`, `vision_encoder` — and the
// chosen weights apply to the decoder, where the time goes. The other two follow what the backend
// can run:
// - a q4 `embed_tokens` uses the `GatherBlockQuantized` operator, which onnxruntime-web's WASM
//   build does not have, so on WASM the table is read from the q8 (or float) file instead;
// - the vision encoder is small and sensitive to rounding, so it stays float: fp16 on a GPU that
//   runs fp16 weights, fp32 elsewhere.
import type { Backend, Dtype } from '../types';

export type SessionName = 'embed_tokens' | 'decoder_model_merged' | 'vision_encoder';
export type SessionDtypes = Readonly<Record<SessionName, Dtype>>;

/** How a repo's config lays its model out in ONNX sessions. */
export type ModelLayout = 'decoder-only' | 'vision-language';

/** Architectures whose exports are embed + decoder + vision sessions, by `model_type`. */
const VISION_LANGUAGE_MODEL_TYPES = new Set(['qwen3_5', 'glm_ocr']);

export function modelLayout(config: Record<string, unknown>): ModelLayout {
  return typeof config.model_type === 'string' && VISION_LANGUAGE_MODEL_TYPES.has(config.model_type) ? 'vision-language' : 'decoder-only';
}

const FILE_SUFFIX: Readonly<Record<Dtype, string>> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };

/** The file a session loads for a dtype, as transformers.js names it. */
export function sessionFile(session: SessionName | 'model', dtype: Dtype): string {
  return `onnx/${session}${FILE_SUFFIX[dtype]}.onnx`;
}

/** Dtypes whose embedding file is `GatherBlockQuantized` (block-quantized int4). */
const BLOCK_QUANTIZED: ReadonlySet<Dtype> = new Set(['q4', 'q4f16']);

/**
 * The dtype of each session for `dtype` on `backend`. `available` (the repo's files, when the hub
 * listed them) moves a session to the next format it actually has.
 */
export function sessionDtypes(backend: Backend, dtype: Dtype, available: ReadonlySet<string> | null = null): SessionDtypes {
  const has = (session: SessionName, candidate: Dtype) => available === null || available.has(sessionFile(session, candidate));
  const first = (session: SessionName, candidates: Dtype[]) => candidates.find((candidate) => has(session, candidate)) ?? candidates[0];

  const halfFloat = dtype === 'fp16' || dtype === 'q4f16';
  const embedCandidates: Dtype[] =
    backend === 'wasm' ? ([dtype, 'q8', 'fp32', 'fp16'] as Dtype[]).filter((candidate) => !BLOCK_QUANTIZED.has(candidate)) : [dtype, 'fp16', 'fp32'];
  return {
    decoder_model_merged: dtype,
    embed_tokens: first('embed_tokens', embedCandidates),
    vision_encoder: first('vision_encoder', backend === 'webgpu' && halfFloat ? ['fp16', 'fp32'] : ['fp32', 'fp16']),
  };
}

/** One line for the Load line and exports, e.g. "decoder q4 · embeddings q8 · vision fp32". */
export function describeSessionDtypes(dtypes: SessionDtypes): string {
  return `decoder ${dtypes.decoder_model_merged} · embeddings ${dtypes.embed_tokens} · vision ${dtypes.vision_encoder}`;
}
