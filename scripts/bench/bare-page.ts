// Drives the bare reference page (scripts/bench/bare): transformers.js used the plain way in a
// worker of its own, none of the app's code.
import type { Page } from '@playwright/test';
import type { Backend } from '../../src/lib/engines/types';
import type { FixtureDtype } from '../../test/fixtures/model-repos';
import { BARE_URL, type Run } from './harness';

export interface GenerationSetup {
  hub: string;
  model: string;
  backend: Backend;
  dtype: FixtureDtype;
  threads: number;
  newTokens: number;
  messages: { role: string; content: string }[];
  /** Per-session dtypes of a vision-language export (Qwen3.5), as the app picks them; absent for decoder-only models. */
  sessions?: Readonly<Record<string, string>>;
  /** Which onnxruntime-web WASM build the bare page loads (default: asyncify, the app's). */
  ortBuild?: 'asyncify' | 'plain';
}

export interface BareSession {
  promptTokens: number;
  threads: number;
  /** from_pretrained of the tokenizer and model: file reads plus session creation. */
  loadMs: number;
  run(): Promise<Run & { decodeRunMs: number }>;
  encodeImage(size: number): Promise<{ encodeMs: number; pixelValues: number[]; imageFeatures: number[] }>;
}

/** Opens the page once; call `load` for each model/backend/dtype. */
export async function openBarePage(page: Page, bareUrl = BARE_URL) {
  if (!page.url().startsWith(bareUrl)) {
    await page.goto(bareUrl);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench);
  }
  return {
    async load(setup: GenerationSetup): Promise<BareSession> {
      const params = {
        hub: setup.hub,
        model: setup.model,
        device: setup.backend,
        dtype: setup.dtype,
        threads: String(setup.threads),
        tokens: String(setup.newTokens),
        messages: JSON.stringify(setup.messages),
        ortBuild: setup.ortBuild ?? 'asyncify',
        ...(setup.sessions ? { sessions: JSON.stringify(setup.sessions) } : {}),
      };
      const info = (await page.evaluate((p) => (window as any).__bench.load(p), params)) as { promptTokens: number; threads: number; loadMs: number };
      return {
        ...info,
        run: () => page.evaluate(() => (window as any).__bench.run()) as Promise<Run & { decodeRunMs: number }>,
        /** A size×size picture through the vision session (loaded with `sessions`). */
        encodeImage: (size: number) =>
          page.evaluate((p) => (window as any).__bench.encode(p), { size: String(size) }) as Promise<{ encodeMs: number; pixelValues: number[]; imageFeatures: number[] }>,
      };
    },
    /** Plain fetches of the given URLs, all at once, bodies read and dropped. */
    fetchFiles(urls: string[]): Promise<{ bytes: number; ms: number }> {
      return page.evaluate((p) => (window as any).__bench.fetchFiles(p), { urls: JSON.stringify(urls) }) as Promise<{ bytes: number; ms: number }>;
    },
  };
}
