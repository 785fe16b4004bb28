// The Qwen3.5-0.8B-shaped model (qwen35-shaped.ts) on WASM, app against bare transformers.js:
// prefill and decode of a text prompt, then the vision encoder's time for one 448×448 picture
// (the app's image_encode_ms against the bare page's `encode_image` call, the same session run).
import type { Page } from '@playwright/test';
import { sessionDtypes } from '../../src/lib/engines/transformers/session-dtypes';
import { median } from '../../src/lib/metrics/statistics';
import { openAppPage } from './app-page';
import { type GenerationSetup, openBarePage } from './bare-page';
import { alternate, loadAverage } from './harness';
import type { Repeats } from './speed-sections';

/** Qwen3.5's processor at the app's pixel cap: 28×28 patches of 16 px, 196 image tokens. */
export const PICTURE_SIZE = 448;

/** A PNG of a diagonal colour gradient, drawn in the page; the bare page builds the same pixels. */
async function gradientPng(page: Page, size: number): Promise<Buffer> {
  const base64 = (await page.evaluate(`(async () => {
    const size = ${size};
    const canvas = new OffscreenCanvas(size, size);
    const context = canvas.getContext('2d');
    const image = context.createImageData(size, size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) image.data.set([Math.floor(255 * x / size), Math.floor(255 * y / size), 128, 255], (y * size + x) * 4);
    context.putImageData(image, 0, 0);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  })()`)) as string;
  return Buffer.from(base64, 'base64');
}

export async function measureQwen35(appPage: Page, barePage: Page, setup: GenerationSetup, text: Repeats, pictures: Repeats) {
  const sessions = sessionDtypes(setup.backend, setup.dtype);
  const app = await openAppPage(appPage, setup);
  const appLoad = await app.load();
  const bare = await (await openBarePage(barePage)).load({ ...setup, sessions });
  const load = [loadAverage()];
  const result = await alternate(app.run, bare.run, text.warmups, text.repeats);

  const picture = { name: 'gradient-448.png', png: await gradientPng(appPage, PICTURE_SIZE) };
  // The picture answers are about the encoder: one new token is enough (the drawer is still open from openAppPage).
  await appPage.getByLabel('Max new tokens').fill('1');
  const appEncode: { imageEncodeMs: number; imageTokens: number }[] = [];
  const bareEncode: Awaited<ReturnType<typeof bare.encodeImage>>[] = [];
  for (let i = 0; i < pictures.warmups + pictures.repeats; i++) {
    const warm = i < pictures.warmups;
    // Alternated like the text runs, the order swapped every round.
    const runApp = async () => {
      const r = await app.run(picture);
      if (!warm) appEncode.push({ imageEncodeMs: r.imageEncodeMs, imageTokens: r.imageTokens });
    };
    const runBare = async () => {
      const r = await bare.encodeImage(PICTURE_SIZE);
      if (!warm) bareEncode.push(r);
    };
    if (i % 2 === 0) {
      await runApp();
      await runBare();
    } else {
      await runBare();
      await runApp();
    }
  }
  load.push(loadAverage());
  const appEncodeMs = median(appEncode.map((r) => r.imageEncodeMs));
  const bareEncodeMs = median(bareEncode.map((r) => r.encodeMs));
  return {
    model: setup.model,
    backend: setup.backend,
    dtype: setup.dtype,
    sessions,
    threads: setup.threads,
    promptTokens: bare.promptTokens,
    newTokens: setup.newTokens,
    appLoad,
    app: result.a,
    bare: result.b,
    picture: {
      size: `${PICTURE_SIZE}×${PICTURE_SIZE}`,
      pixelValues: bareEncode[0]?.pixelValues ?? null,
      imageFeatures: bareEncode[0]?.imageFeatures ?? null,
      imageTokens: appEncode[0]?.imageTokens ?? null,
      app: { runs: appEncode, medianEncodeMs: appEncodeMs },
      bare: { runs: bareEncode, medianEncodeMs: bareEncodeMs },
    },
    loadAverage: load,
    ratios: {
      prefill: result.a.median.prefillTokensPerSecond / result.b.median.prefillTokensPerSecond,
      decode: result.a.median.decodeTokensPerSecond / result.b.median.decodeTokensPerSecond,
      /** Time, so lower is better for the app: ≤ 1 means no slower than bare. */
      encodeTime: appEncodeMs / bareEncodeMs,
    },
  };
}
