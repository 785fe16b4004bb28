// Picture questions in a real browser, on a model that reads text only (fixtures/tiny-qwen3): the
// built-in Vision tasks and a user's own PNG are drawn or decoded, resized and shown beside their
// answers, the model is not asked them, and they stay out of its score. The thumbnails are read
// back pixel by pixel, so a drawing that came out blank, or in the wrong colour, fails here.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import { MIRROR } from './ports';
import { expectOnlyHosts, openApp, watch } from './app';
import { importSuite } from './scorecard-suites';
import { tinyPng } from '../unit/support/tiny-png';

const VISION_TASKS = BUILTIN_SUITE.tasks.filter((task) => task.category === 'vision');

const PICTURE_SUITE = {
  format: 'on-device-playground/scorecard-suite',
  version: 3,
  name: 'Pictures',
  tasks: [
    ...VISION_TASKS,
    {
      id: 'own-picture',
      category: 'vision',
      title: 'The colour of my picture',
      prompt: 'Which colour is this picture: red or green? Answer with one word.',
      maxNewTokens: 8,
      pictures: [{ name: 'red-square.png', type: 'image/png', data: tinyPng(96, 96, [220, 30, 30]).toString('base64') }],
      checker: { kind: 'choice', labels: ['red', 'green'], expected: 'red' },
    },
    { id: 'six-sevens', category: 'reasoning', title: 'Six sevens', prompt: 'What is 6 × 7? End with the number.', maxNewTokens: 8, checker: { kind: 'number', expected: 42 } },
  ],
};
const PICTURE_TASK_COUNT = PICTURE_SUITE.tasks.length - 1;

/** What a thumbnail holds, read back through a canvas: its size, mean colour and how much differs from its commonest colour. */
function pixelsOf(image: Locator) {
  return image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, img.naturalWidth, img.naturalHeight);
    const counts = new Map<number, number>();
    const mean = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
      for (let c = 0; c < 3; c++) mean[c] += data[i + c];
    }
    const pixels = data.length / 4;
    const commonest = Math.max(...counts.values());
    return { width: img.naturalWidth, height: img.naturalHeight, mean: mean.map((sum) => Math.round(sum / pixels)), otherShare: 1 - commonest / pixels };
  });
}

async function runPictureSuite(page: Page) {
  await openApp(page, 'fixtures/tiny-qwen3');
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await importSuite(page, 'pictures.json', PICTURE_SUITE);
  await expect(view.getByTestId('imported-suite')).toContainText(`Imported “Pictures” from pictures.json (${PICTURE_SUITE.tasks.length} tasks)`);
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await expect(view.getByTestId('suite-summary')).toHaveText(`Pictures: ${PICTURE_SUITE.tasks.length} tasks in 2 categories`);
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 90_000 });
  return view;
}

test('a model that reads text only is not asked the picture tasks; they show their pictures and do not count', async ({ page, baseURL }) => {
  test.setTimeout(150_000);
  const watchers = watch(page);
  const view = await runPictureSuite(page);

  // Scored out of the one text task; the picture tasks are counted apart, with the reason.
  const score = view.getByRole('table', { name: 'Scorecard totals' }).getByRole('row', { name: /fixtures\/tiny-qwen3/ }).getByTestId('score');
  await expect(score).toHaveText(new RegExp(`^[01] / 1\\s+\\(${PICTURE_TASK_COUNT} not asked: this model reads text only\\)$`));
  await expect(view.getByTestId('no-image-support')).toHaveText(`(${PICTURE_TASK_COUNT} not asked: this model reads text only)`);
  const rows = view.getByRole('table', { name: 'Scores by category' }).locator('tbody tr');
  await expect(rows.filter({ hasText: 'Vision (pictures)' }).locator('td')).toHaveText(['reads text only']);
  await expect(rows.filter({ hasText: 'Arithmetic and logic' }).locator('td')).toHaveText(/^[01] \/ 1$/);

  const answers = view.getByRole('region', { name: 'Answers of fixtures/tiny-qwen3' });
  for (const task of PICTURE_SUITE.tasks.slice(0, PICTURE_TASK_COUNT)) {
    const details = answers.locator(`details[data-task="${task.id}"]`);
    await expect(details, task.id).toHaveAttribute('data-unsupported', 'images');
    await expect(details.locator('summary')).toContainText('– Not asked');
    await details.locator('summary').click();
    await expect(details.getByTestId('verdict')).toHaveText('Not asked: this model reads text only');
    await expect(details.getByTestId('answer')).toHaveText('(not asked)');
    await expect(details.getByTestId('task-picture')).toHaveCount(1);
  }

  // Every drawing came out at its size, with something drawn on it.
  const thumbnail = (id: string) => answers.locator(`details[data-task="${id}"]`).getByTestId('task-picture');
  for (const [id, width, height] of [
    ['vision-receipt-total', 384, 352],
    ['vision-bar-chart-tallest', 448, 448],
    ['vision-count-circles', 448, 448],
    ['vision-table-to-json', 448, 256],
    ['vision-sign-text', 448, 320],
  ] as const) {
    const pixels = await pixelsOf(thumbnail(id));
    expect(pixels, id).toMatchObject({ width, height });
    // Text, bars, shapes or grid lines: a real share of the picture is not its background.
    expect(pixels.otherShare, id).toBeGreaterThan(0.02);
  }
  // The colour task is blue over nearly all of it; the user's own red PNG is upscaled to the minimum and stays red.
  const blue = await pixelsOf(thumbnail('vision-dominant-colour'));
  expect(blue.mean[2]).toBeGreaterThan(blue.mean[0] + 80);
  expect(blue.mean[2]).toBeGreaterThan(blue.mean[1] + 80);
  const own = await pixelsOf(thumbnail('own-picture'));
  expect(own).toMatchObject({ width: 256, height: 256 });
  own.mean.forEach((channel, c) => expect(Math.abs(channel - [220, 30, 30][c]), 'mean colour of the red PNG').toBeLessThanOrEqual(3));
  await expect(thumbnail('own-picture')).toHaveAttribute('alt', 'red-square.png');

  expectOnlyHosts(watchers.requests, [baseURL!, MIRROR]);
  expect(watchers.consoleErrors).toEqual([]);
});

test('the picture beside its answer fits the window at laptop, desktop and phone sizes', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const view = await runPictureSuite(page);
  const receipt = view.locator('details[data-task="vision-receipt-total"]');
  await receipt.locator('summary').click();
  const shotsDir = process.env.SCORECARD_SHOTS_DIR;
  if (shotsDir) mkdirSync(shotsDir, { recursive: true });
  for (const [name, size] of [
    ['laptop', { width: 1366, height: 768 }],
    ['desktop', { width: 1920, height: 1080 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(size);
    const picture = receipt.getByTestId('task-picture');
    await picture.scrollIntoViewIfNeeded();
    const [pictureBox, answerBox] = [await picture.boundingBox(), await receipt.getByTestId('answer').boundingBox()];
    expect(pictureBox!.x + pictureBox!.width, name).toBeLessThanOrEqual(size.width);
    // Beside the answer where there is room, above it on a phone; never on top of it.
    const apart = pictureBox!.x + pictureBox!.width <= answerBox!.x + 1 || pictureBox!.y + pictureBox!.height <= answerBox!.y + 1;
    expect(apart, `${name}: picture and answer overlap`).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: the page scrolls sideways`).toBe(true);
    const shot = (part: string) => (shotsDir ? `${shotsDir}/scorecard-vision-${name}-${part}.png` : testInfo.outputPath(`scorecard-vision-${name}-${part}.png`));
    await page.screenshot({ path: shot('answer') });
    // The totals and the category table, with the Vision row, where the results start.
    await view.getByRole('table', { name: 'Scorecard totals' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('totals') });
  }
});

test('a model that sees is asked the picture tasks and scored on them: the scripted one names the colour right', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  const view = page.getByRole('region', { name: 'Scorecard' });
  await importSuite(page, 'pictures.json', PICTURE_SUITE);
  await view.getByRole('radio', { name: 'Run only the imported suite' }).check();
  await view.getByRole('button', { name: 'Run scorecard' }).click();
  await expect(view.getByTestId('scorecard-message')).toHaveText('Scorecard finished: 1 of 1 models scored.', { timeout: 150_000 });
  // Every task was asked: the score is out of all of them, none left out.
  const score = view.getByRole('table', { name: 'Scorecard totals' }).getByRole('row', { name: /fixtures\/tiny-qwen35-vision/ }).getByTestId('score');
  const total = PICTURE_SUITE.tasks.length;
  await expect(score).toHaveText(new RegExp(`^\\d+ / ${total}$`));
  await expect(view.getByTestId('no-image-support')).toHaveCount(0);
  // It answers "The picture is mostly <colour>.": right for the built-in colour task and the user's red square.
  const passed = Number(/^(\d+)/.exec((await score.textContent()) ?? '')![1]);
  expect(passed).toBeGreaterThanOrEqual(2);
  const vision = view.getByRole('table', { name: 'Scores by category' }).locator('tbody tr').filter({ hasText: 'Vision (pictures)' });
  await expect(vision.locator('td')).toHaveText(new RegExp(`^\\d+ / ${PICTURE_TASK_COUNT}$`));
});
