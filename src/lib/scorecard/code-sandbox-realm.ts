// Inside the code-sandbox worker: takes away network, storage and messaging before untrusted code
// runs, compiles the answer's code, calls the named function with each test's arguments and
// returns what came back, read once into plain data. The main thread's timer is the only guard
// against endless loops.
import type { CallOutcome, RealmOutcome } from './code-sandbox-protocol';
import { readPlainData } from './plain-data';

/**
 * The only globals untrusted code keeps: the language's own built-ins and a few harmless helpers.
 * Everything else goes, whatever the browser adds next (fetch, FontFace and self.fonts, WebSocket,
 * importScripts, storage, postMessage — the code could post a forged result — close, navigator…):
 * an allow-list can't miss a new way out the way a block-list can.
 */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  // ECMAScript values, functions and constructors.
  'globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date',
  'Error', 'EvalError', 'FinalizationRegistry', 'Float16Array', 'Float32Array', 'Float64Array', 'Function',
  'Int8Array', 'Int16Array', 'Int32Array', 'Intl', 'Iterator', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise',
  'Proxy', 'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'SyntaxError', 'TypeError',
  'URIError', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'WeakMap', 'WeakRef', 'WeakSet',
  // Web helpers that compute and nothing else. setTimeout/setInterval are sealed against strings below.
  'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'structuredClone',
  'atob', 'btoa', 'TextEncoder', 'TextDecoder', 'DOMException',
]);

/** Every name on the scope and its prototypes (up to Object.prototype) that isn't allowed. */
export function disallowedGlobals(scope: object): string[] {
  const names = new Set<string>();
  for (let target: object | null = scope; target && target !== Object.prototype; target = getPrototypeOf(target) as object | null) {
    for (const name of getOwnPropertyNames(target)) if (!ALLOWED_GLOBALS.has(name) && name !== 'constructor') names.add(name);
  }
  return [...names];
}

// Taken before any untrusted code runs, so code that replaces the globals can't reach into the harness.
const apply = Reflect.apply;
const define = Object.defineProperty;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyNames = Object.getOwnPropertyNames;
const hasOwn = Object.hasOwn;
const FunctionCtor = Function;

/**
 * Removes `names` (by default every name not allowed) from the global scope and its prototype
 * chain and pins each to undefined, so nothing can put them back. Returns the names still
 * reachable afterwards (should be none).
 */
export function removeGlobals(scope: object, names: readonly string[] = disallowedGlobals(scope)): string[] {
  for (const name of names) {
    for (let target: object | null = scope; target; target = getPrototypeOf(target) as object | null) {
      if (hasOwn(target, name)) {
        try {
          delete (target as Record<string, unknown>)[name];
        } catch {
          // Non-configurable: the pin below shadows it.
        }
      }
    }
    try {
      define(scope, name, { value: undefined, writable: false, configurable: false, enumerable: false });
    } catch {
      // Reported by the check below.
    }
  }
  return names.filter((name) => (scope as Record<string, unknown>)[name] !== undefined);
}

/** Whether this realm may compile code from text at all (a Content-Security-Policy can forbid it). */
export function canCompile(): boolean {
  try {
    return new FunctionCtor('return 1')() === 1;
  } catch {
    return false;
  }
}

function refuseCompiling(): never {
  throw new EvalError('Compiling code from text is switched off in the scorecard sandbox.');
}

/**
 * After the answer's code is compiled, no more code can be made from text: eval, the Function
 * constructors (reachable from any function's .constructor) and string timers are switched off.
 * Together with the ban on any `import` in the source, that leaves no way to load code from elsewhere.
 */
export function sealCompilers(scope: object): void {
  const constructors = [
    FunctionCtor.prototype,
    getPrototypeOf(async function () {}),
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function* () {}),
  ] as object[];
  for (const proto of constructors) define(proto, 'constructor', { value: refuseCompiling, writable: false, configurable: false });
  for (const name of ['eval', 'Function']) define(scope, name, { value: undefined, writable: false, configurable: false });
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const original = (scope as Record<string, unknown>)[name] as ((...args: unknown[]) => number) | undefined;
    if (typeof original !== 'function') continue;
    const guarded = (handler: unknown, ...rest: unknown[]) => {
      if (typeof handler !== 'function') refuseCompiling();
      return apply(original, scope, [handler, ...rest]);
    };
    define(scope, name, { value: guarded, writable: false, configurable: false });
  }
}

function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return `threw ${typeof error === 'string' ? JSON.stringify(error) : String(error)}`;
  } catch {
    return 'threw a value that cannot be printed';
  }
}

// Models often write `export function f` or `export default function f`; in a script body that's a
// syntax error, and dropping the keyword changes nothing about what the function does.
const EXPORT_KEYWORD = /^([ \t]*)export\s+(?:default\s+)?(?=(?:async\s+)?function\b|const\b|let\b|var\b|class\b)/gm;
// Any `import` token at all, not just `import(`: a comment or a line break may sit between `import`
// and its parenthesis (`import/**/(`), and `import.meta` has no business here either. A keyword
// can't be spelt with escapes, so the plain word is the only spelling. A string that merely
// mentions the word is refused too: cheaper than tokenising, and the verdict says why.
const IMPORT_TOKEN = /\bimport\b/;

export interface CompileHooks {
  /** Called after the code is compiled and before any of it runs (the worker seals compilers here). */
  afterCompile?: () => void;
}

/** Compiles the code, finds `functionName` and calls it once per argument list. */
export async function compileAndRun(
  source: string,
  functionName: string,
  calls: readonly unknown[][],
  hooks: CompileHooks = {},
): Promise<RealmOutcome> {
  if (IMPORT_TOKEN.test(source)) {
    return { kind: 'refused', message: 'the code uses import, which could load code from the network; the sandbox does not run it' };
  }
  let factory: () => unknown;
  try {
    const body = `${source.replace(EXPORT_KEYWORD, '$1')}\n;return typeof ${functionName} === 'function' ? ${functionName} : undefined;`;
    factory = new FunctionCtor(body) as () => unknown;
  } catch (error) {
    return { kind: 'compile-error', message: describeThrown(error) };
  }
  hooks.afterCompile?.();
  let fn: unknown;
  try {
    fn = factory();
  } catch (error) {
    return { kind: 'compile-error', message: `the code failed while loading: ${describeThrown(error)}` };
  }
  if (typeof fn !== 'function') return { kind: 'no-function', message: `the code defines no function named ${functionName}` };
  const outcomes: CallOutcome[] = [];
  for (let i = 0; i < calls.length; i++) {
    let outcome: CallOutcome;
    try {
      let value: unknown = apply(fn as (...args: unknown[]) => unknown, undefined, calls[i]);
      if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') value = await value;
      // Read once, here, without running getters: this copy is what gets posted back and judged,
      // so posting it runs none of the answer's code, and what isn't plain data is named.
      const read = readPlainData(value);
      outcome = read.ok ? { ok: true, value: read.value } : { ok: false, error: `returned ${read.problem}` };
    } catch (error) {
      outcome = { ok: false, error: describeThrown(error) };
    }
    define(outcomes, i, { value: outcome, writable: true, enumerable: true, configurable: true });
  }
  return { kind: 'ran', calls: outcomes };
}
