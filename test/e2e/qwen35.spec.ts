// Qwen3.5 in the browser (WASM): the tiny generated repos in the real -ONNX-OPT layout (three
// sessions, hybrid linear/full attention) load by id from the mirror, chat over several turns with
// the cache carried, and answer questions about pictures attached by picker, drop and paste. The
// scripted vision model names a picture's dominant colour, so its answer proves the pixels arrived.
// The Benchmark view measures it, and the scorecard's tool tasks render its tools through its own
// template and read its XML tool calls.
import { test, expect, type Page } from '@playwright/test';
import { MIRROR, STATIC_MIRROR } from './ports';
import { attachWithPicker, solidPng } from './pictures';
import { answerRows, expectOnlyHosts, lastAnswer, loadModel, openApp, send, setGeneration, waitForAnswerDone, watch } from './app';
import { BENCHMARK, leadingNumber, openBenchmark, tableRows } from './benchmark-page';
import { importSuite } from './scorecard-suites';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';

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

test('the Benchmark view measures the tiny Qwen3.5 on WASM: a row per prompt size with prefill and decode speeds', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openBenchmark(page, 'fixtures/tiny-qwen35');
  await page.getByLabel(BENCHMARK.repeats).fill('1');
  await page.getByRole('button', { name: BENCHMARK.run }).click();
  await expect(page.getByTestId('benchmark-message')).toHaveText('Benchmark finished: 3 of 3 cases measured.', { timeout: 280_000 });

  const rows = await tableRows(page);
  expect(rows.map((r) => `${r.cells[0]} ${r.cells[1]} ${r.cells[2]} ${r.cells[3]} ${r.cells[4]} ${r.status}`)).toEqual([
    'fixtures/tiny-qwen35 ONNX WASM q8 short done',
    'fixtures/tiny-qwen35 ONNX WASM q8 medium done',
    'fixtures/tiny-qwen35 ONNX WASM q8 long done',
  ]);
  for (const { cells } of rows) {
    const [, , , , size, promptTokens, load, ttft, prefill, decode] = cells;
    expect(Number(promptTokens), `${size} prompt tokens`).toBeGreaterThan(0);
    for (const [name, cell] of Object.entries({ load, ttft, prefill, decode })) {
      expect(leadingNumber(cell), `${size} ${name}: "${cell}"`).toBeGreaterThan(0);
    }
    expect(prefill, size).toMatch(/ tok\/s$/);
    expect(decode, size).toMatch(/ tok\/s$/);
  }
  await expect(page.getByRole('img', { name: /Bar chart of median prefill and decode speed .* for 3 cases/ })).toBeVisible();
  expect(watchers.consoleErrors).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});

/** The built-in suite's Tools category on its own, as an imported suite. */
const TOOLS_SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 2,
  name: 'Built-in tool tasks',
  tasks: BUILTIN_SUITE.tasks.filter((task) => task.category === 'tools'),
};

test('the scorecard runs the Tools category on Qwen3.5: its XML tool call is read and scored; random weights fail honestly', async ({ page, baseURL }) => {
  test.setTimeout(600_000);
  const watchers = watch(page);
  const taskCount = TOOLS_SUITE.tasks.length;
  expect(taskCount).toBeGreaterThanOrEqual(2);
  await openApp(page, 'fixtures/tiny-qwen35-tool');
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await view.getByRole('button', { name: 'Add a model' }).click();
  await view.getByLabel('Models to score: model 2').fill('fixtures/tiny-qwen35');
  await importSuite(page, 'tools.json', TOOLS_SUITE);
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await expect(view.getByTestId('suite-summary')).toHaveText(`Built-in tool tasks: ${taskCount} tasks in 1 categories`);
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 2 of 2 models scored.', { timeout: 580_000 });

  // Both templates take tools: every task is asked of both, none is set aside.
  const totals = view.getByRole('table', { name: 'Scorecard totals' });
  const scoreOf = (model: string) => totals.locator('tr', { has: page.getByRole('rowheader', { name: model, exact: true }) }).getByTestId('score');
  await expect(scoreOf('fixtures/tiny-qwen35-tool')).toHaveText(`1 / ${taskCount}`);
  await expect(scoreOf('fixtures/tiny-qwen35')).toHaveText(`0 / ${taskCount}`);
  await expect(view.getByTestId('no-tool-support')).toHaveCount(0);
  await expect(view.getByRole('table', { name: 'Scores by category' }).locator('tbody td')).toHaveText([`1 / ${taskCount}`, `0 / ${taskCount}`]);

  // The call comes in Qwen3.5's XML form and is read as a call with its argument.
  const answers = view.getByRole('region', { name: 'Answers of fixtures/tiny-qwen35-tool', exact: true });
  const lookup = answers.locator('details[data-task="tool-order-status"]');
  await lookup.locator('summary').click();
  await expect(lookup).toHaveAttribute('data-passed', 'true');
  await expect(lookup.getByTestId('answer')).toHaveText(
    '<tool_call>\n<function=get_order_status>\n<parameter=order_id>\nA-1042\n</parameter>\n</function>\n</tool_call>',
  );
  await expect(lookup.getByTestId('verdict')).toHaveText('Passed: called get_order_status with the expected arguments');
  // The same call where another order, another tool or no tool was wanted fails, and says why.
  const verdicts: Record<string, string> = {
    'tool-order-eta': 'Failed: called get_order_status, but argument "order_id" is "A-1042", expected "C-5508"',
    'tool-refund': 'Failed: called get_order_status, expected create_refund',
    'tool-no-call-needed': 'Failed: called get_order_status, but this question needs no tool',
  };
  for (const [id, verdict] of Object.entries(verdicts)) {
    const task = answers.locator(`details[data-task="${id}"]`);
    await task.locator('summary').click();
    await expect(task).toHaveAttribute('data-passed', 'false');
    await expect(task.getByTestId('verdict')).toHaveText(verdict);
  }

  const random = view.getByRole('region', { name: 'Answers of fixtures/tiny-qwen35', exact: true }).locator('details');
  await expect(random).toHaveCount(taskCount);
  for (const task of await random.all()) await expect(task).toHaveAttribute('data-passed', 'false');
  expect(watchers.consoleErrors).toEqual([]);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
});
