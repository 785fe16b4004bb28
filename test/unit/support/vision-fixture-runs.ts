// Running the generated vision-language fixtures the way the app does: chat template to text, a
// one-colour picture, and greedy generation in each weight format (the embeddings have no q4 file).
import { type PreTrainedTokenizer, RawImage } from '@huggingface/transformers';
import type { FixtureDtype } from '../../fixtures/model-repos';

export type ChatMessage = { role: string; content: unknown; tool_calls?: unknown };

/** apply_chat_template → text; template kwargs (enable_thinking, tools) are missing from the option types. */
export function chatText(tokenizer: PreTrainedTokenizer, messages: ChatMessage[], extra: Record<string, unknown> = {}): string {
  return tokenizer.apply_chat_template(messages as never, { add_generation_prompt: true, tokenize: false, ...extra } as never) as unknown as string;
}

export function solidImage(rgb: [number, number, number], size: number): RawImage {
  const data = new Uint8ClampedArray(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
  return new RawImage(data, size, size, 3);
}

/** The per-session weight formats a load of `dtype` asks for. */
export function sessionDtypes(dtype: FixtureDtype) {
  return { embed_tokens: dtype === 'q4' ? 'q8' : dtype, vision_encoder: dtype, decoder_model_merged: dtype } as never;
}

interface GeneratingModel {
  generate(inputs: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<unknown>;
}

/** Greedy new tokens of a freshly loaded model for `inputs`, decoded with special tokens kept; the model is disposed. */
export async function greedyAnswer(
  load: () => Promise<GeneratingModel>,
  tokenizer: PreTrainedTokenizer,
  inputs: { input_ids: { dims: number[] } } & Record<string, unknown>,
  maxNewTokens = 8,
): Promise<string> {
  const model = await load();
  try {
    const out = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as { data: BigInt64Array };
    const fresh = Array.from(out.data).slice(inputs.input_ids.dims[1]!).map(Number);
    return tokenizer.decode(fresh, { skip_special_tokens: false });
  } finally {
    await model.dispose();
  }
}
