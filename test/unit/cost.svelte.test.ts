import { describe, expect, it } from 'vitest';
import { CloudPrices } from '../../src/state/cost.svelte';
import { DEFAULT_CLOUD_PRICES } from '../../src/lib/cost/cloud-prices';
import { memoryStorage } from './support/memory-storage';


describe('CloudPrices', () => {
  it('starts from the defaults and keeps an edited price across visits', () => {
    const storage = memoryStorage();
    const prices = new CloudPrices(storage);
    expect(prices.prices.map((p) => p.id)).toEqual(DEFAULT_CLOUD_PRICES.map((p) => p.id));
    expect(prices.setPrice('openai-gpt-4o', 'inputPerMillion', '1.25')).toBeNull();
    const next = new CloudPrices(storage);
    expect(next.prices.find((p) => p.id === 'openai-gpt-4o')?.inputPerMillion).toBe(1.25);
  });

  it('refuses a negative or non-numeric price: message shown, old price kept, nothing saved', () => {
    const storage = memoryStorage();
    const prices = new CloudPrices(storage);
    const message = prices.setPrice('openai-gpt-4o', 'outputPerMillion', '-3');
    expect(message).toMatch(/GPT-4o output price: a price can't be negative/);
    expect(prices.errors['openai-gpt-4o:outputPerMillion']).toBe(message);
    expect(prices.prices.find((p) => p.id === 'openai-gpt-4o')?.outputPerMillion).toBe(10);
    expect(storage.getItem('playground.cloud-prices.v1')).toBeNull();
    expect(prices.setPrice('openai-gpt-4o', 'outputPerMillion', 'NaN')).toMatch(/not a number/);
    // A correct value clears the message.
    expect(prices.setPrice('openai-gpt-4o', 'outputPerMillion', '8')).toBeNull();
    expect(prices.errors).toEqual({});
  });

  it('adds and removes providers, refusing blanks, duplicates and bad prices', () => {
    const storage = memoryStorage();
    const prices = new CloudPrices(storage);
    expect(prices.add('', '1', '2')).toMatch(/Name the provider/);
    expect(prices.add('GPT-4o', '1', '2')).toMatch(/already in the list/);
    expect(prices.add('Contract X', '1', '-2')).toMatch(/Output price: a price can't be negative/);
    expect(prices.prices).toHaveLength(DEFAULT_CLOUD_PRICES.length);
    expect(prices.add('Contract X', '0.5', '2', new Date('2026-11-02T10:00:00Z'))).toBeNull();
    const added = prices.prices.at(-1)!;
    expect(added).toMatchObject({ model: 'Contract X', inputPerMillion: 0.5, outputPerMillion: 2, asOf: '2026-11-02', source: 'your entry' });
    expect(new CloudPrices(storage).prices.at(-1)?.model).toBe('Contract X');
    prices.remove(added.id);
    prices.remove('openai-gpt-4o');
    expect(new CloudPrices(storage).prices.map((p) => p.id)).not.toContain('openai-gpt-4o');
    prices.resetToDefaults();
    expect(new CloudPrices(storage).prices).toEqual([...DEFAULT_CLOUD_PRICES]);
  });

  it('ignores a corrupted stored list', () => {
    const storage = memoryStorage();
    storage.setItem('playground.cloud-prices.v1', '[{"id":1}]');
    expect(new CloudPrices(storage).prices).toEqual([...DEFAULT_CLOUD_PRICES]);
  });
});

describe('UsageLedger.recordAnswer', () => {
  it('counts the whole prompt of every turn as input, as a cloud API bills it', async () => {
    const { UsageLedger } = await import('../../src/state/usage-ledger.svelte');
    const ledger = new UsageLedger();
    // Three chat turns whose prompts grow; this device prefilled only the new part of each.
    for (const [promptTokens, prefillTokens] of [[35, 35], [577, 542], [1134, 557]]) {
      ledger.recordAnswer('chat', { promptTokens, generatedTokens: 10, prefillTokens } as never);
    }
    expect(ledger.total).toEqual({ inputTokens: 35 + 577 + 1134, outputTokens: 30, answers: 3 });
  });
});
