// Shared steps for the e2e specs: open the app against a mirror, load a model, chat, and watch
// the console and the network so a test fails on errors and on requests to unexpected hosts.
import { expect, type Page, type Request } from '@playwright/test';
import { MIRROR } from './ports';

export interface Watchers {
  consoleErrors: string[];
  requests: string[];
}

export function watch(page: Page): Watchers {
  const watchers: Watchers = { consoleErrors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watchers.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watchers.consoleErrors.push(`pageerror: ${error.message}`));
  page.context().on('request', (request: Request) => watchers.requests.push(request.url()));
  return watchers;
}

export async function openApp(page: Page, model: string, hub = MIRROR, extra = ''): Promise<void> {
  await page.goto(`/?hub=${encodeURIComponent(hub)}&model=${encodeURIComponent(model)}${extra}`);
  await expect(page.getByRole('button', { name: 'Load model' })).toBeEnabled();
}

/** The chat's settings drawer (backend, weights, mirror, generation): closed by default, opened here. */
export async function openSettings(page: Page): Promise<void> {
  const drawer = page.getByTestId('settings-drawer');
  if (!(await drawer.evaluate((details) => (details as HTMLDetailsElement).open))) await drawer.locator('summary').click();
}

/** Picks the chat's backend in the settings drawer; Auto runs SwiftShader models on WASM. */
export async function chooseBackend(page: Page, backend: 'Auto' | 'WebGPU' | 'WASM (CPU)'): Promise<void> {
  await openSettings(page);
  await page.getByTestId('settings-drawer').getByLabel('Backend').selectOption({ label: backend });
}

export async function openChatTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Chat' }).click();
}

/** The "Models" tab: every model with its fit here, stored or not, Load and Delete; folder import. */
export async function openModelsTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Models' }).click();
}

export async function openDeviceTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Device' }).click();
}

export async function setGeneration(page: Page, options: { temperature?: number; maxNewTokens?: number }): Promise<void> {
  await openSettings(page);
  // Other views (side by side) have their own generation fields: use the chat's panel.
  const panel = page.getByRole('region', { name: 'Generation' });
  if (options.temperature !== undefined) await panel.getByLabel(/^Temperature/).fill(String(options.temperature));
  if (options.maxNewTokens !== undefined) await panel.getByLabel('Max new tokens').fill(String(options.maxNewTokens));
}

export async function loadModel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.getByTestId('model-ready')).toBeVisible({ timeout: 90_000 });
}

export function lastAnswer(page: Page) {
  return page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'Assistant' }).last();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

export async function waitForAnswerDone(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled({ timeout: 90_000 });
  await expect(lastAnswer(page)).not.toHaveAttribute('data-streaming', 'true');
}

/** Rows of the "Answers" table as objects keyed by column header. */
export async function answerRows(page: Page): Promise<Record<string, string>[]> {
  return page.getByRole('table', { name: 'Answers' }).evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim().replaceAll(' ', '_'));
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [headers[i], td.textContent!.trim()])),
    );
  });
}

/** Every request went to the app itself or to the given mirrors. */
export function expectOnlyHosts(requests: string[], allowedOrigins: string[]): void {
  const offenders = requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return !allowedOrigins.some((origin) => url.startsWith(`${origin}/`) || url === origin);
  });
  expect(offenders, 'requests to hosts other than the app and the mirror').toEqual([]);
}

/** Records every distinct text the last assistant answer shows while it streams. */
export async function recordStreaming(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __snapshots: string[] };
    w.__snapshots = [];
    const log = document.querySelector('[role="log"]')!;
    new MutationObserver(() => {
      const answers = log.querySelectorAll('article.assistant');
      const text = answers[answers.length - 1]?.querySelector('.markdown')?.textContent ?? '';
      if (text && w.__snapshots.at(-1) !== text) w.__snapshots.push(text);
    }).observe(log, { subtree: true, childList: true, characterData: true });
  });
}

export async function streamingSnapshots(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __snapshots: string[] }).__snapshots);
}
