// Turns a picture the user attached (file picker, drop, paste) into what a vision model reads:
// decoded in the page, resized on the device to the pixel budget on the model's grid (image-budget.ts), kept as RGBA
// pixels for the worker and as a small data: URL for the thumbnail. Nothing here touches the
// network: the picture goes to the inference worker and nowhere else.
import type { ChatImage } from '../engines/types';
import { DEFAULT_PIXEL_BUDGET, QWEN_VL_GRID, planImage, type ImageGrid, type PictureSizing } from './image-budget';

/** Formats every current browser decodes the same way. */
export const PICTURE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
/** A larger file is refused before it is decoded (a 50-megapixel photo is about 25 MB as JPEG). */
export const MAX_PICTURE_BYTES = 32 * 1024 * 1024;
/** Pictures per message: each costs hundreds of tokens of the model's context. */
export const MAX_PICTURES_PER_MESSAGE = 4;

export class PictureError extends Error {
  override name = 'PictureError';
}

/** A picture ready to send: the pixels for the model, a thumbnail for the page, its token cost. */
export interface PreparedPicture {
  image: ChatImage;
  /** data: URL of the resized picture (allowed by the page's img-src, never fetched). */
  thumbnail: string;
  tokens: number;
  /** The size it had before it was resized. */
  originalWidth: number;
  originalHeight: number;
  /** The file it was made from, to size it again for another model. */
  source: Blob;
  /** What it was sized for. */
  sizing: PictureSizing;
}

export async function preparePicture(
  file: Blob,
  name: string,
  pixelBudget = DEFAULT_PIXEL_BUDGET,
  grid: Readonly<ImageGrid> = QWEN_VL_GRID,
): Promise<PreparedPicture> {
  if (!PICTURE_TYPES.includes(file.type)) {
    throw new PictureError(`"${name}" is ${file.type ? `a ${file.type} file` : 'not a picture'}: attach a PNG, JPEG, WebP or GIF.`);
  }
  if (file.size > MAX_PICTURE_BYTES) {
    throw new PictureError(`"${name}" is ${(file.size / 1024 / 1024).toFixed(0)} MB; pictures up to ${MAX_PICTURE_BYTES / 1024 / 1024} MB can be attached.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PictureError(`"${name}" could not be read as a picture: the file is damaged or not what its type says.`);
  }
  try {
    const planned = planImage(bitmap.width, bitmap.height, pixelBudget, grid);
    const canvas = new OffscreenCanvas(planned.width, planned.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new PictureError('This browser cannot draw pictures off screen, so it cannot resize one.');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, planned.width, planned.height);
    const pixels = context.getImageData(0, 0, planned.width, planned.height);
    const thumbnail = await dataUrl(await canvas.convertToBlob({ type: 'image/png' }));
    return {
      image: { name, width: planned.width, height: planned.height, rgba: pixels.data },
      thumbnail,
      tokens: planned.tokens,
      originalWidth: bitmap.width,
      originalHeight: bitmap.height,
      source: file,
      sizing: { pixelBudget, grid },
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ImageShapeError') throw new PictureError(`"${name}": ${error.message}`);
    throw error;
  } finally {
    bitmap.close();
  }
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The picture could not be read back.'));
    reader.readAsDataURL(blob);
  });
}

/** The pictures among dropped or pasted items (files only: a dragged link is not fetched). */
export function picturesIn(transfer: DataTransfer | null): File[] {
  if (!transfer) return [];
  return Array.from(transfer.files).filter((file) => file.type.startsWith('image/'));
}
