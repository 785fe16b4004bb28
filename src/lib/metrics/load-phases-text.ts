// A load's phases in the words the Load line uses, in the order a load goes through them.
import type { LoadMetrics } from '../engines/types';
import { formatMs } from '../render/format';

/** "store read 1.20 s, tokenizer 310 ms, runtime start 820 ms, sessions 4.10 s, warm-up 200 ms", or null when the runtime didn't time them. */
export function loadPhasesText(metrics: LoadMetrics): string | null {
  const { storeReadMs, tokenizerMs, engineStartMs, sessionCreateMs, warmupMs } = metrics;
  if (storeReadMs === undefined || tokenizerMs === undefined || engineStartMs === undefined || sessionCreateMs === undefined) return null;
  return [
    `store read ${formatMs(storeReadMs)}`,
    `tokenizer ${formatMs(tokenizerMs)}`,
    `runtime start ${formatMs(engineStartMs)}`,
    `sessions ${formatMs(sessionCreateMs)}`,
    `warm-up ${formatMs(warmupMs)}`,
  ].join(', ');
}
