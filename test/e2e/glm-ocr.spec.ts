// GLM-OCR in the browser (WASM): the tiny generated repo in the onnx-community GLM-OCR-ONNX layout
// (three sessions, plain KV cache) loads by id from the mirror and "reads" a picture attached through
// Attach image: its scripted line depends on the picture's pixels, so the answer proves they arrived.
// The read text then goes on to the "Invoice to JSON" preset in one click.
import { test, expect } from '@playwright/test';
import { attachWithPicker, solidPng } from './pictures';
import { answerRows, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone } from './app';
import { invoiceLine } from '../fixtures/tiny-glm-ocr';

test('the tiny GLM-OCR reads a picture attached through Attach image, and its text goes on to Invoice to JSON', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-glm-ocr');
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await loadModel(page);
  await expect(page.getByTestId('session-dtypes')).toHaveText('decoder q8 · embeddings q8 · vision fp32');

  await attachWithPicker(page, await solidPng(page, '#2030e0', 112), 'invoice-blue.png');
  await expect(page.getByTestId('chat-image-tokens')).toHaveText(/image tokens/);
  await send(page, 'Text Recognition:');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(invoiceLine('blue'));
  const [row] = await answerRows(page);
  // The app sizes pictures for Qwen3.5 (at least 256 × 256); GLM-OCR's processor cuts that into 28-pixel cells: 9 × 9.
  expect(Number(row.image_tokens)).toBe(81);

  // Another picture, another line: the answer follows the pixels.
  await page.getByRole('button', { name: 'New chat' }).click();
  await attachWithPicker(page, await solidPng(page, '#d02020', 112), 'invoice-red.png');
  await expect(page.getByTestId('chat-image-tokens')).toHaveText(/image tokens/);
  await send(page, 'Text Recognition:');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(invoiceLine('red'));

  // Hand the read text on: the preset's instruction over it, its settings for this visit.
  await lastAnswer(page).getByRole('button', { name: 'Use this text in Invoice to JSON' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  const handed = await box.inputValue();
  expect(handed).toMatch(/^Extract vendor, invoice_number, .* from this invoice:\n\n/);
  expect(handed.endsWith(invoiceLine('red'))).toBe(true);
  expect(handed).not.toContain('NORTHWIND');
  await expect(page.getByTestId('preset-in-use')).toContainText('Invoice to JSON');
  await expect(page.getByTestId('invoice-handoff')).toBeVisible();
  await page.getByRole('button', { name: 'Send' }).click();
  await waitForAnswerDone(page);
  const you = page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'You' }).last();
  await expect(you).toContainText(invoiceLine('red'));
  await expect(page.getByTestId('invoice-handoff')).toHaveCount(0);
});

test('a chat model shows no hand-on button under its answers', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await setGeneration(page, { temperature: 0, maxNewTokens: 8 });
  await loadModel(page);
  await send(page, 'Hello');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).getByRole('button', { name: 'Use this text in Invoice to JSON' })).toHaveCount(0);
});
