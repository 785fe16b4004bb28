// Scripted demos from everyday work: a system prompt, a prompt and sampling settings each, run from
// the chat's preset picker or a deep link (`?preset=<id>`, with `?presenter=1` for a talk).
import type { GenerationParams } from '../engines/types';
import type { TaskPicture } from '../scorecard/suite-types';

export interface DemoPreset {
  id: string;
  title: string;
  systemPrompt: string;
  prompt: string;
  params: GenerationParams;
  /** Pictures sent with the prompt (drawn by the app, like the scorecard's); needs a model that sees. */
  pictures?: TaskPicture[];
}

export const DEMO_PRESETS: readonly DemoPreset[] = [
  {
    id: 'support-reply',
    title: 'Customer-support reply',
    systemPrompt:
      'You are a friendly, concise customer-support agent for an online electronics shop. Apologise once, give concrete next steps, and never invent order details you were not given.',
    prompt:
      'Customer email: "I ordered noise-cancelling headphones (order #48213) ten days ago and the tracking page still says \'label created\'. I need them for a flight on Friday. What is going on?"\n\nWrite the reply.',
    params: { maxNewTokens: 300, temperature: 0.3, topP: 0.9, enableThinking: false },
  },
  {
    id: 'invoice-json',
    title: 'Invoice to JSON',
    systemPrompt: 'You extract data from documents. Reply with one JSON object only, no prose and no code fence.',
    prompt:
      'Extract vendor, invoice_number, date (YYYY-MM-DD), currency, line_items (description, quantity, unit_price) and total from this invoice:\n\n' +
      'NORTHWIND OFFICE SUPPLY — Invoice INV-2024-0917\nDate: 17 September 2024\n3 × Ergonomic chair @ EUR 189.00\n10 × A4 paper box @ EUR 24.50\nShipping: EUR 15.00\nTotal due: EUR 827.00',
    params: { maxNewTokens: 400, temperature: 0, topP: 1, enableThinking: false },
  },
  {
    id: 'translate-en-zh',
    title: 'Translate a product blurb (EN→ZH)',
    systemPrompt:
      'You are a professional English-to-Simplified-Chinese marketing translator. Keep product and brand names in English. Output only the translation.',
    prompt:
      'Meet AeroBrew Go: a pocket-sized espresso maker that pulls a rich, café-quality shot anywhere — no batteries, no cables. Just add hot water, pump a few times, and enjoy.',
    params: { maxNewTokens: 300, temperature: 0.2, topP: 0.9, enableThinking: false },
  },
  {
    id: 'meeting-summary',
    title: 'Summarise a meeting note',
    systemPrompt: 'You write short, factual meeting summaries: the decisions, then action items as "owner — task — due date".',
    prompt:
      'Notes, product sync, Tuesday:\n- Mobile release slips one week to 14 March because the payment SDK update failed review.\n' +
      '- Priya will re-submit the SDK update by Thursday.\n- Marketing keeps the launch email but moves it to 15 March; Tom updates the schedule.\n' +
      '- Support asks for a FAQ on the new refund flow; Lena drafts it by next Monday.\n- Agreed: no new features into this release.\n\nSummarise.',
    params: { maxNewTokens: 300, temperature: 0.3, topP: 0.9, enableThinking: false },
  },
  {
    id: 'receipt-total',
    title: 'Read a receipt (picture)',
    systemPrompt: 'You read receipts for an expense report. Answer with the figures you see, briefly.',
    prompt: 'This is a photo of a receipt. List each item with its price, then give the total.',
    params: { maxNewTokens: 200, temperature: 0, topP: 1, enableThinking: false },
    pictures: [
      {
        draw: {
          kind: 'receipt',
          shop: 'HARBOUR CAFE',
          items: [
            { name: 'Flat white', price: 3.4 },
            { name: 'Croissant', price: 2.75 },
            { name: 'Orange juice', price: 3.9 },
          ],
        },
      },
    ],
  },
];

export function findPreset(id: string): DemoPreset | undefined {
  return DEMO_PRESETS.find((preset) => preset.id === id);
}

export function unknownPresetMessage(id: string): string {
  return `Unknown preset "${id}". Valid presets: ${DEMO_PRESETS.map((p) => p.id).join(', ')}.`;
}
