// Pictures for the e2e specs, drawn in the page itself (no picture files in the repo).
import type { Page } from '@playwright/test';

/** A PNG of one colour, `size` pixels square, as bytes. */
export async function solidPng(page: Page, colour: string, size = 96): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ colour, size }) => {
      const canvas = new OffscreenCanvas(size, size);
      const context = canvas.getContext('2d')!;
      context.fillStyle = colour;
      context.fillRect(0, 0, size, size);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    },
    { colour, size },
  );
  return Buffer.from(base64, 'base64');
}

/** Picks `bytes` as a PNG through the Attach image button's file chooser. */
export async function attachWithPicker(page: Page, bytes: Buffer, name: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach image' }).click();
  await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: bytes });
}
