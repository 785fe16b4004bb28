// Tool tasks in a real browser: an imported suite with one tool task, answered by scripted models
// whose chat template (Qwen3's) renders the tools. A right call scores; a call with one wrong
// argument fails with that argument named; a right call gets the tool's result back (role "tool")
// and the answer that follows is checked; a model whose template has no tools (GLM-Edge's) is
// reported as not asked, outside its score.
import { test, expect, type Page } from '@playwright/test';
import { MIRROR } from './ports';
import { expectOnlyHosts, openApp, watch, type Watchers } from './app';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';

function expectClean(watchers: Watchers, baseURL: string | undefined): void {
  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
}

const TOOL_SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 2,
  name: 'Order lookup',
  tasks: [
    {
      id: 'order-lookup',
      category: 'tools',
      title: 'Look up an order',
      prompt: 'Where is my order A-1042?',
      maxNewTokens: 48,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_order_status',
            description: "Look up an order's status.",
            parameters: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
          },
        },
      ],
      checker: { kind: 'tool-call', expected: { name: 'get_order_status', arguments: { order_id: 'A-1042' } } },
    },
  ],
};

/** The built-in task that sends the tool's result back and checks the answer that follows. */
const ROUND_TRIP_SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 2,
  name: 'Order lookup',
  tasks: [BUILTIN_SUITE.tasks.find((task) => task.id === 'tool-order-eta')!],
};

async function scoreToolSuite(page: Page, model: string, suite: object = TOOL_SUITE) {
  await openApp(page, model);
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await view
    .getByLabel('Import a suite (JSON file)')
    .setInputFiles({ name: 'tools.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(suite)) });
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await expect(view.getByTestId('suite-summary')).toHaveText('Order lookup: 1 tasks in 1 categories');
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 60_000 });
  const task = view.locator(`details[data-task="${(suite as typeof TOOL_SUITE).tasks[0]!.id}"]`);
  await task.locator('summary').click();
  return { view, task, score: view.getByRole('table', { name: 'Scorecard totals' }).getByRole('row', { name: new RegExp(model) }).getByTestId('score') };
}

test('a right tool call, rendered through the model\'s own template, scores', async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { task, score } = await scoreToolSuite(page, 'fixtures/tiny-tool-right');
  await expect(score).toHaveText('1 / 1');
  await expect(task.getByTestId('answer')).toHaveText('<tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "A-1042"}}\n</tool_call>');
  await expect(task.getByTestId('verdict')).toHaveText('Passed: called get_order_status with the expected arguments');
  expectClean(watchers, baseURL);
});

test('a call with one wrong argument fails, naming the argument and both values', async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { task, score } = await scoreToolSuite(page, 'fixtures/tiny-tool-wrong');
  await expect(score).toHaveText('0 / 1');
  await expect(task).toHaveAttribute('data-passed', 'false');
  await expect(task.getByTestId('verdict')).toHaveText('Failed: called get_order_status, but argument "order_id" is "A-1024", expected "A-1042"');
  expectClean(watchers, baseURL);
});

test('the round trip: the call is answered with the tool\'s result, and the answer that follows is checked', async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { task, score } = await scoreToolSuite(page, 'fixtures/tiny-tool-round-trip', ROUND_TRIP_SUITE);
  await expect(score).toHaveText('1 / 1');
  await expect(task.getByTestId('answer')).toHaveText(
    '<tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "C-5508"}}\n</tool_call>\n\n' +
      '[tool result] {"order_id": "C-5508", "status": "in_transit", "carrier": "DPD", "estimated_delivery": "Thursday 12 March"}\n\n' +
      'Yes: order C-5508 is on its way with DPD and should arrive on Thursday 12 March, before Friday.',
  );
  await expect(task.getByTestId('verdict')).toContainText('Passed: called get_order_status with the expected arguments; the final answer: ');
  expectClean(watchers, baseURL);
});

test('a model whose template has no tools is not asked, and that is not a failure', async ({ page, baseURL }) => {
  const watchers = watch(page);
  const { view, task, score } = await scoreToolSuite(page, 'fixtures/tiny-glm');
  await expect(score).toContainText('0 / 0');
  await expect(view.getByTestId('no-tool-support')).toHaveText('(1 not asked: no tool support in its template)');
  await expect(task).toHaveAttribute('data-unsupported', 'tools');
  await expect(task.getByTestId('verdict')).toHaveText('Not asked: no tool support in its template');
  await expect(view.getByRole('table', { name: 'Scores by category' }).locator('tbody td')).toHaveText(['no tool support']);
  expectClean(watchers, baseURL);
});
