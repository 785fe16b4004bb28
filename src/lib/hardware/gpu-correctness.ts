// "Does this GPU compute correctly?" The same weights are run on WebGPU and on WASM over a fixed
// text with teacher forcing (each position sees the text, not the model's own picks), and the
// top-1 next token is compared at every position.
//
// Why 90 %: with identical weights the two backends differ only in rounding: the order of fp32
// additions (about 1e-6 relative), or fp16 arithmetic on a GPU with shader-f16 (about 1e-3). That
// changes the top-1 token only where the two best tokens are all but tied, which in a trained
// model is a few positions in a hundred. A GPU that computes garbage (a driver's fp16 bug, a
// shader miscompiled, zeros from a missing feature) agrees about as often as chance: one
// position in the vocabulary's size. 90 % sits far from both.
import type { Dtype, TopTokens } from '../engines/types';
import type { GpuCorrectness } from '../results/result-types';

/** Ordinary prose, code and numbers, so the check exercises what a demo does. */
export const CHECK_TEXT =
  'The quarterly report shows revenue of 4.2 million dollars, up 12 percent from last year. ' +
  'function total(items) { return items.reduce((sum, item) => sum + item.price, 0); } ' +
  'Customers in Berlin, Shanghai and Austin asked for faster delivery and clearer invoices.';

/** Positions compared: enough to see a broken GPU at once, few enough for one short forward pass. */
export const CHECK_POSITIONS = 64;

/** Below this share of agreeing positions the GPU's output is flagged (see the header). */
export const AGREEMENT_THRESHOLD = 0.9;

/**
 * A flagged GPU that picks one token at this share of the positions, where the CPU does not, is
 * named as flat output: logits that are all zero (or all equal) make every position pick the same
 * token, which is what a GPU flushing small numbers to zero or reading unsupported fp16 data shows.
 */
export const FLAT_OUTPUT_SHARE = 0.9;

export class TokenizationMismatchError extends Error {
  override name = 'TokenizationMismatchError';
}

export interface CorrectnessCheck extends GpuCorrectness {
  /** The WebGPU adapter the check ran on, as the app describes it. */
  device: string;
  /** ISO 8601. */
  takenAt: string;
}

/** Compares the GPU's top-1 tokens with the CPU's at every position both were fed the same token. */
export function compareTopTokens(gpu: TopTokens, cpu: TopTokens): { positions: number; agreeing: number } {
  if (gpu.tokens.length !== cpu.tokens.length || gpu.tokens.some((token, i) => token !== cpu.tokens[i])) {
    throw new TokenizationMismatchError('The two backends were fed different tokens, so their predictions cannot be compared.');
  }
  const positions = Math.min(gpu.top.length, cpu.top.length);
  let agreeing = 0;
  for (let i = 0; i < positions; i++) if (gpu.top[i] === cpu.top[i]) agreeing++;
  return { positions, agreeing };
}

export function correctnessCheck(
  parts: { repoId: string; dtype: Dtype; device: string; takenAt?: Date },
  gpu: TopTokens,
  cpu: TopTokens,
): CorrectnessCheck {
  const { positions, agreeing } = compareTopTokens(gpu, cpu);
  const share = positions === 0 ? 0 : agreeing / positions;
  const verdict = positions > 0 && share >= AGREEMENT_THRESHOLD ? 'ok' : 'warning';
  const gpuRepeats = mostFrequentCount(gpu.top.slice(0, positions));
  const flat = verdict === 'warning' && positions > 0 && gpuRepeats >= FLAT_OUTPUT_SHARE * positions && mostFrequentCount(cpu.top.slice(0, positions)) < gpuRepeats;
  return {
    repoId: parts.repoId,
    dtype: parts.dtype,
    device: parts.device,
    positions,
    agreeing,
    agreement: Math.round(share * 1000) / 10,
    verdict,
    ...(flat ? { sameTokenPositions: gpuRepeats } : {}),
    takenAt: (parts.takenAt ?? new Date()).toISOString(),
  };
}

function mostFrequentCount(tokens: readonly number[]): number {
  const counts = new Map<number, number>();
  let most = 0;
  for (const token of tokens) {
    const count = (counts.get(token) ?? 0) + 1;
    counts.set(token, count);
    most = Math.max(most, count);
  }
  return most;
}

/** "97 % of 64 positions agree with the CPU", or the warning in words. */
export function describeCheck(check: Pick<GpuCorrectness, 'agreement' | 'positions' | 'verdict' | 'sameTokenPositions'>): string {
  const share = `${formatPercent(check.agreement)} of ${check.positions} positions agree with the CPU`;
  if (check.verdict === 'ok') return share;
  const flat =
    check.sameTokenPositions === undefined
      ? ''
      : ` It predicts the same token at ${check.sameTokenPositions} of ${check.positions} positions: flat output, as from a GPU that computes zeros.`;
  return `Only ${share}: this GPU computes this model wrongly.${flat} Use WASM for this model here.`;
}

function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)} %`;
}

/** Where a check is remembered: per device × model × weights. */
export function checkKey(device: string, repoId: string, dtype: Dtype): string {
  return `${device}|${repoId}|${dtype}`;
}
