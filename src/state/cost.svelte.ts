// The cloud prices the cost panel compares against: defaults until the user edits them, then the
// user's list, kept in localStorage. A price that isn't a non-negative number is refused, with a message.
import { DEFAULT_CLOUD_PRICES, USER_SOURCE, type CloudPrice } from '../lib/cost/cloud-prices';
import { parsePrice, validPriceList } from '../lib/cost/cost-maths';
import { safeLocalStorage } from './local-storage';

const STORAGE_KEY = 'playground.cloud-prices.v1';

export type PriceField = 'inputPerMillion' | 'outputPerMillion';

export class CloudPrices {
  prices = $state.raw<CloudPrice[]>([]);
  /** Refused edits, keyed by `${id}:${field}` (or 'new' for the add form): what was wrong. */
  errors = $state.raw<Record<string, string>>({});
  #storage: Storage | null;

  constructor(storage: Storage | null = safeLocalStorage()) {
    this.#storage = storage;
    this.prices = readStored(storage) ?? [...DEFAULT_CLOUD_PRICES];
  }

  /** Sets one price from what the user typed; returns the problem, or null when it was saved. */
  setPrice(id: string, field: PriceField, raw: string): string | null {
    const price = this.prices.find((p) => p.id === id);
    if (!price) return null;
    const key = `${id}:${field}`;
    const check = parsePrice(raw, `${price.model} ${field === 'inputPerMillion' ? 'input' : 'output'} price`);
    if (!check.ok) {
      this.errors = { ...this.errors, [key]: check.message };
      return check.message;
    }
    this.#clearError(key);
    this.prices = this.prices.map((p) => (p.id === id ? { ...p, [field]: check.value } : p));
    this.#save();
    return null;
  }

  /** Adds a provider the user prices themselves; nothing is added when a field is wrong. */
  add(name: string, inputRaw: string, outputRaw: string, today = new Date()): string | null {
    const model = name.trim();
    const input = parsePrice(inputRaw, 'Input price');
    const output = parsePrice(outputRaw, 'Output price');
    const problem = !model
      ? 'Name the provider or model, e.g. "Our contract — GPT-4o".'
      : this.prices.some((p) => p.model.toLowerCase() === model.toLowerCase())
        ? `"${model}" is already in the list: edit its prices instead.`
        : !input.ok
          ? input.message
          : !output.ok
            ? output.message
            : null;
    if (problem || !input.ok || !output.ok) {
      this.errors = { ...this.errors, new: problem ?? '' };
      return problem;
    }
    this.#clearError('new');
    const price: CloudPrice = {
      id: `user-${today.getTime().toString(36)}-${this.prices.length}`,
      provider: 'Custom',
      model,
      inputPerMillion: input.value,
      outputPerMillion: output.value,
      asOf: today.toISOString().slice(0, 10),
      source: USER_SOURCE,
    };
    this.prices = [...this.prices, price];
    this.#save();
    return null;
  }

  remove(id: string): void {
    this.prices = this.prices.filter((p) => p.id !== id);
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([key]) => !key.startsWith(`${id}:`)));
    this.#save();
  }

  resetToDefaults(): void {
    this.prices = [...DEFAULT_CLOUD_PRICES];
    this.errors = {};
    this.#storage?.removeItem(STORAGE_KEY);
  }

  #clearError(key: string): void {
    if (!(key in this.errors)) return;
    const { [key]: _, ...rest } = this.errors;
    this.errors = rest;
  }

  #save(): void {
    this.#storage?.setItem(STORAGE_KEY, JSON.stringify(this.prices));
  }
}

function readStored(storage: Storage | null): CloudPrice[] | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    return raw ? validPriceList(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}
