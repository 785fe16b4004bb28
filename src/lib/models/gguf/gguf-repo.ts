// Which GGUF file(s) of a repo a load reads. GGUF repos hold one file per quantization
// (`Qwen3-0.6B-Q8_0.gguf`, `…-Q4_K_M.gguf`), sometimes split into parts; the app's dtype names
// stand for them: 'q8' is a Q8_0 file, 'q4' a 4-bit one (Q4_K_M first, then Q4_K_S, Q4_0).
import type { Dtype } from '../../engines/types';
import { parseSplitName, splitFamily } from './gguf-split';

/** Quantization name patterns per dtype, best first; matched against the file name. */
const QUANTS: Partial<Record<Dtype, readonly RegExp[]>> = {
  q8: [/[-_.]Q8_0[-_.]/i],
  q4: [/[-_.]Q4_K_M[-_.]/i, /[-_.]Q4_K_S[-_.]/i, /[-_.]Q4_K[-_.]/i, /[-_.]Q4_0[-_.]/i],
  fp16: [/[-_.](F16|BF16)[-_.]/i],
  fp32: [/[-_.]F32[-_.]/i],
};

/** Vision projectors and other side files sit in the same repos but are no chat model on their own. */
const SIDE_FILE = /(^|\/)(mmproj|imatrix)[^/]*$/i;

export function isGgufPath(path: string): boolean {
  return /\.gguf$/i.test(path) && !SIDE_FILE.test(path);
}

/** The paths to load for `dtype` (every part, in order, for a split file), or null when the repo has none. */
export function ggufFilesFor(paths: Iterable<string>, dtype: Dtype): string[] | null {
  const ggufs = [...paths].filter(isGgufPath).sort();
  for (const pattern of QUANTS[dtype] ?? []) {
    // A single file is preferred over the same quantization split into parts.
    const matching = ggufs.filter((path) => pattern.test(baseName(path).replace(/\.gguf$/i, '.')));
    const whole = matching.find((path) => !parseSplitName(baseName(path)));
    if (whole) return [whole];
    for (const path of matching) {
      const family = splitFamily(baseName(path));
      if (!family) continue;
      const folder = path.slice(0, path.length - baseName(path).length);
      const parts = family.map((name) => folder + name);
      if (parts.every((part) => ggufs.includes(part))) return parts;
    }
  }
  return null;
}

/** The dtypes a repo's GGUF files offer, 4-bit first (llama.cpp's CPU kernels run it fastest). */
export function ggufDtypes(paths: Iterable<string>): Dtype[] {
  const list = [...paths];
  return (['q4', 'q8', 'fp16', 'fp32'] as const).filter((dtype) => ggufFilesFor(list, dtype) !== null);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
