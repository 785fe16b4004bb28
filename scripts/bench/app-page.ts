// Drives the app through its UI, as a user would: pick model, backend and weights, load, send.
import type { Page } from '@playwright/test';
import { answerRows } from '../../test/e2e/app';
import type { GenerationSetup } from './bare-page';
import { APP_URL, type Run } from './harness';

export interface AppLoad {
  /** Click on Load model → the ready badge, measured from the harness. */
  wallMs: number;
  /** The app's own split, from the metrics panel. */
  totalMs: number;
  downloadMs: number;
  sessionInitMs: number;
  warmupMs: number;
  /** Every "<label> <time>" of the page's Load lines, by label (download, session, store read, tokenizer …). */
  phases: Record<string, number>;
  /**
   * The engine's load metrics as the page holds them (phase times such as storeReadMs,
   * tokenizerMs, engineStartMs, sessionCreateMs, and how onnxruntime ran), where the build shows
   * them; null on a build without.
   */
  metrics: Record<string, unknown> | null;
}

/** The Load line ("12.3 s: download 1.2 s, session 10.1 s, …") as label → ms. */
export function parseLoadLine(text: string): { totalMs: number; phases: Record<string, number> } {
  const colon = text.indexOf(':');
  const phases: Record<string, number> = {};
  for (const item of text.slice(colon + 1).split(/[,;(]/)) {
    const match = /^\s*(.*?)\s*([\d.]+\s*m?s)\s*\)?\s*$/.exec(item);
    if (match?.[1]) phases[match[1]] = parseMs(match[2]);
  }
  return { totalMs: parseMs(/^\s*([\d.]+\s*m?s)/.exec(text.slice(0, colon))?.[1] ?? ''), phases };
}

/**
 * Opens the app on a model (not loaded yet) with greedy settings matching the bare path.
 * `appUrl` serves another build of the app (comparing two commits); `query` adds URL parameters.
 */
export async function openAppPage(page: Page, setup: Omit<GenerationSetup, 'threads'>, { appUrl = APP_URL, query = {} }: { appUrl?: string; query?: Record<string, string> } = {}) {
  const params = new URLSearchParams({ hub: setup.hub, model: setup.model, ...query });
  await page.goto(`${appUrl}?${params}`);
  // The settings live in a drawer that starts closed.
  const drawer = page.getByTestId('settings-drawer');
  await drawer.waitFor();
  if (!(await page.getByRole('region', { name: 'Generation' }).isVisible())) await drawer.locator('summary').click();
  await page.getByLabel(/^Temperature/).fill('0');
  await page.getByLabel('Max new tokens').fill(String(setup.newTokens));
  await page.getByLabel('System prompt').fill(setup.messages[0].content);
  await drawer.getByLabel('Backend').selectOption(setup.backend);
  await drawer.getByLabel('Weights').selectOption(setup.dtype);
  const table = page.getByRole('table', { name: 'Answers' });
  let answers = 0;
  return {
    async load(): Promise<AppLoad> {
      const started = Date.now();
      await page.getByRole('button', { name: 'Load model' }).click();
      // A load that fails says so on the page: stop there rather than wait out the timeout.
      const failed = page.getByText(/^Loading ".*" failed:/);
      await page.getByTestId('model-ready').or(failed).first().waitFor({ timeout: 900_000 });
      const wallMs = Date.now() - started;
      if (await failed.isVisible()) throw new Error(`The app's load failed: ${await failed.textContent()}`);
      const { totalMs, phases } = parseLoadLine((await page.getByTestId('load-split').textContent()) ?? '');
      const detail = page.getByTestId('load-phases');
      let metrics: Record<string, unknown> | null = null;
      if ((await detail.count()) > 0) {
        Object.assign(phases, parseLoadLine(`:${(await detail.textContent()) ?? ''}`).phases);
        metrics = JSON.parse((await detail.getAttribute('data-phases')) ?? 'null') as Record<string, unknown> | null;
      }
      return { wallMs, totalMs, downloadMs: phases.download ?? NaN, sessionInitMs: phases.session ?? NaN, warmupMs: phases['warm-up'] ?? NaN, phases, metrics };
    },
    /**
     * One answer to the user message in a new chat, so every run prefills the whole prompt.
     * `window` is the page's clock from the Send click to the answer's metrics row. With `picture`,
     * the PNG is attached through the picker first, and the answer reports its encoder time.
     */
    async run(picture?: { name: string; png: Buffer }): Promise<Run & { window: [number, number]; imageTokens: number; imageEncodeMs: number; promptTokens: number; cachedTokens: number }> {
      if (answers > 0) {
        await page.getByRole('button', { name: 'New chat' }).click();
        await table.waitFor({ state: 'detached' });
      }
      if (picture) {
        const chooser = page.waitForEvent('filechooser');
        await page.getByRole('button', { name: 'Attach image' }).click();
        await (await chooser).setFiles({ name: picture.name, mimeType: 'image/png', buffer: picture.png });
        await page.getByRole('list', { name: 'Pictures to send' }).getByRole('img', { name: picture.name }).waitFor();
      }
      await page.getByRole('textbox', { name: 'Message' }).fill(setup.messages[1].content);
      // Wait from inside the page on DOM mutations: Playwright's own waiting polls every animation
      // frame, which would put harness work on the app's main thread while it generates.
      // (A string, because tsx would wrap named functions in a helper the page doesn't have.)
      const answered = page.evaluate(`new Promise((resolve) => {
        let sentAt = NaN;
        const send = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send');
        send.addEventListener('click', () => { sentAt = performance.now(); }, { once: true, capture: true });
        const rows = () => document.querySelectorAll('table[aria-label="Answers"] tbody tr').length;
        const observer = new MutationObserver(() => {
          if (rows() > 0) { observer.disconnect(); resolve([sentAt, performance.now()]); }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      })`) as Promise<[number, number]>;
      await page.getByRole('button', { name: 'Send' }).click();
      const window = await answered;
      answers++;
      const row = (await answerRows(page)).at(-1)!;
      return {
        timeToFirstTokenMs: Number(row.time_to_first_token_ms),
        prefillTokensPerSecond: Number(row.prefill_tokens_per_s),
        decodeTokensPerSecond: Number(row.decode_tokens_per_s),
        generatedTokens: Number(row.generated_tokens),
        window,
        imageTokens: Number(row.image_tokens ?? 0),
        imageEncodeMs: Number(row.image_encode_ms ?? 0),
        promptTokens: Number(row.prompt_tokens),
        // Prompt tokens the engine took from a cache rather than read: 0 when it read the whole prompt.
        cachedTokens: Number(row.cached_tokens ?? 0),
      };
    },
    /** The Metrics panel's runtime line once a model is loaded ("Running on WASM · q8 · 2 threads"). */
    async runtime(): Promise<string> {
      return ((await page.getByTestId('runtime').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    },
  };
}

function parseMs(text: string): number {
  const match = /([\d.]+)\s*(m?s)/.exec(text);
  return match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
}
