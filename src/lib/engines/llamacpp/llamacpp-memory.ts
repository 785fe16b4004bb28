// What llama.cpp is asked to keep beside the weights on WASM, where the KV cache and the compute
// buffers sit in the page's own memory. With wllama's defaults (f16 KV cache, 512-token
// micro-batches) they outweighed a 4-bit 0.6B model's file: 448 MiB of KV cache at 4096 tokens,
// and a compute buffer holding the logits of a whole micro-batch over a 152k vocabulary. Measured
// on the Qwen3-0.6B-shaped Q4_K file (2 threads, n_ctx 4096): renderer peak 1302–1350 MiB before,
// 1063–1210 MiB with these settings; on a busy 2-core machine decode went 0.9–2.0 → 1.1–2.2 tok/s
// and prefill 5.6–8.7 → 5.4–7.1 tok/s, within that machine's run-to-run spread.
import type { LoadModelParams } from '@wllama/wllama';

/** llama.cpp's q8_0 stores 32 values per block: a KV row must be a whole number of blocks. */
const Q8_0_BLOCK = 32;

/** The head sizes a GGUF names (`<arch>.attention.key_length` / `value_length`); null when it doesn't. */
export interface HeadSizes {
  key: number | null;
  value: number | null;
}

/**
 * 128-token micro-batches (a quarter of the compute buffer; a prompt is still read in batches of
 * 512) and, where the heads split into q8_0 blocks, an 8-bit KV cache: half the f16 one, and
 * llama.cpp needs flash attention to quantize V. The context length is not touched, so every
 * prompt that fitted still fits. Heads of other sizes (tiny test models) keep the f16 cache.
 */
export function wasmMemoryParams(heads: HeadSizes): Partial<LoadModelParams> {
  const params: Partial<LoadModelParams> = { n_batch: 512, n_ubatch: 128 };
  const fits = (size: number | null) => size !== null && size > 0 && size % Q8_0_BLOCK === 0;
  if (fits(heads.key) && fits(heads.value)) Object.assign(params, { cache_type_k: 'q8_0', cache_type_v: 'q8_0', flash_attn: true });
  return params;
}
