// What counts as a code answer's value: plain data — null, booleans, numbers, strings, dense
// arrays, and objects whose prototype is Object.prototype or null, with own data properties.
// The code sandbox reads what a function returned through here exactly once, into a fresh copy, so
// an empty slot, a Map or a getter can't pass for something else later (equality that skips holes,
// a getter that answers differently the next time it is read). What isn't plain data is named,
// with where it sits, for the verdict.

// Taken when the module loads, before any untrusted code in the sandbox runs, so code that replaces
// them can't steer the reading. The reading itself calls nothing the answer's code could replace.
const ownKeys = Reflect.ownKeys;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const define = Object.defineProperty;
const hasOwn = Object.hasOwn;
const isArray = Array.isArray;
const stringify = JSON.stringify;
const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A copy that is plain data, or what it is instead, phrased to follow "returned". */
export type PlainRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** Where a value sits: `container[key]`, the container itself sitting at `parent`. */
interface Place {
  container: object;
  key: string | number;
  parent: Place | null;
}

class NotPlainData {
  constructor(readonly problem: string) {}
}

export function readPlainData(value: unknown): PlainRead {
  try {
    return { ok: true, value: copy(value, null) };
  } catch (error) {
    if (error instanceof NotPlainData) return { ok: false, problem: `${error.problem}, not plain data` };
    // A Proxy whose traps throw, or nesting deeper than the stack.
    return { ok: false, problem: `a value that could not be read (${reasonOf(error)})` };
  }
}

function copy(value: unknown, place: Place | null): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'number':
    case 'string':
      return value;
    case 'bigint':
      throw notPlain('a BigInt', place);
    case 'symbol':
      throw notPlain('a symbol', place);
    case 'function':
      throw notPlain('a function', place);
  }
  if (value === null) return null;
  const object = value as object;
  for (let at = place; at; at = at.parent) if (at.container === object) throw notPlain('a value that contains itself', place);
  const prototype = getPrototypeOf(object) as object | null;
  const array = isArray(object);
  if (array ? prototype !== ARRAY_PROTOTYPE : prototype !== OBJECT_PROTOTYPE && prototype !== null) throw notPlain(kindOf(prototype), place);
  return array ? copyArray(object as unknown[], place) : copyObject(object, place);
}

function copyArray(array: unknown[], place: Place | null): unknown[] {
  const out: unknown[] = [];
  const length = getOwnPropertyDescriptor(array, 'length')?.value as number;
  for (let i = 0; i < length; i++) {
    const at: Place = { container: array, key: i, parent: place };
    const slot = getOwnPropertyDescriptor(array, i);
    if (!slot) throw new NotPlainData(`an array with an empty slot at ${pathOf(at)} (new Array(n)?)`);
    define(out, i, { value: copy(dataValue(slot, 'an array', at), at), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

function copyObject(object: object, place: Place | null): object {
  const out = {};
  const keys = ownKeys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'string') continue;
    const property = getOwnPropertyDescriptor(object, key);
    if (!property?.enumerable) continue;
    const at: Place = { container: object, key, parent: place };
    define(out, key, { value: copy(dataValue(property, 'an object', at), at), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** The property's value, never calling a getter: reading one could give a different answer each time. */
function dataValue(property: PropertyDescriptor, holder: string, at: Place): unknown {
  if (hasOwn(property, 'value')) return property.value;
  throw new NotPlainData(`${holder} with a ${property.get ? 'getter' : 'setter'} at ${pathOf(at)}`);
}

function notPlain(what: string, place: Place | null): NotPlainData {
  return new NotPlainData(place ? `${what} at ${pathOf(place)}` : what);
}

/** "a Map", "a Date", "a Point" (a class instance), from the constructor its prototype names. */
function kindOf(prototype: object | null): string {
  const constructor = prototype && getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  const name: unknown = typeof constructor === 'function' ? getOwnPropertyDescriptor(constructor, 'name')?.value : undefined;
  if (typeof name !== 'string' || name === '') return 'an object with a custom prototype';
  return `${'AEIOaeio'.includes(name[0]) ? 'an' : 'a'} ${name}`;
}

/** `[0].x`, `.items[2]`, `["two words"]`. */
function pathOf(place: Place): string {
  let path = '';
  for (let at: Place | null = place; at; at = at.parent) {
    const { key } = at;
    path = (typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${stringify(key)}]`) + path;
  }
  return path;
}

function reasonOf(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : 'it threw';
  } catch {
    return 'it threw';
  }
}
