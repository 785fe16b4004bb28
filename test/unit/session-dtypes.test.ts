import { describe, expect, it } from 'vitest';
import { modelLayout, sessionDtypes, sessionFile } from '../../src/lib/engines/transformers/session-dtypes';
import type { Dtype } from '../../src/lib/engines/types';

const ALL: Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
const everyFile = (sessions: string[]) => new Set(sessions.flatMap((session) => ALL.map((dtype) => sessionFile(session as never, dtype))));

describe('sessionDtypes', () => {
  it('never picks the block-quantized (GatherBlockQuantized) embeddings on WASM, for any choice', () => {
    for (const dtype of ALL) {
      for (const available of [null, everyFile(['embed_tokens', 'decoder_model_merged', 'vision_encoder'])]) {
        const picked = sessionDtypes('wasm', dtype, available);
        expect(['q4', 'q4f16']).not.toContain(picked.embed_tokens);
        expect(picked.decoder_model_merged).toBe(dtype);
      }
    }
  });

  it('q4 on WASM reads embeddings from q8, the decoder from q4, vision in fp32', () => {
    expect(sessionDtypes('wasm', 'q4')).toEqual({ decoder_model_merged: 'q4', embed_tokens: 'q8', vision_encoder: 'fp32' });
  });

  it('on WebGPU every session can use the chosen weights, and vision runs in fp16 with fp16 weights', () => {
    expect(sessionDtypes('webgpu', 'q4f16')).toEqual({ decoder_model_merged: 'q4f16', embed_tokens: 'q4f16', vision_encoder: 'fp16' });
    expect(sessionDtypes('webgpu', 'q4')).toEqual({ decoder_model_merged: 'q4', embed_tokens: 'q4', vision_encoder: 'fp32' });
  });

  it('moves a session to a format the repo has when the hub listed its files', () => {
    const listed = new Set(['onnx/embed_tokens_fp16.onnx', 'onnx/embed_tokens_q4.onnx', 'onnx/vision_encoder_fp16.onnx', 'onnx/decoder_model_merged_q4.onnx']);
    expect(sessionDtypes('wasm', 'q4', listed)).toEqual({ decoder_model_merged: 'q4', embed_tokens: 'fp16', vision_encoder: 'fp16' });
  });
});

describe('modelLayout', () => {
  it('reads the layout from model_type', () => {
    expect(modelLayout({ model_type: 'qwen3_5', architectures: ['Qwen3_5ForConditionalGeneration'] })).toBe('vision-language');
    expect(modelLayout({ model_type: 'qwen3' })).toBe('decoder-only');
    expect(modelLayout({})).toBe('decoder-only');
  });
});
