// The benchmark's three prompts: realistic text, the same every run, sized in characters toward a
// token target. Only the worker has the model's tokenizer, so sizes are corrected from what a
// warm-up answer reports it read (`metrics.promptTokens`).
import type { PromptSize } from '../results/result-types';

/** Prompt tokens each size aims at (the whole rendered prompt, chat template included). */
export const PROMPT_TARGET_TOKENS: Readonly<Record<PromptSize, number>> = Object.freeze({
  short: 64,
  medium: 256,
  long: 1024,
});

export const PROMPT_SIZES: readonly PromptSize[] = Object.freeze(['short', 'medium', 'long']);

/** English prose in the BPE tokenizers of Qwen and GLM runs about 4 characters a token. */
export const DEFAULT_CHARS_PER_TOKEN = 4;

/** Bounds on a prompt's length, so a wild measurement can't ask for an empty or huge prompt. */
export const MIN_PROMPT_CHARS = 40;
export const MAX_PROMPT_CHARS = 64_000;

interface PromptSource {
  instruction: string;
  sentences: readonly string[];
}

// Each size is a different everyday task; the sentences repeat (in order) as far as the size needs.
const SOURCES: Readonly<Record<PromptSize, PromptSource>> = {
  short: {
    instruction: 'Reply to this support ticket in a friendly tone.\n\nTicket:',
    sentences: [
      'My order #48213 arrived today but the blender lid is cracked.',
      'I would like a replacement lid rather than a refund.',
      'Can you tell me how long a replacement usually takes?',
      'I have attached two photos of the damage.',
      'The box itself looked fine, so it probably broke before packing.',
      'I am away next weekend, so a weekday delivery would be best.',
    ],
  },
  medium: {
    instruction: 'Summarise the following customer email in three bullet points and suggest a next step.\n\nEmail:',
    sentences: [
      'Hello, I am writing about the invoice we received for the March subscription period.',
      'Our team moved from the Standard plan to the Business plan on the 12th, but the invoice charges the Business rate for the whole month.',
      'We expected the charge to be split between the two plans for the days each was active.',
      'In addition, two seats were removed when a colleague left the company, and they still appear on the bill.',
      'Our finance department needs a corrected invoice before the end of the quarter to close the books.',
      'We have been customers for four years and have generally been very happy with the service.',
      'Support chat suggested opening a ticket, which we did last week, but we have not heard back yet.',
      'Please let us know whether a credit note or a reissued invoice is the faster option.',
      'If it helps, I can send the seat changes with the dates from our admin console.',
      'Thank you for looking into this; a reply by Friday would be much appreciated.',
    ],
  },
  long: {
    instruction:
      'Read the project report below and write a summary of at most five sentences for a busy manager, ' +
      'naming the main risk and the decision that is needed.\n\nReport:',
    sentences: [
      'The warehouse migration project started in January with the goal of moving all stock records to the new inventory system.',
      'During the first phase the team mapped every product code from the old database to the new catalogue structure.',
      'About four percent of the codes had no clear match and were reviewed by hand with the purchasing department.',
      'The second phase covered the barcode scanners, which needed a firmware update before they could talk to the new system.',
      'Two of the six loading bays were switched over in March, and picking times there improved by roughly twelve percent.',
      'However, the nightly stock reconciliation job now takes almost three hours instead of forty minutes.',
      'The vendor believes the slowdown comes from an index that was not created during the data import.',
      'A fix has been tested on the staging system, but it requires a four-hour maintenance window to apply.',
      'The operations manager prefers to schedule that window on a Sunday, when order volume is lowest.',
      'Training sessions for the evening shift were postponed twice because of staff shortages.',
      'As a result, several operators are still using paper lists as a fallback during busy periods.',
      'The budget is on track overall, with eight percent spent below plan thanks to reused network hardware.',
      'The remaining four loading bays are planned to move in May and June, one every two weeks.',
      'If the reconciliation issue is not solved before then, the morning stock figures may be late every day.',
      'Customer service has asked to be told in advance of each switchover so they can warn key accounts.',
      'The team recommends approving the Sunday maintenance window and rescheduling the evening training this month.',
    ],
  },
};

/**
 * The prompt for a size at about `chars` characters: the instruction, then the size's sentences in
 * order (repeated as needed), cut at the last whole word that fits. Same input, same text.
 */
export function buildPrompt(size: PromptSize, chars: number): string {
  const { instruction, sentences } = SOURCES[size];
  const budget = clampChars(chars);
  let text = instruction;
  for (let i = 0; text.length < budget; i++) {
    text += ` ${sentences[i % sentences.length]}`;
  }
  if (text.length <= budget) return text;
  const cut = text.lastIndexOf(' ', budget);
  return cut > instruction.length ? text.slice(0, cut) : text.slice(0, budget);
}

/** A first guess at a prompt's length: the target tokens at the model's characters per token so far. */
export function initialChars(targetTokens: number, charsPerToken: number = DEFAULT_CHARS_PER_TOKEN): number {
  const ratio = Number.isFinite(charsPerToken) && charsPerToken > 0 ? charsPerToken : DEFAULT_CHARS_PER_TOKEN;
  return clampChars(Math.round(targetTokens * ratio));
}

/**
 * One correction step: a prompt of `chars` characters came to `measuredTokens`; scale it by the
 * character ratio toward `targetTokens`. The chat template's own tokens are counted as if they
 * were text, so the corrected prompt lands slightly under the target rather than over.
 */
export function rescaleChars(chars: number, measuredTokens: number, targetTokens: number): number {
  if (!(measuredTokens > 0)) return clampChars(chars);
  return clampChars(Math.round((chars * targetTokens) / measuredTokens));
}

/** Characters per token the model showed on a prompt; carried to its next, larger prompt. */
export function charsPerToken(promptChars: number, promptTokens: number): number {
  return promptTokens > 0 ? promptChars / promptTokens : DEFAULT_CHARS_PER_TOKEN;
}

function clampChars(chars: number): number {
  if (!Number.isFinite(chars)) return MIN_PROMPT_CHARS;
  return Math.min(MAX_PROMPT_CHARS, Math.max(MIN_PROMPT_CHARS, Math.round(chars)));
}
