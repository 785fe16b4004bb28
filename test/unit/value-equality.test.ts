// Equality of expected values and answers: only plain data can be equal, array slots are compared
// one by one (an empty slot equals nothing), objects by their keys both ways, and a getter is
// never run to find out what it would say.
import { describe, expect, it } from 'vitest';
import { readPlainData } from '../../src/lib/scorecard/plain-data';
import { valuesEqual } from '../../src/lib/scorecard/value-equality';

describe('valuesEqual', () => {
  it('never counts an empty slot as equal, at any depth', () => {
    expect(valuesEqual(new Array(3), ['1', '2', 'Fizz'])).toBe(false);
    expect(valuesEqual(['1', '2', 'Fizz'], new Array(3))).toBe(false);
    expect(valuesEqual({ rows: [[0, 0], new Array(2)] }, { rows: [[0, 0], [0, 0]] })).toBe(false);
    expect(valuesEqual([1, , 3], [1, undefined, 3])).toBe(false);
    expect(valuesEqual(new Array(2), new Array(2))).toBe(false);
    expect(valuesEqual({ rows: [[0, 0], [0, NaN]] }, { rows: [[0, 0], [0, NaN]] })).toBe(true);
  });

  it('never counts a Map, a Set, a Date, a typed array or a class instance as plain data', () => {
    class Point {
      x = 1;
    }
    for (const value of [new Map(), new Set(), new Date(0), new Point()]) {
      expect(valuesEqual(value, value.constructor === Point ? { x: 1 } : {}), value.constructor.name).toBe(false);
    }
    expect(valuesEqual({}, new Map())).toBe(false);
    expect(valuesEqual([{ x: new Set() }], [{ x: {} }])).toBe(false);
    expect(valuesEqual(new Uint8Array([1, 2]), { 0: 1, 1: 2 })).toBe(false);
    // Plain objects compare by keys both ways, whatever their prototype's absence.
    expect(valuesEqual(Object.assign(Object.create(null) as object, { a: 1, b: [2] }), { b: [2], a: 1 })).toBe(true);
    expect(valuesEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(valuesEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
  });

  it('never counts a getter as equal, and never runs it', () => {
    let reads = 0;
    const order = {
      get total() {
        reads += 1;
        return 6;
      },
    };
    expect(valuesEqual(order, { total: 6 })).toBe(false);
    expect(reads).toBe(0);
  });
});

describe('readPlainData', () => {
  it('copies plain data into fresh arrays and objects', () => {
    const answer = { items: [1, 'two', null, { ok: true }] };
    const read = readPlainData(answer);
    expect(read).toEqual({ ok: true, value: answer });
    expect(read.ok && read.value).not.toBe(answer);
  });

  it('names what is not plain data and where it sits', () => {
    const problem = (value: unknown) => {
      const read = readPlainData(value);
      return read.ok ? 'plain data' : read.problem;
    };
    expect(problem(new Array(2))).toBe('an array with an empty slot at [0] (new Array(n)?), not plain data');
    expect(problem({ 'two words': [new Date(0)] })).toBe('a Date at ["two words"][0], not plain data');
    expect(problem([1n])).toBe('a BigInt at [0], not plain data');
    expect(problem({ f: () => 1 })).toBe('a function at .f, not plain data');
    expect(problem(Object.defineProperty({}, 'x', { set: () => {}, enumerable: true }))).toBe('an object with a setter at .x, not plain data');
    expect(problem(Object.create({ inherited: 1 }) as object)).toBe('an object with a custom prototype, not plain data');
    const loop: unknown[] = [];
    loop.push([loop]);
    expect(problem(loop)).toBe('a value that contains itself at [0][0], not plain data');
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    expect(problem(throwing)).toBe('a value that could not be read (Error: no keys)');
  });
});
