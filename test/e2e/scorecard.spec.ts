// The scorecard in a real browser: the built-in suite end to end on a random-weights model (it
// must run and score honestly, not well), an imported code task whose answer loops forever or is
// right, run in the real sandbox worker, answers that return what isn't plain data, and a
// malformed import rejected with the exact problem.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readdirSync } from 'node:fs';
import { judgeCodeRun } from '../../src/lib/scorecard/checkers';
import { DEFAULT_CODE_TIME_LIMIT_MS, type SandboxReport, type SandboxRequest, type SandboxWorkerMessage } from '../../src/lib/scorecard/code-sandbox-protocol';
import type { CodeChecker } from '../../src/lib/scorecard/suite-types';
import { MIRROR } from './ports';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import { expectOnlyHosts, openApp, watch } from './app';
import { importSuite, sumToSuite } from './scorecard-suites';

async function openScorecard(page: Page, model: string): Promise<void> {
  await openApp(page, model);
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  await expect(page.getByRole('region', { name: 'Scorecard' })).toBeVisible();
}

async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).include('#view-scorecard').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

const SUM_TO_SUITE = sumToSuite();

test('the built-in suite runs end to end and scores every task', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const watchers = watch(page);
  await openScorecard(page, 'fixtures/tiny-qwen3');
  const view = page.getByRole('region', { name: 'Scorecard' });
  await expect(view.getByLabel('Models to score: model 1')).toHaveValue('fixtures/tiny-qwen3');
  const summary = (await view.getByTestId('suite-summary').textContent()) ?? '';
  const taskCount = Number(/(\d+) tasks in 11 categories/.exec(summary)?.[1]);
  expect(taskCount).toBeGreaterThanOrEqual(32);
  // tiny-qwen3 reads text only: the Vision tasks are not asked and are outside its score.
  const pictureTasks = BUILTIN_SUITE.tasks.filter((task) => task.pictures).length;
  const askedCount = taskCount - pictureTasks;

  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-progress')).toContainText(new RegExp(`Model 1 of 1 \\(fixtures/tiny-qwen3\\): task \\d+ of ${taskCount}`), {
    timeout: 60_000,
  });
  await expect(view.getByRole('progressbar', { name: 'Scorecard progress' })).toBeVisible();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 280_000 });

  const totals = view.getByRole('table', { name: 'Scorecard totals' });
  const row = totals.getByRole('row', { name: /fixtures\/tiny-qwen3/ });
  await expect(row.getByTestId('score')).toHaveText(new RegExp(`^\\d+ / ${askedCount} \\(${pictureTasks} not asked: this model reads text only\\)$`));
  const passed = Number(/^(\d+)/.exec(((await row.getByTestId('score').textContent()) ?? '').trim())?.[1]);
  // Random weights: a pass here would be luck, and translation into Chinese can't happen at all.
  expect(passed).toBeLessThanOrEqual(3);
  await expect(row).toContainText('WASM');
  await expect(row).toContainText('Done');

  // One row per category; the cells add up to the total.
  const byCategory = view.getByRole('table', { name: 'Scores by category' });
  const cells = (await byCategory.locator('tbody td').allTextContents()).map((cell) => cell.trim());
  expect(cells).toHaveLength(11);
  expect(cells.at(-1)).toBe('reads text only');
  const sums = cells.slice(0, -1).map((cell) => /^(\d+) \/ (\d+)$/.exec(cell.trim())!.slice(1).map(Number));
  expect(sums.reduce((s, [p]) => s + p, 0)).toBe(passed);
  expect(sums.reduce((s, [, t]) => s + t, 0)).toBe(askedCount);
  expect(sums.every(([, t]) => t >= 3)).toBe(true);

  // Each answer opens to its prompt, the text the model wrote and the verdict.
  const answers = view.getByRole('region', { name: 'Answers of fixtures/tiny-qwen3' });
  await expect(answers.locator('details')).toHaveCount(taskCount);
  const translation = answers.locator('details[data-task="tr-en-zh-shipping"]');
  await translation.locator('summary').click();
  await expect(translation).toContainText('Your order has shipped and will arrive in three days.');
  expect(((await translation.getByTestId('answer').textContent()) ?? '').length).toBeGreaterThan(0);
  await expect(translation.getByTestId('verdict')).toContainText(/^Failed: .*Chinese \(Han\)/);

  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test('an imported code task: an endless loop is stopped at the time limit, a right answer passes', async ({ page }) => {
  test.setTimeout(180_000);
  const watchers = watch(page);
  await openScorecard(page, 'fixtures/tiny-code-loop');
  const view = page.getByRole('region', { name: 'Scorecard' });
  await view.getByRole('button', { name: 'Add a model' }).click();
  await view.getByLabel('Models to score: model 2').fill('fixtures/tiny-code-right');

  await importSuite(page, 'sum-to.json', SUM_TO_SUITE);
  await expect(view.getByTestId('imported-suite')).toContainText('Imported “Sum to n” from sum-to.json (1 tasks)');
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await expect(view.getByTestId('suite-summary')).toHaveText('Sum to n: 1 tasks in 1 categories');

  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 2 of 2 models scored.', { timeout: 150_000 });

  const totals = view.getByRole('table', { name: 'Scorecard totals' });
  await expect(totals.getByRole('row', { name: /tiny-code-loop/ }).getByTestId('score')).toHaveText('0 / 1');
  await expect(totals.getByRole('row', { name: /tiny-code-right/ }).getByTestId('score')).toHaveText('1 / 1');

  const loop = view.getByRole('region', { name: 'Answers of fixtures/tiny-code-loop' }).locator('details');
  await loop.locator('summary').click();
  await expect(loop.getByTestId('answer')).toContainText('while (true) {}');
  await expect(loop.getByTestId('verdict')).toContainText(/^Failed: timed out after 2 s \(stopped after \d+ ms\)$/);
  const checkMs = Number(await loop.getByTestId('check-time').getAttribute('data-ms'));
  expect(checkMs).toBeGreaterThanOrEqual(2000);
  // Killed at the limit, not left to run: generous slack, as a busy machine delays the timer.
  expect(checkMs).toBeLessThan(2000 + 5000);

  const right = view.getByRole('region', { name: 'Answers of fixtures/tiny-code-right' }).locator('details');
  await right.locator('summary').click();
  await expect(right.getByTestId('verdict')).toHaveText('Passed: 2/2 tests passed');
  await expectNoSeriousAxeViolations(page);
  expect(watchers.consoleErrors).toEqual([]);
});

/**
 * Runs code in the built sandbox worker from the app's page, speaking the worker's protocol as the
 * app does (ready, run, one result, killed at the time limit), so a test needs no model to write it.
 */
async function runInBuiltSandbox(page: Page, request: SandboxRequest): Promise<SandboxReport> {
  // Wherever the build puts it: the worker's file name is what marks it.
  const file = readdirSync('dist', { recursive: true, encoding: 'utf8' }).find((path) => /(?:^|\/)code-sandbox\.worker-[\w-]+\.js$/.test(path));
  expect(file, 'the build has a code-sandbox worker').toBeDefined();
  return page.evaluate(
    ({ url, request }) =>
      new Promise<SandboxReport>((resolve) => {
        const worker = new Worker(url, { type: 'module', name: 'code-sandbox' });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (report: SandboxReport) => {
          clearTimeout(timer);
          worker.terminate();
          resolve(report);
        };
        worker.addEventListener('message', ({ data }: MessageEvent<SandboxWorkerMessage>) => {
          if (data.type === 'ready') {
            worker.postMessage({ type: 'run', source: request.source, functionName: request.functionName, calls: request.calls });
            timer = setTimeout(() => finish({ kind: 'timeout', limitMs: request.timeLimitMs, elapsedMs: request.timeLimitMs }), request.timeLimitMs);
          } else if (data.type === 'refused') finish({ kind: 'refused', message: data.message, elapsedMs: 0 });
          else finish({ ...data.outcome, elapsedMs: 0 });
        });
        worker.addEventListener('error', (event) => finish({ kind: 'crashed', message: event.message, elapsedMs: 0 }));
      }),
    { url: `/${file}`, request },
  );
}

test('an answer that returns empty slots, a Map or a getter fails in the sandbox, named in the verdict', async ({ page }) => {
  await openApp(page, 'fixtures/tiny-qwen3');
  const verdict = async (spec: CodeChecker, code: string) => {
    const calls = spec.tests.map((test) => test.args);
    const report = await runInBuiltSandbox(page, { source: code, functionName: spec.functionName, calls, timeLimitMs: DEFAULT_CODE_TIME_LIMIT_MS });
    const result = judgeCodeRun(spec, report);
    return `${result.passed ? 'Passed' : 'Failed'}: ${result.detail}`;
  };
  const fizzBuzz: CodeChecker = {
    kind: 'code',
    functionName: 'fizzBuzz',
    tests: [
      { args: [3], expected: ['1', '2', 'Fizz'] },
      { args: [5], expected: ['1', '2', 'Fizz', '4', 'Buzz'] },
      { args: [1], expected: ['1'] },
    ],
  };
  const right =
    'function fizzBuzz(n) { const out = []; for (let i = 1; i <= n; i++) out.push(i % 15 === 0 ? "FizzBuzz" : i % 3 === 0 ? "Fizz" : i % 5 === 0 ? "Buzz" : String(i)); return out; }';
  expect(await verdict(fizzBuzz, right)).toBe('Passed: 3/3 tests passed');
  expect(await verdict(fizzBuzz, 'function fizzBuzz(n) { return new Array(n); }')).toBe(
    'Failed: 0/3 tests passed; fizzBuzz(3): returned an array with an empty slot at [0] (new Array(n)?), not plain data; ' +
      'fizzBuzz(5): returned an array with an empty slot at [0] (new Array(n)?), not plain data',
  );
  const rows: CodeChecker = { kind: 'code', functionName: 'rows', tests: [{ args: [2], expected: [['1', '2'], ['1', '2']] }] };
  expect(await verdict(rows, 'function rows(n) { return [["1", "2"], new Array(n)]; }')).toBe(
    'Failed: 0/1 tests passed; rows(2): returned an array with an empty slot at [1][0] (new Array(n)?), not plain data',
  );
  const counts: CodeChecker = { kind: 'code', functionName: 'counts', tests: [{ args: [], expected: [{ byWord: {} }] }] };
  expect(await verdict(counts, 'function counts() { return [{ byWord: new Map([["a", 1]]) }]; }')).toBe(
    'Failed: 0/1 tests passed; counts(): returned a Map at [0].byWord, not plain data',
  );
  // Read twice (once to check, once to post back), this getter would throw on the second read.
  const order: CodeChecker = { kind: 'code', functionName: 'order', tests: [{ args: [], expected: { total: 6 } }] };
  const changing = 'function order() { let reads = 0; return { get total() { reads += 1; if (reads > 1) throw new Error("read twice"); return 6; } }; }';
  expect(await verdict(order, changing)).toBe('Failed: 0/1 tests passed; order(): returned an object with a getter at .total, not plain data');
});

test('a malformed suite is rejected with the exact problem, and the suite in use is kept', async ({ page }) => {
  await openScorecard(page, 'fixtures/tiny-qwen3');
  const view = page.getByRole('region', { name: 'Scorecard' });
  await importSuite(page, 'sum-to.json', SUM_TO_SUITE);
  await expect(view.getByTestId('imported-suite')).toBeVisible();

  const broken = structuredClone(SUM_TO_SUITE) as unknown as { tasks: Record<string, unknown>[] };
  broken.tasks[0].checker = { kind: 'code', functionName: 'sum to', tests: [] };
  delete broken.tasks[0].prompt;
  await importSuite(page, 'broken.json', broken);
  const error = view.getByRole('alert');
  await expect(error).toContainText('“broken.json” was not imported:');
  await expect(error.getByRole('listitem')).toHaveText([
    'task 1 ("sum-to"): "prompt" must be a non-empty string',
    'task 1 ("sum-to"): checker.functionName must be a JavaScript function name',
    'task 1 ("sum-to"): checker.tests must list at least one test',
  ]);
  await expect(view.getByTestId('imported-suite')).toContainText('Imported “Sum to n” from sum-to.json');

  await importSuite(page, 'notes.json', '{ "format": "on-device-playground/scorecard-suite", ');
  await expect(error).toContainText('“notes.json” was not imported:');
  await expect(error.getByRole('listitem')).toHaveText(/^the file is not valid JSON \(/);
  await expectNoSeriousAxeViolations(page);
});
