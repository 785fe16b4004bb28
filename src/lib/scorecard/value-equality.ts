// Deep equality of JSON-like values (what schema enums and code-test expectations are written in),
// and a short display form for verdicts ("expected [1,2], got [2,1]"). Only plain data can be
// equal (see plain-data.ts): an array with empty slots, a Map or an object with a getter equals
// nothing, however few own keys it shows.
import { readPlainData } from './plain-data';

export function valuesEqual(a: unknown, b: unknown): boolean {
  const left = readPlainData(a);
  const right = readPlainData(b);
  return left.ok && right.ok && plainEqual(left.value, right.value);
}

/** Both sides are copies from readPlainData: dense arrays and plain objects with data properties only. */
function plainEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!(i in a) || !(i in b) || !plainEqual(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && plainEqual(left[key], right[key]));
}

/** JSON where it can be, with the values JSON can't say (undefined, NaN, functions) named; cut to `max` characters. */
export function showValue(value: unknown, max = 80): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
