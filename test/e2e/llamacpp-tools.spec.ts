// The scorecard's tool tasks on GGUF models, through llama.cpp. The tiny GGUF models have random
// weights and never call a tool, so what is checked is what llama.cpp reports it was given: their
// vocabulary is single bytes (plus special tokens), so a prompt's token count is its rendered
// length, and a tool task's prompt is longer than the same task without tools by exactly what the
// GGUF's own chat template (Qwen3's: a system turn with a <tools> block) writes for those tools,
// rendered here from the same file. A GGUF whose template has no place for tools (GLM-Edge's) is
// not asked, as its ONNX build isn't, rather than given llama.cpp's generic tool prompt.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { FIXTURE_MODELS_DIR, MIRROR } from './ports';
import { expectOnlyHosts, openApp, watch } from './app';
import { readGgufHeader } from '../../src/lib/models/gguf/gguf-reader';

const PROMPT = 'Where is my order A-1042?';
const TOOL = {
  type: 'function',
  function: {
    name: 'get_order_status',
    description: "Look up an order's status.",
    parameters: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
  },
};

/** One tool task and the same prompt without tools. */
const SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 2,
  name: 'Order lookup',
  tasks: [
    {
      id: 'order-lookup',
      category: 'tools',
      title: 'Look up an order',
      prompt: PROMPT,
      maxNewTokens: 4,
      tools: [TOOL],
      checker: { kind: 'tool-call', expected: { name: 'get_order_status', arguments: { order_id: 'A-1042' } } },
    },
    {
      id: 'order-lookup-plain',
      category: 'support',
      title: 'The same question without tools',
      prompt: PROMPT,
      maxNewTokens: 4,
      checker: { kind: 'contains', any: ['A-1042'] },
    },
  ],
};

async function runSuite(page: Page, model: string) {
  await openApp(page, model);
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await view
    .getByLabel('Import a suite (JSON file)')
    .setInputFiles({ name: 'tools.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(SUITE)) });
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 90_000 });
  const task = (id: string) => view.locator(`details[data-task="${id}"]`);
  for (const id of ['order-lookup', 'order-lookup-plain']) await task(id).locator('summary').click();
  return { view, task };
}

/** Prompt tokens llama.cpp reported for a task, as the task's details show them. */
async function promptTokens(details: ReturnType<Awaited<ReturnType<typeof runSuite>>['task']>): Promise<number> {
  const text = (await details.textContent()) ?? '';
  const match = /\((\d+) prompt tokens/.exec(text);
  expect(match, `prompt tokens in: ${text}`).not.toBeNull();
  return Number(match![1]);
}

/** Tokens of `text` in a vocabulary of single bytes plus the special tokens given. */
function byteVocabTokens(text: string, special: readonly string[]): number {
  let count = 0;
  let rest = text;
  for (;;) {
    const next = special.map((s) => ({ s, at: rest.indexOf(s) })).filter((x) => x.at >= 0).sort((a, b) => a.at - b.at)[0];
    if (!next) return count + Buffer.byteLength(rest);
    count += Buffer.byteLength(rest.slice(0, next.at)) + 1;
    rest = rest.slice(next.at + next.s.length);
  }
}

test("a GGUF Qwen3's tool task reaches llama.cpp with the tools its own template writes, and the answer is checked for a call", async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { task } = await runSuite(page, 'fixtures/tiny-qwen3-gguf');
  const withTools = await promptTokens(task('order-lookup'));
  const without = await promptTokens(task('order-lookup-plain'));

  // The same GGUF's template, rendered with and without the tool, counted in its vocabulary.
  const header = await readGgufHeader(new Blob([await readFile(join(FIXTURE_MODELS_DIR, 'fixtures/tiny-qwen3-gguf/tiny-qwen3-Q4_0.gguf'))]));
  const template = new Template(header.metadata.get('tokenizer.chat_template') as string);
  const special = (header.metadata.get('tokenizer.ggml.tokens') as string[]).filter((t) => /^<.*>$/.test(t) && t.length > 1);
  const render = (tools?: object[]) =>
    template.render({ messages: [{ role: 'user', content: PROMPT }], add_generation_prompt: true, enable_thinking: false, ...(tools ? { tools } : {}) });
  const toolsBlock = render([TOOL]).slice(0, render([TOOL]).length - render().length);
  expect(toolsBlock).toContain('<tools>\n{"type": "function", "function": {"name": "get_order_status"');
  expect(withTools - without).toBe(byteVocabTokens(render([TOOL]), special) - byteVocabTokens(render(), special));

  // The answer went through the tool-call reader: random weights call nothing, and the verdict says so.
  await expect(task('order-lookup')).toHaveAttribute('data-passed', 'false');
  await expect(task('order-lookup').getByTestId('verdict')).toContainText('Failed:');
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test("a GGUF whose template has no tools (GLM-Edge's) is not asked the tool task, and that is not a failure", async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { view, task } = await runSuite(page, 'fixtures/tiny-glm-edge-gguf');
  await expect(task('order-lookup')).toHaveAttribute('data-unsupported', 'tools');
  await expect(task('order-lookup').getByTestId('verdict')).toHaveText('Not asked: no tool support in its template');
  await expect(view.getByTestId('no-tool-support')).toHaveText('(1 not asked: no tool support in its template)');
  // The plain question was asked.
  expect(await promptTokens(task('order-lookup-plain'))).toBeGreaterThan(0);
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});
