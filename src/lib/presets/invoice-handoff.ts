// A document reader's text handed on to the "Invoice to JSON" preset: GLM-OCR reads the picture of
// an invoice, and the preset's instruction then runs over what it read instead of its sample invoice.
import { findPreset, type DemoPreset } from './demo-presets';

/** Models that read documents (OCR) rather than chat: their answers are text to work on. */
const DOCUMENT_READER_MODEL_TYPES: ReadonlySet<string> = new Set(['glm_ocr']);

export function readsDocuments(modelType: string | null | undefined): boolean {
  return typeof modelType === 'string' && DOCUMENT_READER_MODEL_TYPES.has(modelType);
}

/** "Invoice to JSON" with `text` as the invoice: its instruction, a blank line, then the text. */
export function invoiceToJsonFrom(text: string): DemoPreset {
  const preset = findPreset('invoice-json');
  if (!preset) throw new Error('The "invoice-json" preset is missing.');
  const instruction = preset.prompt.slice(0, preset.prompt.indexOf('\n\n'));
  return { ...preset, prompt: `${instruction}\n\n${text.trim()}` };
}
