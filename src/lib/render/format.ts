// Number formatting shared by the metrics views and exports.
import type { LiveGenerationNumbers } from '../engines/types';
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatRate(tokensPerSecond: number): string {
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond <= 0) return '–';
  return `${tokensPerSecond >= 100 ? Math.round(tokensPerSecond) : tokensPerSecond.toFixed(1)} tok/s`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatSpeed(bytesPerSecond: number | null): string {
  return bytesPerSecond === null || bytesPerSecond <= 0 ? '–' : `${formatBytes(bytesPerSecond)}/s`;
}

/** "42 s", "3 min 5 s", "1 h 2 min"; "–" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** An answer still streaming, in words: "12 tokens · first after 85 ms · 27.1 tok/s". */
export function formatLiveNumbers(live: LiveGenerationNumbers | null): string {
  if (!live || live.timeToFirstTokenMs === null) return 'reading the prompt…';
  const parts = [`${live.generatedTokens} token${live.generatedTokens === 1 ? '' : 's'}`, `first after ${formatMs(live.timeToFirstTokenMs)}`];
  if (live.decodeTokensPerSecond !== null) parts.push(formatRate(live.decodeTokensPerSecond));
  return parts.join(' · ');
}

/**
 * "6.81 s – 7.02 s" between `min` and `max` as `format` shows them; null for one sample or repeats
 * that agree at the shown precision ("6.93 s – 6.93 s" says nothing a single figure doesn't).
 */
export function formatRange(
  stat: { min: number; max: number; n: number },
  format: (value: number) => string,
  joiner = ' – ',
): string | null {
  const [low, high] = [format(stat.min), format(stat.max)];
  return stat.n <= 1 || low === high ? null : `${low}${joiner}${high}`;
}
