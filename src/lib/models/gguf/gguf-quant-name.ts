// The quantization a GGUF file name announces (`Qwen3-0.6B-Q4_K_M.gguf` → `Q4_K_M`), as the
// Models view and the picker show it before anything is downloaded. The header says it for sure
// once read (gguf-model-info.ts); hubs name files this way, so the name is a fair first answer.
import type { Dtype } from '../../engines/types';

const QUANT_IN_NAME = /(?:^|[-_.])((?:IQ|Q)\d_(?:K_[SML]|K|\d|XXS|XS|S|M|NL)|BF16|F16|F32)(?=[-_.]|$)/i;

export function ggufQuantName(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.gguf$/i, '');
  return QUANT_IN_NAME.exec(name)?.[1].toUpperCase() ?? null;
}

/** The quantization of a catalog entry's file for `dtype`: its first part's name, else the dtype's usual file. */
export function ggufWeightsLabel(files: string | readonly string[] | undefined, dtype: Dtype): string {
  const first = typeof files === 'string' ? files : files?.[0];
  return (first && ggufQuantName(first)) ?? (dtype === 'q8' ? 'Q8_0' : dtype === 'q4' ? 'Q4_K_M' : dtype.toUpperCase());
}
