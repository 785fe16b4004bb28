// What a PNG or JPEG file is, and its size in pixels, read from its first bytes without decoding
// it: enough to refuse a file whose type is not what it claims, or whose size would cost too much
// memory to decode, before any of it reaches the browser's decoder.

export type HeaderType = 'image/png' | 'image/jpeg';

export type ImageHeader =
  | { ok: true; type: HeaderType; width: number; height: number }
  | { ok: false; type: HeaderType | null; problem: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The type the file's magic bytes say, or null when they are neither PNG's nor JPEG's. */
function sniffType(bytes: Uint8Array): HeaderType | null {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const type = sniffType(bytes);
  if (type === 'image/png') return pngHeader(bytes);
  if (type === 'image/jpeg') return jpegHeader(bytes);
  return { ok: false, type: null, problem: 'it is neither a PNG nor a JPEG (its first bytes are not either signature)' };
}

const uint16 = (bytes: Uint8Array, at: number) => (bytes[at] << 8) | bytes[at + 1];
const uint32 = (bytes: Uint8Array, at: number) => ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];

/** PNG: the signature, then the IHDR chunk (length, "IHDR", width, height). */
function pngHeader(bytes: Uint8Array): ImageHeader {
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 24 || ihdr !== 'IHDR') return { ok: false, type: 'image/png', problem: 'the PNG ends before its IHDR header, or does not start with one' };
  return { ok: true, type: 'image/png', width: uint32(bytes, 16), height: uint32(bytes, 20) };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size. */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** JPEG: segments after the start marker, each with its length, up to the start-of-frame one. */
function jpegHeader(bytes: Uint8Array): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or the scan before any frame
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = uint16(bytes, at + 2);
    if (length < 2) break;
    if (SOF_MARKERS.has(marker)) {
      if (at + 9 > bytes.length) break;
      return { ok: true, type: 'image/jpeg', height: uint16(bytes, at + 5), width: uint16(bytes, at + 7) };
    }
    at += 2 + length;
  }
  return { ok: false, type: 'image/jpeg', problem: 'the JPEG has no frame header giving its size (damaged or cut short)' };
}
