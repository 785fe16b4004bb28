// The scorecard in a real browser: the built-in suite end to end on a random-weights model (it
// must run and score honestly, not well), an imported code task whose answer loops forever or is
// right, run in the real sandbox worker, and a malformed import rejected with the exact problem.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { MIRROR } from './ports';
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
  const taskCount = Number(/(\d+) tasks in 10 categories/.exec(summary)?.[1]);
  expect(taskCount).toBeGreaterThanOrEqual(32);

  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-progress')).toContainText(new RegExp(`Model 1 of 1 \\(fixtures/tiny-qwen3\\): task \\d+ of ${taskCount}`), {
    timeout: 60_000,
  });
  await expect(view.getByRole('progressbar', { name: 'Scorecard progress' })).toBeVisible();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 280_000 });

  const totals = view.getByRole('table', { name: 'Scorecard totals' });
  const row = totals.getByRole('row', { name: /fixtures\/tiny-qwen3/ });
  await expect(row.getByTestId('score')).toHaveText(new RegExp(`^\\d+ / ${taskCount}$`));
  const passed = Number(/^(\d+)/.exec(((await row.getByTestId('score').textContent()) ?? '').trim())?.[1]);
  // Random weights: a pass here would be luck, and translation into Chinese can't happen at all.
  expect(passed).toBeLessThanOrEqual(3);
  await expect(row).toContainText('WASM');
  await expect(row).toContainText('Done');

  // One row per category; the cells add up to the total.
  const byCategory = view.getByRole('table', { name: 'Scores by category' });
  const cells = await byCategory.locator('tbody td').allTextContents();
  expect(cells).toHaveLength(10);
  const sums = cells.map((cell) => /^(\d+) \/ (\d+)$/.exec(cell.trim())!.slice(1).map(Number));
  expect(sums.reduce((s, [p]) => s + p, 0)).toBe(passed);
  expect(sums.reduce((s, [, t]) => s + t, 0)).toBe(taskCount);
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
