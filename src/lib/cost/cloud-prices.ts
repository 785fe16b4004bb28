// Default list prices of a few well-known cloud chat APIs, in US dollars per million tokens, with the
// date and page they were read from. Contracts, discounts and caching change what anyone really pays:
// the cost panel lets the user edit every number.

export interface CloudPrice {
  /** Stable key (defaults) or generated one (added by the user). */
  id: string;
  provider: string;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  /** When the price was read (YYYY-MM-DD), or when the user entered it. */
  asOf: string;
  /** Where it was read: the provider's pricing page, or "your entry". */
  source: string;
}

const AS_OF = '2025-10-01';

export const DEFAULT_CLOUD_PRICES: readonly CloudPrice[] = [
  { id: 'openai-gpt-4o-mini', provider: 'OpenAI', model: 'GPT-4o mini', inputPerMillion: 0.15, outputPerMillion: 0.6, asOf: AS_OF, source: 'OpenAI API pricing page' },
  { id: 'openai-gpt-4o', provider: 'OpenAI', model: 'GPT-4o', inputPerMillion: 2.5, outputPerMillion: 10, asOf: AS_OF, source: 'OpenAI API pricing page' },
  { id: 'anthropic-claude-haiku-4-5', provider: 'Anthropic', model: 'Claude Haiku 4.5', inputPerMillion: 1, outputPerMillion: 5, asOf: AS_OF, source: 'Anthropic API pricing page' },
  { id: 'anthropic-claude-sonnet-4-5', provider: 'Anthropic', model: 'Claude Sonnet 4.5', inputPerMillion: 3, outputPerMillion: 15, asOf: AS_OF, source: 'Anthropic API pricing page' },
  { id: 'google-gemini-2-0-flash', provider: 'Google', model: 'Gemini 2.0 Flash', inputPerMillion: 0.1, outputPerMillion: 0.4, asOf: AS_OF, source: 'Gemini API pricing page (Google AI for Developers)' },
  // Input at the cache-miss rate: a playground prompt is rarely a cached prefix on their side.
  { id: 'deepseek-chat', provider: 'DeepSeek', model: 'deepseek-chat (V3.2)', inputPerMillion: 0.28, outputPerMillion: 0.42, asOf: AS_OF, source: 'DeepSeek API docs, Models & Pricing' },
  { id: 'alibaba-qwen-plus', provider: 'Alibaba Cloud', model: 'Qwen-Plus', inputPerMillion: 0.4, outputPerMillion: 1.2, asOf: AS_OF, source: 'Alibaba Cloud Model Studio pricing (international)' },
];

/** The `source` of a price the user added. */
export const USER_SOURCE = 'your entry';

/** The caption every price carries in the UI. */
export function priceLabel(price: Pick<CloudPrice, 'asOf' | 'source'>): string {
  return price.source === USER_SOURCE ? `your entry, ${price.asOf}` : `list price as of ${price.asOf} (${price.source}); edit to your contract`;
}
