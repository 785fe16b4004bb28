// GLM-OCR in the browser (WASM): the tiny generated repo in the onnx-community GLM-OCR-ONNX layout
// (three sessions, plain KV cache) loads by id from the mirror and "reads" a picture attached through
// Attach image: its scripted line depends on the picture's pixels, so the answer proves they arrived.
// The read text then goes on to the "Invoice to JSON" preset in one click.
import { test, expect, type Page } from '@playwright/test';
import { attachWithPicker, solidPng } from './pictures';
import { answerRows, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone } from './app';
import { TINY_GLM_OCR, invoiceLine, resolveGlmOcr } from '../fixtures/tiny-glm-ocr';

/** The tiny GLM-OCR's preprocessor_config.json, as its processor reads it. */
const GLM_PROCESSOR = resolveGlmOcr(TINY_GLM_OCR).preprocessorConfig as { patch_size: number; merge_size: number; temporal_patch_size: number; size: { shortest_edge: number } };

/** The number in "≈ N image tokens" shown before sending. */
async function shownImageTokens(page: Page): Promise<number> {
  const shown = page.getByTestId('chat-image-tokens');
  await expect(shown).toHaveText(/^≈ \d+ image tokens$/);
  return Number((await shown.textContent())!.match(/\d+/)![0]);
}

test('the tiny GLM-OCR reads a picture attached through Attach image, and its text goes on to Invoice to JSON', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-glm-ocr');
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await loadModel(page);
  await expect(page.getByTestId('session-dtypes')).toHaveText('decoder q8 · embeddings q8 · vision fp32');

  await attachWithPicker(page, await solidPng(page, '#2030e0', 112), 'invoice-blue.png');
  const shown = await shownImageTokens(page);
  await send(page, 'Text Recognition:');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(invoiceLine('blue'));
  const [row] = await answerRows(page);
  // The estimate shown before sending is what the model read (counted in the worker after its processor).
  expect(Number(row.image_tokens)).toBe(shown);
  // On GLM-OCR's own grid: two frames of 112² clear its minimum, so the picture keeps its size and
  // is cut into cells of patch × merge pixels (14 × 2 = 28): 4 × 4 tokens, not Qwen3.5's 8 × 8.
  const cell = GLM_PROCESSOR.patch_size * GLM_PROCESSOR.merge_size;
  expect(GLM_PROCESSOR.temporal_patch_size * 112 * 112).toBeGreaterThanOrEqual(GLM_PROCESSOR.size.shortest_edge);
  expect(shown).toBe((112 / cell) ** 2);

  // Another picture, another line: the answer follows the pixels.
  await page.getByRole('button', { name: 'New chat' }).click();
  await attachWithPicker(page, await solidPng(page, '#d02020', 300), 'invoice-red.png');
  const shownRed = await shownImageTokens(page);
  await send(page, 'Text Recognition:');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(invoiceLine('red'));
  expect(Number((await answerRows(page)).at(-1)!.image_tokens)).toBe(shownRed);

  // Hand the read text on: the preset's instruction over it, its settings for this visit.
  await lastAnswer(page).getByRole('button', { name: 'Use this text in Invoice to JSON' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  const handed = await box.inputValue();
  expect(handed).toMatch(/^Extract vendor, invoice_number, .* from this invoice:\n\n/);
  expect(handed.endsWith(invoiceLine('red'))).toBe(true);
  expect(handed).not.toContain('NORTHWIND');
  // The box shows all of it, the read text under the instruction included, without scrolling inside it.
  expect(await box.evaluate((area) => area.scrollHeight - area.clientHeight)).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('preset-in-use')).toContainText('Invoice to JSON');
  await expect(page.getByTestId('invoice-handoff')).toBeVisible();
  await page.getByRole('button', { name: 'Send' }).click();
  await waitForAnswerDone(page);
  const you = page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'You' }).last();
  await expect(you).toContainText(invoiceLine('red'));
  await expect(page.getByTestId('invoice-handoff')).toHaveCount(0);
});

test('a picture attached for Qwen3.5 is sized again for GLM-OCR when that loads, and the estimate is what GLM-OCR reads', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await loadModel(page);
  await attachWithPicker(page, await solidPng(page, '#2030e0', 112), 'invoice-blue.png');
  // Qwen3.5 enlarges 112² to its 65,536 px minimum: 256² in 32-pixel cells.
  await expect(page.getByTestId('chat-image-tokens')).toHaveText('≈ 64 image tokens');

  await page.getByLabel('Model id (org/name)').fill('fixtures/tiny-glm-ocr');
  await loadModel(page);
  const shown = await shownImageTokens(page);
  expect(shown).not.toBe(64);
  await send(page, 'Text Recognition:');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(invoiceLine('blue'));
  expect(Number((await answerRows(page)).at(-1)!.image_tokens)).toBe(shown);
});

test('a chat model shows no hand-on button under its answers', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).getByRole('button', { name: 'Use this text in Invoice to JSON' })).toHaveCount(0);
});
