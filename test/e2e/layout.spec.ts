// The chat page as a newcomer and a room of stakeholders see it, checked as behaviour rather than
// pixels: the regions stay apart and inside the window, nothing scrolls sideways, Load model is
// on screen at first, the log follows a streaming answer, numbers move while it streams, and
// presenter mode keeps the answer in view. It also takes the README's screenshots.
import { test, expect, type Page } from '@playwright/test';
import { MIRROR } from './ports';
import { lastAnswer, loadModel, openApp, openModelsTab, send, setGeneration, waitForAnswerDone } from './app';

const SIZES = {
  laptop: { width: 1366, height: 768 },
  desktop: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;

type Box = { x: number; y: number; width: number; height: number };

/** The visible boxes of the chat's three regions. */
async function regionBoxes(page: Page): Promise<Record<string, Box>> {
  const boxes: Record<string, Box> = {};
  for (const [name, locator] of [
    ['Model', page.getByRole('region', { name: 'Model', exact: true })],
    ['Conversation', page.getByRole('log', { name: 'Conversation' })],
    ['Metrics', page.getByRole('region', { name: 'Metrics' })],
  ] as const) {
    const box = await locator.boundingBox();
    expect(box, `${name} is visible`).not.toBeNull();
    boxes[name] = box!;
  }
  return boxes;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
}

/** Fails when two regions overlap, one spills out of the window sideways, or content spills out of one. */
async function expectRegionsApart(page: Page, label: string) {
  const boxes = await regionBoxes(page);
  const names = Object.keys(boxes);
  const width = page.viewportSize()!.width;
  for (const [i, a] of names.entries()) {
    expect(boxes[a].x, `${label}: ${a} starts inside the window`).toBeGreaterThanOrEqual(0);
    expect(boxes[a].x + boxes[a].width, `${label}: ${a} ends inside the window`).toBeLessThanOrEqual(width + 1);
    for (const b of names.slice(i + 1)) expect(overlap(boxes[a], boxes[b]), `${label}: ${a} and ${b} overlap`).toBe(false);
  }
  // Nothing inside a region is wider than the region (a table scrolls inside its own box instead).
  const spills = await page.evaluate(() => {
    const out: string[] = [];
    for (const region of document.querySelectorAll('#view-chat section, #view-chat [role="log"]')) {
      const box = region.getBoundingClientRect();
      if (box.width === 0) continue;
      for (const child of region.querySelectorAll('*')) {
        const r = child.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || child.closest('[data-scrolls]')) continue;
        if (r.right > box.right + 2 || r.left < box.left - 2) out.push(`${child.tagName.toLowerCase()}.${child.className} in ${region.getAttribute('aria-label') ?? region.className}`);
      }
    }
    return out.slice(0, 5);
  });
  expect(spills, `${label}: content spills out of its region`).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page, label: string) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${label}: the page scrolls sideways`).toBeLessThanOrEqual(width);
}

/** Every visible sentence of the page, and how often it appears. */
async function sentencesSeenThreeTimes(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const counts = new Map<string, number>();
  // A table cell is a unit of its own (innerText puts tabs between cells): rows of a table may share
  // values ("WASM · Q4_K_M", "Fits") without any sentence repeating.
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+|\t+/).map((s) => s.trim()).filter((s) => s.length > 24)) {
    counts.set(sentence, (counts.get(sentence) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= 3).map(([s]) => s);
}

test('first open at 1366×768: Load model is on screen, the regions are apart, nothing repeats or scrolls sideways', async ({ page }) => {
  await page.setViewportSize(SIZES.laptop);
  await openApp(page, 'fixtures/tiny-qwen3');
  const load = await page.getByRole('button', { name: 'Load model' }).boundingBox();
  expect(load!.y + load!.height).toBeLessThanOrEqual(SIZES.laptop.height);
  await expectRegionsApart(page, 'laptop, empty');
  await expectNoSidewaysScroll(page, 'laptop, empty');
  expect(await sentencesSeenThreeTimes(page)).toEqual([]);
});

test('on a phone, the page scrolls its last lines out from under the "Ready to work offline" notice', async ({ page }) => {
  await page.setViewportSize(SIZES.phone);
  await openApp(page, 'fixtures/tiny-qwen3');
  // A first visit is not yet cross-origin isolated, so the notice stays, offering the reload.
  const notice = page.getByRole('status').filter({ hasText: 'Ready to work offline' });
  await expect(notice).toBeVisible({ timeout: 30_000 });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const noticeBox = (await notice.boundingBox())!;
  const metricsBox = (await page.getByRole('region', { name: 'Metrics' }).boundingBox())!;
  expect(metricsBox.y + metricsBox.height, 'the Metrics panel ends above the notice').toBeLessThanOrEqual(noticeBox.y);
  await expectNoSidewaysScroll(page, 'phone, notice');
});

test('with a model stored and loaded, at 1366 and 1920 wide, and on a phone', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(SIZES.laptop);
  await openApp(page, 'fixtures/tiny-qwen3');
  await setGeneration(page, { temperature: 0, maxNewTokens: 24 });
  await loadModel(page);
  await send(page, 'Hello there');
  await waitForAnswerDone(page);
  for (const [name, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    // Reopened: the model is stored now, which is what used to push the sidebar under the chat.
    await page.reload();
    await expect(page.getByTestId('download-size')).toContainText('Stored in this browser');
    await loadModel(page);
    await expectNoSidewaysScroll(page, name);
    if (name !== 'phone') await expectRegionsApart(page, name);
    expect(await sentencesSeenThreeTimes(page)).toEqual([]);
    if (name !== 'phone') await page.screenshot({ path: `test-results/layout-${name}-loaded.png` });
    await openModelsTab(page);
    await expectNoSidewaysScroll(page, `${name}, models`);
    expect(await sentencesSeenThreeTimes(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Chat' }).click();
  }
});

test('while an answer streams, the log stays at its bottom and the decode figure moves before the end', async ({ page }) => {
  await page.setViewportSize(SIZES.laptop);
  await openApp(page, 'fixtures/tiny-qwen3');
  // Far more than the samples below need, so the answer is still going when Stop is pressed.
  await setGeneration(page, { temperature: 0, maxNewTokens: 6000 });
  await loadModel(page);
  await send(page, 'Write a very long story.');
  const log = page.getByRole('log', { name: 'Conversation' });
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await expect(metrics.getByTestId('decode')).toContainText(/tok\/s \(\d+ tok so far\)/);
  let samples = 0;
  let overflowed = false;
  while (await page.getByRole('button', { name: 'Stop' }).isEnabled()) {
    const { gap, scrollable } = await log.evaluate((el) => ({ gap: el.scrollHeight - el.scrollTop - el.clientHeight, scrollable: el.scrollHeight > el.clientHeight }));
    if (scrollable) {
      overflowed = true;
      expect(gap, 'the log fell behind the answer').toBeLessThanOrEqual(64);
      samples++;
      if (samples >= 8) break;
    }
    await page.waitForTimeout(150);
  }
  expect(overflowed, 'the answer grew taller than the log').toBe(true);
  await page.screenshot({ path: 'docs/screenshots/chat.png' });
  // Scrolled up to read: the log stays put and offers the way back.
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(page.getByRole('button', { name: /^Jump to/ })).toBeVisible();
  expect(await log.evaluate((el) => el.scrollTop)).toBeLessThan(5);
  await page.getByRole('button', { name: /^Jump to/ }).click();
  await expect.poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThanOrEqual(64);
  const stop = page.getByRole('button', { name: 'Stop' });
  if (await stop.isEnabled()) await stop.click();
  await waitForAnswerDone(page);
});

test('presenter mode with a preset at 1366×768 keeps the streaming answer on screen', async ({ page }) => {
  await page.setViewportSize(SIZES.laptop);
  await page.goto(`/?hub=${encodeURIComponent(MIRROR)}&model=${encodeURIComponent('fixtures/tiny-qwen3')}&preset=meeting-summary&presenter=1`);
  const answer = lastAnswer(page).locator('.markdown');
  await expect(answer).not.toBeEmpty({ timeout: 90_000 });
  const box = await lastAnswer(page).boundingBox();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeLessThan(SIZES.laptop.height - 60);
  await expectNoSidewaysScroll(page, 'presenter');
  await waitForAnswerDone(page);
  const log = page.getByRole('log', { name: 'Conversation' });
  expect(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThanOrEqual(64);
  const logBox = await log.boundingBox();
  expect(logBox!.y + logBox!.height).toBeLessThanOrEqual(SIZES.laptop.height + 1);
});

test('screenshots for the README: the models view and the scorecard', async ({ page }) => {
  await page.setViewportSize(SIZES.laptop);
  await openApp(page, 'fixtures/tiny-qwen3');
  await openModelsTab(page);
  await expect(page.getByRole('table', { name: 'Models' })).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/models.png' });
  await page.getByRole('tab', { name: 'Scorecard' }).click();
  await expect(page.getByRole('button', { name: /Run the scorecard|Run/ }).first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/scorecard.png' });
});

test('a question about a picture at every size: thumbnail, answer and composer stay apart; screenshots for the README', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page, 'fixtures/tiny-qwen35-vision');
  await setGeneration(page, { temperature: 0, maxNewTokens: 16 });
  await loadModel(page);
  const png = Buffer.from(
    await page.evaluate(async () => {
      // A small "receipt": a picture someone would really ask about, mostly red ink on white.
      const canvas = new OffscreenCanvas(320, 400);
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#c81e1e';
      context.fillRect(0, 0, 320, 400);
      context.fillStyle = '#ffffff';
      context.font = 'bold 28px sans-serif';
      context.fillText('KIOSK', 110, 60);
      context.font = '22px sans-serif';
      for (const [i, line] of ['Tea      1.15', 'Bagel    2.40', 'Juice    3.05'].entries()) context.fillText(line, 60, 130 + i * 40);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    }),
    'base64',
  );
  for (const [name, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    const newChat = page.getByRole('button', { name: 'New chat' });
    if (await newChat.isEnabled()) await newChat.click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach image' }).click();
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await expect(page.getByTestId('chat-image-tokens')).toBeVisible();
    await page.getByRole('textbox', { name: 'Message' }).fill('What colour is this receipt?');
    await expectNoSidewaysScroll(page, `${name}, picture attached`);
    await page.screenshot({ path: `test-results/picture-${name}-attached.png` });
    await page.getByRole('button', { name: 'Send' }).click();
    await waitForAnswerDone(page);
    await expect(lastAnswer(page)).toContainText('The picture is mostly red.');
    const log = page.getByRole('log', { name: 'Conversation' });
    const picture = log.getByRole('article', { name: 'You' }).getByRole('img', { name: 'receipt.png' });
    const answerBox = await lastAnswer(page).boundingBox();
    const pictureBox = await picture.boundingBox();
    expect(pictureBox!.y + pictureBox!.height, `${name}: the picture ends above the answer`).toBeLessThanOrEqual(answerBox!.y + 1);
    await expectRegionsApart(page, `${name}, answered about a picture`);
    await expectNoSidewaysScroll(page, `${name}, answered about a picture`);
    await page.screenshot({ path: `docs/screenshots/picture-${name}.png` });
  }
  // A file that is not a picture is refused with its name and what to attach instead.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach image' }).click();
  await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('attach a PNG, JPEG, WebP or GIF');
  await page.screenshot({ path: 'test-results/picture-phone-error.png' });
});
