// Teacher-forced top-1 tokens from llama.cpp, for the GPU correctness check. wllama 3 exposes no
// tokenizer and no logits, only llama-server's completion, and a token-id prompt fails in its glue
// (3.13: "Invalid typed array length"). So the text is split here at the boundaries of the GGUF's
// own vocabulary (longest match: the same split on every backend, since both read the same file),
// each prefix is sent as text for one token, and llama.cpp reports the most probable next token
// from the raw logits (`n_probs`). Consecutive prefixes share the KV cache, so each position costs
// about one token's forward pass.
import { UnsupportedModelError } from '../errors';
import type { GgufValue } from '../../models/gguf/gguf-reader';

/** GPT-2's byte-to-character table, in which byte-level BPE vocabularies (tokenizer.ggml.model "gpt2") store tokens. */
function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  return table;
}

export interface GgufVocabulary {
  /** tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece). */
  model: string;
  tokens: readonly string[];
}

/** The vocabulary from a GGUF header's metadata. */
export function vocabularyOf(metadata: ReadonlyMap<string, GgufValue>): GgufVocabulary {
  const model = metadata.get('tokenizer.ggml.model');
  const tokens = metadata.get('tokenizer.ggml.tokens');
  if (typeof model !== 'string' || !Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) {
    throw new UnsupportedModelError('This GGUF file has no tokenizer vocabulary, so the GPU check cannot feed it a text.');
  }
  return { model, tokens: tokens as string[] };
}

export interface TextPieces {
  /** Ids of the vocabulary's tokens that spell the text, longest match first. */
  ids: number[];
  /** The text up to the end of each of those tokens. */
  prefixes: string[];
}

/**
 * `text` cut into tokens of `vocab`, longest token first at each point. Not always the split
 * llama.cpp's own tokenizer would pick, but the same on every backend.
 */
export function splitByVocabulary(text: string, vocab: GgufVocabulary): TextPieces {
  const bytes = new TextEncoder().encode(text);
  let symbols: string[];
  let prefixAt: (end: number) => string;
  if (vocab.model === 'gpt2') {
    const table = byteLevelAlphabet();
    symbols = [...bytes].map((b) => table[b]!);
    const decoder = new TextDecoder();
    prefixAt = (end) => decoder.decode(bytes.subarray(0, end));
  } else if (vocab.model === 'llama') {
    // SentencePiece spells a space "▁" and starts the text with one; llama.cpp adds that one itself.
    symbols = [...`▁${text.replaceAll(' ', '▁')}`];
    const chars = [...text];
    prefixAt = (end) => chars.slice(0, Math.max(0, end - 1)).join('');
  } else {
    throw new UnsupportedModelError(`The GPU check can't split text for a "${vocab.model}" tokenizer.`);
  }
  const idOf = new Map<string, number>();
  let longest = 1;
  vocab.tokens.forEach((token, id) => {
    if (!idOf.has(token)) idOf.set(token, id);
    longest = Math.max(longest, [...token].length);
  });
  const ids: number[] = [];
  const prefixes: string[] = [];
  for (let i = 0; i < symbols.length; ) {
    let n = Math.min(longest, symbols.length - i);
    while (n > 0 && !idOf.has(symbols.slice(i, i + n).join(''))) n--;
    if (n > 0) {
      ids.push(idOf.get(symbols.slice(i, i + n).join(''))!);
    } else {
      // SentencePiece's byte fallback (<0xNN> tokens): one position for the character, named by its first byte.
      const fallback = vocab.model === 'llama' ? [...new TextEncoder().encode(symbols[i]!)].map((b) => idOf.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)) : [];
      if (!fallback.length || fallback.some((id) => id === undefined)) {
        throw new UnsupportedModelError(`The model's vocabulary has no token for "${symbols[i]}", so the GPU check cannot feed it this text.`);
      }
      ids.push(fallback[0]!);
      n = 1;
    }
    i += n;
    prefixes.push(prefixAt(i));
  }
  return { ids, prefixes };
}

/** The shape of the completion response read here (llama-server's `n_probs` output). */
interface ProbsResponse {
  choices?: { logprobs?: { content?: { id?: number; top_logprobs?: { id?: number }[] }[] } | null }[];
}

/** The most probable next token llama.cpp reported for a one-token completion with `n_probs` ≥ 1. */
export function topTokenOf(response: unknown): number {
  const first = (response as ProbsResponse)?.choices?.[0]?.logprobs?.content?.[0];
  const id = first?.top_logprobs?.[0]?.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw new UnsupportedModelError('llama.cpp returned no token probabilities, so the GPU check has nothing to compare.');
  }
  return id;
}
