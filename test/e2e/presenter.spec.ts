// Presenter deep links: the model loads and the preset runs in the chat without a click, in large
// type with the settings panels hidden; an unknown preset says which ones exist.
import { test, expect } from '@playwright/test';
import { MIRROR } from './ports';
import { answerRows, lastAnswer, openSettings, waitForAnswerDone, watch } from './app';
import { DEMO_PRESETS, findPreset } from '../../src/lib/presets/demo-presets';

const link = (preset: string) =>
  `/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen3')}&preset=${preset}&presenter=1`;

test('a presenter link loads the model and answers the preset with no clicks', async ({ page }) => {
  const watchers = watch(page);
  const preset = findPreset('translate-en-zh')!;
  await page.goto(link(preset.id));

  const bar = page.getByRole('region', { name: 'Presenter mode' });
  await expect(bar).toBeVisible();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(page.getByRole('heading', { name: 'Generation' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Load model' })).toBeHidden();
  const rootFont = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(rootFont).toBeGreaterThan(16);

  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByRole('article', { name: 'You' })).toHaveText(preset.prompt, { timeout: 90_000 });
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  await waitForAnswerDone(page);
  await expect(bar).toContainText('fixtures/tiny-qwen3');
  // The preset's settings were used: the tiny model never stops by itself, so it wrote exactly its maximum.
  const [row] = await answerRows(page);
  expect(Number(row.generated_tokens)).toBe(preset.params.maxNewTokens);
  // ...for this visit only: nothing was written over the user's saved settings.
  expect(await page.evaluate(() => localStorage.getItem('playground.settings.v1'))).toBeNull();

  await bar.getByRole('button', { name: /Exit presenter mode/ }).click();
  await expect(bar).toBeHidden();
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
  await openSettings(page);
  await expect(page.getByRole('region', { name: 'Generation' }).getByLabel('System prompt')).toHaveValue(preset.systemPrompt);
  await expect(page.getByTestId('preset-in-use')).toContainText(preset.title);
  expect(new URL(page.url()).searchParams.get('presenter')).toBeNull();
  await page.keyboard.press('Alt+Shift+P');
  await expect(bar).toBeVisible();
  expect(watchers.consoleErrors).toEqual([]);
});

test('an unknown preset says so and lists the valid ones', async ({ page }) => {
  await page.goto(link('no-such-demo'));
  const error = page.getByTestId('preset-error');
  await expect(error).toHaveText(`Unknown preset "no-such-demo". Valid presets: ${DEMO_PRESETS.map((p) => p.id).join(', ')}.`);
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(page.getByRole('region', { name: 'Presenter mode' })).toBeVisible();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('article')).toHaveCount(0);
});

test('presenter mode without a preset, after a reload, still offers Load and chats', async ({ page }) => {
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen3')}&presenter=1`);
  await page.reload();
  const bar = page.getByRole('region', { name: 'Presenter mode' });
  await expect(bar).toContainText('fixtures/tiny-qwen3 is not loaded yet.');
  await bar.getByRole('button', { name: 'Load model' }).click();
  await expect(bar).toContainText('fixtures/tiny-qwen3 · WASM', { timeout: 90_000 });
  await expect(bar.getByRole('button', { name: 'Load model' })).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Message' }).fill('Hello');
  await page.getByRole('button', { name: 'Send' }).click();
  await waitForAnswerDone(page);
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
});

test('a preset with a picture sends it with the prompt to a model that sees, and explains itself to one that does not', async ({ page }) => {
  const preset = findPreset('receipt-total')!;
  expect(preset.pictures?.length).toBe(1);
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen35-vision')}&preset=${preset.id}&presenter=1`);
  const you = page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'You' });
  await expect(you).toContainText(preset.prompt, { timeout: 90_000 });
  await expect(you.getByRole('img')).toHaveCount(1);
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('The picture is mostly');
  const [row] = await answerRows(page);
  expect(Number(row.image_tokens)).toBeGreaterThan(0);

  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen3')}&preset=${preset.id}`);
  await expect(page.getByRole('alert').filter({ hasText: preset.title })).toContainText('reads text only', { timeout: 90_000 });
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('article')).toHaveCount(0);
});
