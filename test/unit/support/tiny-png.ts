// Picture files for suite tests, made here rather than checked in: a real PNG of one colour (any
// browser decodes it) and the opening bytes of a JPEG (its size in a baseline frame header).
import { encodePng } from '../../../scripts/png-encoder';

/** A `width`×`height` PNG filled with one opaque RGB colour. */
export function tinyPng(width: number, height: number, [r, g, b]: readonly [number, number, number] = [220, 30, 30]): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
  return encodePng(width, height, rgba);
}

/** A JPEG's first segments: start of image, a JFIF APP0, and a baseline frame header with the size. */
export function jpegHead(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}
