// What the tokens processed on this device would have cost on a cloud API, price validation, and the
// cost table as CSV.
import type { CloudPrice } from './cloud-prices';
import { toCsv, type CsvCell } from '../export/csv';

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/** Dollars for these tokens at this price (prices are per million tokens). */
export function cloudCost(tokens: TokenCounts, price: Pick<CloudPrice, 'inputPerMillion' | 'outputPerMillion'>): number {
  return (tokens.inputTokens * price.inputPerMillion + tokens.outputTokens * price.outputPerMillion) / 1_000_000;
}

/**
 * "$0.00", "$0.0064", "$0.013", "$0.50", "$12.35": under ten cents, two significant digits (enough
 * to tell providers apart, the same precision for every row); cents from there up.
 */
export function formatUsd(dollars: number): string {
  if (!Number.isFinite(dollars)) return '–';
  if (dollars === 0) return '$0.00';
  if (dollars >= 0.1) return `$${dollars.toFixed(2)}`;
  if (dollars < 0.000001) return '< $0.000001';
  return `$${dollars.toPrecision(2).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}

export type PriceCheck = { ok: true; value: number } | { ok: false; message: string };

/** Reads a price typed by the user: a finite, non-negative number of dollars per million tokens. */
export function parsePrice(raw: string, what: string): PriceCheck {
  const text = raw.trim().replace(/^\$/, '');
  if (text === '') return { ok: false, message: `${what}: enter a price in dollars per million tokens (0 or more).` };
  const value = Number(text);
  if (Number.isNaN(value)) return { ok: false, message: `${what}: "${raw.trim()}" is not a number. Use digits and a dot, e.g. 0.15.` };
  if (!Number.isFinite(value)) return { ok: false, message: `${what}: the price must be a finite number.` };
  if (value < 0) return { ok: false, message: `${what}: a price can't be negative (${value}).` };
  return { ok: true, value };
}

/** Checks a list read back from storage; anything malformed is dropped rather than trusted. */
export function validPriceList(value: unknown): CloudPrice[] | null {
  if (!Array.isArray(value)) return null;
  const prices = value.filter(
    (p): p is CloudPrice =>
      typeof p === 'object' &&
      p !== null &&
      typeof p.id === 'string' &&
      typeof p.provider === 'string' &&
      typeof p.model === 'string' &&
      typeof p.asOf === 'string' &&
      typeof p.source === 'string' &&
      isPrice(p.inputPerMillion) &&
      isPrice(p.outputPerMillion),
  );
  return prices.length === value.length ? prices : null;
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** One row per provider: the prices, where they come from, the tokens and the cost, total and per source. */
export function costCsv(prices: readonly CloudPrice[], bySource: Readonly<Record<string, TokenCounts>>): string {
  const sources = Object.keys(bySource);
  const total = Object.values(bySource).reduce(
    (sum, t) => ({ inputTokens: sum.inputTokens + t.inputTokens, outputTokens: sum.outputTokens + t.outputTokens }),
    { inputTokens: 0, outputTokens: 0 },
  );
  const header: CsvCell[] = [
    'provider',
    'model',
    'input_usd_per_million',
    'output_usd_per_million',
    'price_as_of',
    'price_source',
    'input_tokens',
    'output_tokens',
    'cost_usd',
    ...sources.map((s) => `cost_usd_${s.replaceAll('-', '_')}`),
  ];
  const rows = prices.map((p): CsvCell[] => [
    p.provider,
    p.model,
    p.inputPerMillion,
    p.outputPerMillion,
    p.asOf,
    p.source,
    total.inputTokens,
    total.outputTokens,
    roundUsd(cloudCost(total, p)),
    ...sources.map((s) => roundUsd(cloudCost(bySource[s], p))),
  ]);
  return toCsv([header, ...rows]);
}

/** Sub-micro-dollar digits are noise from floating point, not information. */
function roundUsd(dollars: number): number {
  return Math.round(dollars * 1e8) / 1e8;
}
