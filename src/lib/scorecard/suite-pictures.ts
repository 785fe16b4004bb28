// The suite reader's part for pictures (suite version 3): a drawing described as data, checked
// field by field against what stays legible at its fixed size, or a user's own PNG or JPEG as
// base64, checked without decoding it (well-formed base64, size caps, magic bytes that match the
// declared type, a width and height read from the header within limits). Each problem names the
// task, the picture and the field.
import { COLOURS, DRAWING_KINDS, DRAWING_LIMITS, DRAWING_NAMES, type DrawingKind } from '../vision/drawn-pictures';
import { readImageHeader } from '../vision/image-header';
import { MAX_PICTURES_PER_MESSAGE } from '../vision/picture-input';
import { isRecord, unknownFields } from './json-records';
import type { TaskPicture } from './suite-types';

/** A user's picture, decoded; a larger one is refused (a photo for a question needs no more). */
export const MAX_PICTURE_BYTES = 2 * 1024 * 1024;
/** All of a suite's own pictures together, decoded. */
export const MAX_SUITE_PICTURE_BYTES = 8 * 1024 * 1024;
/** Longest edge of a user's picture in pixels: decoding costs 4 bytes a pixel before it is resized. */
export const MAX_PICTURE_EDGE = 4096;
/** The processor refuses thinner strips than this (see image-budget.ts). */
const MAX_ASPECT_RATIO = 200;
const MAX_NAME_CHARS = 100;
const PICTURE_TYPES = ['image/png', 'image/jpeg'] as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The name a picture goes by in problems, on screen and in the message the model gets. */
export function pictureName(picture: TaskPicture): string {
  return 'draw' in picture ? (picture.name ?? DRAWING_NAMES[picture.draw.kind]) : picture.name;
}

/** The bytes of a supplied picture's base64 text (line breaks allowed, as some tools wrap it). */
export function pictureBytes(data: string): Uint8Array {
  const binary = atob(data.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Decoded size of base64 text that passed the BASE64 pattern. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

export interface PicturesCheck {
  problems: string[];
  /** Decoded bytes of the task's well-formed supplied pictures, toward the suite's cap. */
  bytes: number;
}

/** Problems with a task's `pictures`; `where` names the task ("task 3 ("receipt")"). */
export function picturesProblems(pictures: unknown, where: string): PicturesCheck {
  if (!Array.isArray(pictures) || pictures.length === 0) return { problems: [`${where}: "pictures" must be a non-empty list`], bytes: 0 };
  if (pictures.length > MAX_PICTURES_PER_MESSAGE) {
    return { problems: [`${where}: "pictures" has ${pictures.length} pictures; a task may send at most ${MAX_PICTURES_PER_MESSAGE}`], bytes: 0 };
  }
  const check: PicturesCheck = { problems: [], bytes: 0 };
  pictures.forEach((picture, i) => {
    const at = `${where}: picture ${i + 1}${isRecord(picture) && isText(picture.name) ? ` ("${picture.name}")` : ''}`;
    if (!isRecord(picture)) return void check.problems.push(`${at} must be an object with "draw", or with "name", "type" and "data"`);
    if ('draw' in picture === 'data' in picture) {
      return void check.problems.push(`${at} must have either "draw" (a picture the app draws) or "data" (a picture of your own), not ${'draw' in picture ? 'both' : 'neither'}`);
    }
    if ('draw' in picture) {
      check.problems.push(...unknownFields(picture, ['draw', 'name'], at));
      if (picture.name !== undefined && !(isText(picture.name) && picture.name.length <= MAX_NAME_CHARS)) {
        check.problems.push(`${at}: "name" must be a non-empty string of at most ${MAX_NAME_CHARS} characters`);
      }
      check.problems.push(...drawingProblems(picture.draw, `${at}: draw`));
    } else {
      const supplied = suppliedProblems(picture, at);
      check.problems.push(...supplied.problems);
      check.bytes += supplied.bytes;
    }
  });
  return check;
}

function suppliedProblems(picture: Record<string, unknown>, at: string): PicturesCheck {
  const problems = unknownFields(picture, ['name', 'type', 'data'], at);
  if (!(isText(picture.name) && picture.name.length <= MAX_NAME_CHARS)) {
    problems.push(`${at}: "name" must be a non-empty string of at most ${MAX_NAME_CHARS} characters`);
  }
  const declared = picture.type;
  if (!PICTURE_TYPES.includes(declared as (typeof PICTURE_TYPES)[number])) {
    problems.push(`${at}: "type" must be ${PICTURE_TYPES.map((t) => `"${t}"`).join(' or ')} (found ${JSON.stringify(declared ?? null)})`);
  }
  if (typeof picture.data !== 'string' || picture.data === '') return { problems: [...problems, `${at}: "data" must be the picture as base64 text`], bytes: 0 };
  if (/^data:/i.test(picture.data)) return { problems: [...problems, `${at}: "data" must be the base64 text alone, without the "data:…;base64," prefix`], bytes: 0 };
  const base64 = picture.data.replace(/\s+/g, '');
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    return { problems: [...problems, `${at}: "data" is not well-formed base64 (only A–Z, a–z, 0–9, "+" and "/", padded with "=" to a multiple of 4)`], bytes: 0 };
  }
  const bytes = decodedLength(base64);
  if (bytes > MAX_PICTURE_BYTES) {
    return { problems: [...problems, `${at} is ${megabytes(bytes)} MB; a picture may be at most ${megabytes(MAX_PICTURE_BYTES)} MB`], bytes };
  }
  const header = readImageHeader(pictureBytes(base64));
  if (header.type === null) problems.push(`${at}: "data" ${header.problem}`);
  else if (PICTURE_TYPES.includes(declared as (typeof PICTURE_TYPES)[number]) && header.type !== declared) {
    problems.push(`${at}: "type" says ${declared}, but the data is a ${header.type === 'image/png' ? 'PNG' : 'JPEG'}`);
  } else if (!header.ok) problems.push(`${at}: ${header.problem}`);
  else problems.push(...sizeProblems(header.width, header.height, at));
  return { problems, bytes };
}

function sizeProblems(width: number, height: number, at: string): string[] {
  if (width < 1 || height < 1) return [`${at} is ${width}×${height} pixels: its header gives no size`];
  if (width > MAX_PICTURE_EDGE || height > MAX_PICTURE_EDGE) {
    return [`${at} is ${width}×${height} pixels; each side may be at most ${MAX_PICTURE_EDGE} (it is resized to 448×448 or less anyway)`];
  }
  if (Math.max(width, height) / Math.min(width, height) > MAX_ASPECT_RATIO) {
    return [`${at} is ${width}×${height} pixels: a model reads pictures up to ${MAX_ASPECT_RATIO}:1, not a strip this thin`];
  }
  return [];
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');

/** The suite-wide cap on its own pictures, from the bytes every task's check counted. */
export function suitePicturesTotalProblems(bytes: number): string[] {
  return bytes > MAX_SUITE_PICTURE_BYTES
    ? [`the suite's own pictures come to ${megabytes(bytes)} MB; at most ${megabytes(MAX_SUITE_PICTURE_BYTES)} MB in all are allowed`]
    : [];
}

const DRAWING_FIELDS: Readonly<Record<DrawingKind, readonly string[]>> = {
  receipt: ['shop', 'items'],
  'bar-chart': ['title', 'bars'],
  shapes: ['shapes'],
  table: ['rows'],
  sign: ['style', 'lines'],
  colour: ['colour'],
};

/** A phrase short enough to stay legible in its place on the picture. */
function shortText(value: unknown, maxChars: number, at: string): string[] {
  if (!isText(value)) return [`${at} must be a non-empty string`];
  return value.length > maxChars ? [`${at} has ${value.length} characters; at most ${maxChars} fit`] : [];
}

/** A list of `min`–`max` entries, each checked by `entry`. */
function listProblems(value: unknown, limits: { min: number; max: number }, at: string, entry: (item: unknown, at: string) => string[]): string[] {
  if (!Array.isArray(value) || value.length < limits.min || value.length > limits.max) {
    return [`${at} must list ${limits.min} to ${limits.max} entries${Array.isArray(value) ? ` (found ${value.length})` : ''}`];
  }
  return value.flatMap((item, i) => entry(item, `${at}[${i}]`));
}

function drawingProblems(draw: unknown, where: string): string[] {
  if (!isRecord(draw)) return [`${where} must be an object with a "kind"`];
  const kind = draw.kind as DrawingKind;
  if (!DRAWING_KINDS.includes(kind)) return [`${where}.kind must be one of ${DRAWING_KINDS.join(', ')} (found ${JSON.stringify(draw.kind ?? null)})`];
  const problems = unknownFields(draw, ['kind', ...DRAWING_FIELDS[kind]], where);
  const field = (name: string) => `${where}.${name}`;
  const number = (value: unknown, min: number, max: number, at: string) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? [] : [`${at} must be a number from ${min} to ${max}`];
  switch (kind) {
    case 'receipt': {
      const limits = DRAWING_LIMITS.receipt;
      problems.push(...shortText(draw.shop, limits.shopChars, field('shop')));
      problems.push(
        ...listProblems(draw.items, limits.items, field('items'), (item, at) => {
          if (!isRecord(item)) return [`${at} must be an object with "name" and "price"`];
          const price = number(item.price, 0, limits.maxPrice, `${at}.price`);
          const cents = (item.price as number) * 100;
          if (price.length === 0 && Math.abs(cents - Math.round(cents)) > 1e-6) price.push(`${at}.price must have at most two decimals`);
          return [...unknownFields(item, ['name', 'price'], at), ...shortText(item.name, limits.itemChars, `${at}.name`), ...price];
        }),
      );
      break;
    }
    case 'bar-chart': {
      const limits = DRAWING_LIMITS['bar-chart'];
      if (draw.title !== undefined) problems.push(...shortText(draw.title, limits.titleChars, field('title')));
      problems.push(
        ...listProblems(draw.bars, limits.bars, field('bars'), (bar, at) => {
          if (!isRecord(bar)) return [`${at} must be an object with "label" and "value"`];
          return [...unknownFields(bar, ['label', 'value'], at), ...shortText(bar.label, limits.labelChars, `${at}.label`), ...number(bar.value, 0, limits.maxValue, `${at}.value`)];
        }),
      );
      break;
    }
    case 'shapes': {
      const limits = DRAWING_LIMITS.shapes;
      const seen = new Set<unknown>();
      const groups = listProblems(draw.shapes, { min: 1, max: limits.kinds.length }, field('shapes'), (group, at) => {
        if (!isRecord(group)) return [`${at} must be an object with "shape" and "count"`];
        const found = [...unknownFields(group, ['shape', 'count'], at)];
        if (!limits.kinds.includes(group.shape as never)) found.push(`${at}.shape must be one of ${limits.kinds.join(', ')} (found ${JSON.stringify(group.shape ?? null)})`);
        else if (seen.has(group.shape)) found.push(`${at}.shape "${group.shape}" is listed twice`);
        seen.add(group.shape);
        if (!(Number.isInteger(group.count) && (group.count as number) >= 0)) found.push(`${at}.count must be a whole number ≥ 0`);
        return found;
      });
      problems.push(...groups);
      if (groups.length === 0) {
        const total = (draw.shapes as { count: number }[]).reduce((sum, group) => sum + group.count, 0);
        if (total < 1 || total > limits.maxTotal) problems.push(`${field('shapes')} must add up to 1 to ${limits.maxTotal} shapes (found ${total})`);
      }
      break;
    }
    case 'table': {
      const limits = DRAWING_LIMITS.table;
      let width: number | null = null;
      problems.push(
        ...listProblems(draw.rows, limits.rows, field('rows'), (row, at) => {
          if (!Array.isArray(row) || row.length < limits.columns.min || row.length > limits.columns.max) {
            return [`${at} must list ${limits.columns.min} to ${limits.columns.max} cells`];
          }
          if (width !== null && row.length !== width) return [`${at} has ${row.length} cells; the first row has ${width}`];
          width ??= row.length;
          return row.flatMap((cell, c) =>
            typeof cell !== 'string' ? [`${at}[${c}] must be a string`] : cell.length > limits.cellChars ? [`${at}[${c}] has ${cell.length} characters; at most ${limits.cellChars} fit`] : [],
          );
        }),
      );
      break;
    }
    case 'sign': {
      const limits = DRAWING_LIMITS.sign;
      if (!limits.styles.includes(draw.style as never)) problems.push(`${field('style')} must be one of ${limits.styles.join(', ')} (found ${JSON.stringify(draw.style ?? null)})`);
      problems.push(...listProblems(draw.lines, limits.lines, field('lines'), (line, at) => shortText(line, limits.lineChars, at)));
      break;
    }
    case 'colour': {
      const names = Object.keys(COLOURS);
      if (!names.includes(draw.colour as string)) problems.push(`${field('colour')} must be one of ${names.join(', ')} (found ${JSON.stringify(draw.colour ?? null)})`);
      break;
    }
  }
  return problems;
}
