import { describe, expect, it } from 'vitest';
import { invoiceToJsonFrom, readsDocuments } from '../../src/lib/presets/invoice-handoff';
import { findPreset } from '../../src/lib/presets/demo-presets';

describe('invoiceToJsonFrom', () => {
  const read = 'INVOICE INV-0417 Harbour Tools Ltd, 2 x Claw hammer @ EUR 24.20, Total due EUR 48.40';

  it("puts the read text where the preset's sample invoice was, after the same instruction", () => {
    const preset = invoiceToJsonFrom(`\n${read}\n`);
    const original = findPreset('invoice-json')!;
    expect(preset.prompt).toBe(
      `Extract vendor, invoice_number, date (YYYY-MM-DD), currency, line_items (description, quantity, unit_price) and total from this invoice:\n\n${read}`,
    );
    expect(preset.prompt).not.toContain('NORTHWIND');
    expect({ ...preset, prompt: original.prompt }).toEqual(original);
  });
});

describe('readsDocuments', () => {
  it('is true for GLM-OCR and false for chat models or no model', () => {
    expect(readsDocuments('glm_ocr')).toBe(true);
    expect(readsDocuments('qwen3_5')).toBe(false);
    expect(readsDocuments('glm')).toBe(false);
    expect(readsDocuments(null)).toBe(false);
  });
});
