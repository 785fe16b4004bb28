import { describe, expect, it } from 'vitest';
import { cloudCost, costCsv, formatUsd, parsePrice, validPriceList } from '../../src/lib/cost/cost-maths';
import { DEFAULT_CLOUD_PRICES, priceLabel } from '../../src/lib/cost/cloud-prices';
import { csvRecords } from '../../src/lib/export/csv';

describe('cloudCost', () => {
  it('prices input and output tokens per million', () => {
    const gpt4oMini = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
    expect(cloudCost({ inputTokens: 1_000_000, outputTokens: 0 }, gpt4oMini)).toBeCloseTo(0.15, 10);
    expect(cloudCost({ inputTokens: 0, outputTokens: 1_000_000 }, gpt4oMini)).toBeCloseTo(0.6, 10);
    expect(cloudCost({ inputTokens: 12_345, outputTokens: 6_789 }, { inputPerMillion: 3, outputPerMillion: 15 })).toBeCloseTo(
      (12_345 * 3 + 6_789 * 15) / 1e6,
      12,
    );
    expect(cloudCost({ inputTokens: 0, outputTokens: 0 }, gpt4oMini)).toBe(0);
  });
});

describe('formatUsd', () => {
  it('gives sums under a dollar two significant digits and larger ones cents', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    // One precision for every row: not "$0.01" beside "$0.006386".
    expect(formatUsd(0.006386)).toBe('$0.0064');
    expect(formatUsd(0.0131)).toBe('$0.013');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.00000015)).toBe('< $0.000001');
    expect(formatUsd(Number.NaN)).toBe('–');
  });
});

describe('parsePrice', () => {
  it('accepts zero, decimals and a leading dollar sign', () => {
    expect(parsePrice('0', 'x')).toEqual({ ok: true, value: 0 });
    expect(parsePrice(' 2.5 ', 'x')).toEqual({ ok: true, value: 2.5 });
    expect(parsePrice('$0.15', 'x')).toEqual({ ok: true, value: 0.15 });
  });

  it('refuses negative, non-numeric, empty and infinite prices with a message naming the field', () => {
    const negative = parsePrice('-1', 'GPT-4o input price');
    expect(negative).toEqual({ ok: false, message: expect.stringMatching(/^GPT-4o input price: .*negative/) });
    expect(parsePrice('abc', 'p')).toEqual({ ok: false, message: expect.stringContaining('"abc" is not a number') });
    expect(parsePrice('1,5', 'p').ok).toBe(false);
    expect(parsePrice('', 'p')).toEqual({ ok: false, message: expect.stringContaining('enter a price') });
    expect(parsePrice('Infinity', 'p')).toEqual({ ok: false, message: expect.stringContaining('finite') });
  });
});

describe('default prices', () => {
  it('all carry a date, a source and valid numbers, and say they are editable list prices', () => {
    expect(validPriceList(structuredClone(DEFAULT_CLOUD_PRICES))).toHaveLength(DEFAULT_CLOUD_PRICES.length);
    expect(new Set(DEFAULT_CLOUD_PRICES.map((p) => p.id)).size).toBe(DEFAULT_CLOUD_PRICES.length);
    for (const price of DEFAULT_CLOUD_PRICES) {
      expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(priceLabel(price)).toBe(`list price as of ${price.asOf} (${price.source}); edit to your contract`);
    }
  });

  it('a stored list with a bad entry is not trusted', () => {
    const bad = [...DEFAULT_CLOUD_PRICES, { ...DEFAULT_CLOUD_PRICES[0], id: 'x', inputPerMillion: -1 }];
    expect(validPriceList(bad)).toBeNull();
    expect(validPriceList({})).toBeNull();
  });
});

describe('costCsv', () => {
  it('writes one row per provider with the total and the per-source costs', () => {
    const prices = [DEFAULT_CLOUD_PRICES[0], { ...DEFAULT_CLOUD_PRICES[1], model: 'GPT-4o, "contract"' }];
    const bySource = {
      chat: { inputTokens: 1000, outputTokens: 500 },
      'side-by-side': { inputTokens: 3000, outputTokens: 1500 },
    };
    const rows = csvRecords(costCsv(prices, bySource));
    expect(rows).toHaveLength(2);
    expect(rows[1].model).toBe('GPT-4o, "contract"');
    expect(Number(rows[0].input_tokens)).toBe(4000);
    expect(Number(rows[0].output_tokens)).toBe(2000);
    expect(Number(rows[0].cost_usd)).toBeCloseTo((4000 * 0.15 + 2000 * 0.6) / 1e6, 8);
    expect(Number(rows[1].cost_usd_side_by_side)).toBeCloseTo((3000 * 2.5 + 1500 * 10) / 1e6, 8);
    expect(Number(rows[0].cost_usd_chat) + Number(rows[0].cost_usd_side_by_side)).toBeCloseTo(Number(rows[0].cost_usd), 8);
  });
});
