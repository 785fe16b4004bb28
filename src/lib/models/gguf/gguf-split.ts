// Split GGUF files (llama-gguf-split): `<name>-00001-of-00003.gguf` … each a GGUF of its own whose
// metadata carries `split.no` (0-based), `split.count` and `split.tensors.count`; the first part
// holds the model's metadata, every part its own tensors.

export const SPLIT_KEYS = Object.freeze({
  index: 'split.no',
  count: 'split.count',
  tensorsTotal: 'split.tensors.count',
});

/** What a split file's name says about it; `index` is 0-based like `split.no`. */
export interface SplitName {
  /** The name without the `-0000i-of-0000n.gguf` tail. */
  prefix: string;
  index: number;
  count: number;
}

const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** Parses a split file's name (a path is fine); null for a name without the split tail or with impossible numbers. */
export function parseSplitName(fileName: string): SplitName | null {
  const m = SPLIT_NAME.exec(fileName);
  if (!m) return null;
  const no = Number(m[2]);
  const count = Number(m[3]);
  if (count < 1 || no < 1 || no > count) return null;
  return { prefix: m[1]!, index: no - 1, count };
}

/** The file name of part `index` (0-based) of `count`: llama.cpp's `llama_split_path` format. */
export function splitFileName(prefix: string, index: number, count: number): string {
  if (!Number.isInteger(count) || count < 1 || count > 99_999) throw new RangeError(`split count ${count} is out of range`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`split index ${index} is out of range for ${count} parts`);
  const pad = (n: number) => String(n).padStart(5, '0');
  return `${prefix}-${pad(index + 1)}-of-${pad(count)}.gguf`;
}

/** Every part's file name, given any one of them; null for a name that isn't a split file. */
export function splitFamily(fileName: string): string[] | null {
  const s = parseSplitName(fileName);
  if (!s) return null;
  return Array.from({ length: s.count }, (_, i) => splitFileName(s.prefix, i, s.count));
}
