// Qwen3.5 in the browser (WASM): the tiny generated repos in the real -ONNX-OPT layout (three
// sessions, hybrid linear/full attention) load by id from the mirror, chat over several turns with
// the cache carried, and answer questions about pictures attached by picker, drop and paste. The
// scripted vision model names a picture's dominant colour, so its answer proves the pixels arrived.
import { test, expect, type Page } from '@playwright/test';
import { MIRROR, STATIC_MIRROR } from './ports';
import { attachWithPicker, solidPng } from './pictures';
import { answerRows, expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';

/** Hands `bytes` to the page as a File inside a DataTransfer and fires `kind` on `selector`. */
async function transferPicture(page: Page, kind: 'drop' | 'paste', selector: string, bytes: Buffer, name: string): Promise<void> {
  await page.evaluate(
    ({ kind, selector, base64, name }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type: 'image/png' }));
      const target = document.querySelector(selector)!;
      if (kind === 'drop') {
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      } else {
        target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      }
    },
    { kind, selector, base64: bytes.toString('base64'), name },
  );
}

const pictureAnswer = (colour: string) => `The picture is mostly ${colour}.`;

test('the tiny Qwen3.5 loads by id, chats two turns and reuses its state on the second', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen35');
  await setGeneration(page, { temperature: 0, maxNewTokens: 12 });
  await loadModel(page);
  await expect(page.getByTestId('session-dtypes')).toHaveText('decoder q8 · embeddings q8 · vision fp32');

  await send(page, 'Hello there.');
  await waitForAnswerDone(page);
  await send(page, 'Tell me more.');
  await waitForAnswerDone(page);
  const cachedSecond = (await lastAnswer(page).locator('.markdown').textContent()) ?? '';
  const [first, second] = await answerRows(page);
  expect(Number(first.cached_tokens)).toBe(0);
  // The state kept is the part of turn 1 that turn 2 repeats: all of it but the answer's opening think block.
  expect(Number(second.cached_tokens)).toBeGreaterThan(Number(first.prompt_tokens) / 2);
  expect(Number(second.cached_tokens)).toBeLessThan(Number(first.prompt_tokens));
  expect(Number(second.prefill_tokens)).toBe(Number(second.prompt_tokens) - Number(second.cached_tokens));

  // The same two turns with a fresh worker before the second: no cache, the same tokens.
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, 'Hello there.');
  await waitForAnswerDone(page);
  await loadModel(page);
  await send(page, 'Tell me more.');
  await waitForAnswerDone(page);
  const rows = await answerRows(page);
  expect(Number(rows.at(-1)!.cached_tokens)).toBe(0);
  await expect(lastAnswer(page).locator('.markdown')).toHaveText(cachedSecond);

  // A text-only conversation with a picture-capable model: attaching is on offer.
  await expect(page.getByRole('button', { name: 'Attach image' })).toBeEnabled();
  expect(watchers.consoleErrors).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});

test('the vision model names the colour of a picture attached by picker, drop and paste; nothing leaves the device', async ({ page, baseURL }) => {
  const watchers = watch(page);
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await setGeneration(page, { temperature: 0, maxNewTokens: 16 });
  await loadModel(page);
  const privacyCount = page.getByRole('region', { name: 'Privacy' }).getByTestId('privacy-count');
  await expect(privacyCount).toHaveText('0');

  // Without a picture it says so.
  await send(page, 'What do you see?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText('I see no picture.');

  // Picker: a thumbnail and its token cost show before sending, and it can be removed.
  await page.getByRole('button', { name: 'New chat' }).click();
  await attachWithPicker(page, await solidPng(page, '#e01010'), 'red.png');
  const tray = page.getByRole('list', { name: 'Pictures to send' });
  await expect(tray.getByRole('img', { name: 'red.png' })).toBeVisible();
  await expect(page.getByTestId('chat-image-tokens')).toHaveText('≈ 64 image tokens');
  await page.getByRole('button', { name: 'Remove red.png' }).click();
  await expect(tray).toHaveCount(0);
  await attachWithPicker(page, await solidPng(page, '#e01010'), 'red.png');
  await send(page, 'What colour is this?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(pictureAnswer('red'));
  const you = page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'You' }).last();
  await expect(you.getByRole('img', { name: 'red.png' })).toBeVisible();
  const [row] = await answerRows(page);
  expect(Number(row.image_tokens)).toBe(64);

  // A second turn with a second picture: several turns, several pictures.
  await attachWithPicker(page, await solidPng(page, '#e01010'), 'red-again.png');
  await send(page, 'And this one?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(pictureAnswer('red'));
  expect(Number((await answerRows(page)).at(-1)!.image_tokens)).toBe(128);

  // Drop onto the conversation.
  await page.getByRole('button', { name: 'New chat' }).click();
  await transferPicture(page, 'drop', '.log-wrap', await solidPng(page, '#10c010'), 'green.png');
  await expect(page.getByRole('list', { name: 'Pictures to send' }).getByRole('img', { name: 'green.png' })).toBeVisible();
  await send(page, 'What colour is this?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(pictureAnswer('green'));

  // Paste into the message box.
  await page.getByRole('button', { name: 'New chat' }).click();
  await transferPicture(page, 'paste', 'textarea[aria-label="Message"]', await solidPng(page, '#1010e0'), 'blue.png');
  await expect(page.getByRole('list', { name: 'Pictures to send' }).getByRole('img', { name: 'blue.png' })).toBeVisible();
  await send(page, 'What colour is this?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(pictureAnswer('blue'));

  await expect(privacyCount).toHaveText('0');
  expect(watchers.consoleErrors).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});

test('a text-only model offers no Attach image, and says why', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  const attach = page.getByRole('button', { name: 'Attach image' });
  await expect(attach).toBeDisabled();
  await loadModel(page);
  await expect(attach).toBeDisabled();
  await expect(page.getByTestId('chat-attach-reason')).toHaveText(/fixtures\/tiny-qwen3 reads text only/);
  await expect(attach).toHaveAccessibleDescription(/reads text only/);
});

test('side by side: two vision models answer about the same picture, a text-only one says it reads text only', async ({ page }) => {
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&view=side-by-side`);
  const view = page.getByRole('region', { name: 'Side by side' });
  await expect(view.getByRole('button', { name: 'Run side by side' })).toBeEnabled();
  await view.getByLabel('Model for pane 1').fill('fixtures/tiny-qwen35-vision');
  await view.getByLabel('Model for pane 2').fill('fixtures/tiny-qwen35');
  await view.getByRole('button', { name: 'Add a pane' }).click();
  await view.getByLabel('Model for pane 3').fill('fixtures/tiny-qwen3');
  await view.getByLabel('Prompt', { exact: true }).fill('What colour is this picture?');
  await attachWithPicker(page, await solidPng(page, '#10c010'), 'green.png');
  await expect(view.getByRole('img', { name: 'green.png' })).toBeVisible();
  await view.getByRole('button', { name: 'Run side by side' }).click();
  const panes = view.getByRole('article');
  await expect(panes.nth(0)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(panes.nth(0)).toContainText(pictureAnswer('green'));
  await expect(panes.nth(1)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(panes.nth(2)).toContainText('reads text only', { timeout: 90_000 });
});

test('from a plain mirror with no file listing, Qwen3.5 loads its three sessions and answers', async ({ page }) => {
  const downloads: string[] = [];
  page.context().on('request', (request) => {
    if (request.method() === 'GET') downloads.push(request.url());
  });
  await openApp(page, 'fixtures/tiny-qwen35-vision', STATIC_MIRROR);
  await setGeneration(page, { temperature: 0, maxNewTokens: 16 });
  await loadModel(page);
  await expect(page.getByTestId('session-dtypes')).toHaveText('decoder q8 · embeddings q8 · vision fp32');
  await attachWithPicker(page, await solidPng(page, '#1010e0'), 'blue.png');
  await send(page, 'What colour is this?');
  await waitForAnswerDone(page);
  await expect(lastAnswer(page)).toContainText(pictureAnswer('blue'));
  const fetched = downloads.filter((url) => url.startsWith(STATIC_MIRROR)).map((url) => url.split('/resolve/main/')[1]);
  expect(fetched).toEqual(expect.arrayContaining(['onnx/embed_tokens_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx', 'onnx/vision_encoder.onnx', 'preprocessor_config.json']));
  expect(fetched).not.toContain('onnx/embed_tokens_q4.onnx');
});
