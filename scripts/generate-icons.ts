// Draws the app icons (public/icons/*.png) from the favicon's shapes, with node built-ins only:
// run `npx tsx scripts/generate-icons.ts` after changing the design, and commit the PNGs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodePng } from './png-encoder';

// The favicon.svg design in its 64-unit space: a teal tile, two eyes and a smile.
const TEAL = [0x1f, 0x6f, 0x5c] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
const TILE_RADIUS = 14;
const EYES = [
  { x: 24, y: 24, r: 4 },
  { x: 40, y: 24, r: 4 },
];
const SMILE_HALF_WIDTH = 3;
const SMILE = bezierPoints([16, 40], [22, 26], [42, 26], [48, 40], 48);

function bezierPoints(p0: number[], p1: number[], p2: number[], p3: number[], steps: number): number[][] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = i / steps;
    const u = 1 - t;
    return [0, 1].map((k) => u * u * u * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t * t * t * p3[k]);
  });
}

function distanceToSegment(x: number, y: number, [ax, ay]: number[], [bx, by]: number[]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

function inTile(x: number, y: number): boolean {
  const cx = Math.max(TILE_RADIUS, Math.min(64 - TILE_RADIUS, x));
  const cy = Math.max(TILE_RADIUS, Math.min(64 - TILE_RADIUS, y));
  return x >= 0 && x <= 64 && y >= 0 && y <= 64 && Math.hypot(x - cx, y - cy) <= TILE_RADIUS;
}

function inGlyph(x: number, y: number): boolean {
  if (EYES.some((eye) => Math.hypot(x - eye.x, y - eye.y) <= eye.r)) return true;
  if (y < 25 || y > 44 || x < 12 || x > 52) return false;
  for (let i = 1; i < SMILE.length; i++) {
    if (distanceToSegment(x, y, SMILE[i - 1], SMILE[i]) <= SMILE_HALF_WIDTH) return true;
  }
  return false;
}

/**
 * RGBA pixels, 4×4 supersampled. `maskable` fills the whole square (the platform crops it) and
 * shrinks the glyph into the central safe zone (a circle of 80% of the size).
 */
function render(size: number, maskable: boolean): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const glyphScale = maskable ? 0.7 : 1;
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let glyph = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 64;
          const y = ((py + (sy + 0.5) / samples) / size) * 64;
          if (!maskable && !inTile(x, y)) continue;
          tile++;
          if (inGlyph(32 + (x - 32) / glyphScale, 32 + (y - 32) / glyphScale)) glyph++;
        }
      }
      const offset = (py * size + px) * 4;
      const white = tile ? glyph / tile : 0;
      for (let c = 0; c < 3; c++) pixels[offset + c] = Math.round(TEAL[c] * (1 - white) + WHITE[c] * white);
      pixels[offset + 3] = Math.round((255 * tile) / (samples * samples));
    }
  }
  return pixels;
}

const ICONS = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon-180.png', size: 180, maskable: true },
];

const outDir = new URL('../public/icons/', import.meta.url);
mkdirSync(outDir, { recursive: true });
for (const icon of ICONS) {
  writeFileSync(new URL(icon.file, outDir), encodePng(icon.size, icon.size, render(icon.size, icon.maskable)));
  console.log(`public/icons/${icon.file}`);
}
