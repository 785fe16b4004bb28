// The scorecard's checkers, suite reader and schema validator: right answers pass, wrong and
// malformed ones fail with a reason a user can read, and the built-in suite's own reference
// answers pass their checkers while other answers don't.
import { describe, expect, it } from 'vitest';
import { suiteProblems } from './support/suite-problems';
import { BUILTIN_SUITE, builtinSuiteTemplate } from '../../src/lib/scorecard/builtin-suite';
import { checkAnswer, judgeCodeRun } from '../../src/lib/scorecard/checkers';
import { ALLOWED_GLOBALS, compileAndRun, disallowedGlobals, removeGlobals } from '../../src/lib/scorecard/code-sandbox-realm';
import type { CodeRunner } from '../../src/lib/scorecard/code-sandbox-protocol';
import { validateJson, schemaProblems } from '../../src/lib/scorecard/json-schema';
import { joinSuites, parseSuite } from '../../src/lib/scorecard/parse-suite';
import { extractFirstJson, extractJavaScript, lastNumber, longestSharedRun, words } from '../../src/lib/scorecard/answer-text';
import { TASK_CATEGORIES, type CheckerSpec, type ScorecardTask } from '../../src/lib/scorecard/suite-types';

// The same compile-and-call code the sandbox worker runs, minus the worker (the e2e suite runs
// the real worker, its lock-down and its time limit).
const inProcess: CodeRunner = async (request) => {
  const started = performance.now();
  const outcome = await compileAndRun(request.source, request.functionName, request.calls);
  return { ...outcome, elapsedMs: performance.now() - started };
};

function task(checker: CheckerSpec, prompt = 'Answer the question.'): ScorecardTask {
  return { id: 't', category: 'support', title: 'T', prompt, maxNewTokens: 32, checker };
}

async function check(checker: CheckerSpec, answer: string, prompt?: string) {
  return checkAnswer(task(checker, prompt), answer, { runCode: inProcess });
}

const MALFORMED = ['', '   ', '<think>\nonly reasoning, no answer</think>', '\u0000\u0001 ~~ ]]{{ )))', '```\n```'];

describe('choice', () => {
  const spec: CheckerSpec = { kind: 'choice', labels: ['spam', 'not spam'], expected: 'spam' };
  it('passes the expected label, also in a sentence and with thinking before it', async () => {
    expect(await check(spec, 'spam')).toEqual({ passed: true, detail: 'answered "spam" as expected' });
    expect((await check(spec, 'This message is SPAM.')).passed).toBe(true);
    expect((await check(spec, '<think>\nhmm\n</think>\n\nspam')).passed).toBe(true);
  });
  it('fails another label, both labels, or a label inside a longer word', async () => {
    expect(await check(spec, 'not spam')).toEqual({ passed: false, detail: 'answered "not spam", expected "spam"' });
    expect((await check(spec, 'It is spam, or maybe not spam')).detail).toBe('names 2 labels (not spam and spam); exactly one was asked for');
    expect((await check(spec, 'spammy')).detail).toBe('names none of the labels (spam, not spam)');
  });
  it.each(MALFORMED)('fails malformed answer %j with a reason', async (answer) => {
    const result = await check(spec, answer);
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/empty|names none/);
  });
});

describe('number', () => {
  const spec: CheckerSpec = { kind: 'number', expected: 1249.5 };
  it('reads the last number, with thousands separators and full-width digits', async () => {
    expect(await check(spec, 'Subtotal 1,000 plus 249.5\nAnswer: 1,249.50')).toEqual({ passed: true, detail: 'final number 1249.5, expected 1249.5' });
    expect((await check({ kind: 'number', expected: 42 }, 'Answer: ４２'))).toMatchObject({ passed: true });
    expect((await check({ kind: 'number', expected: -3 }, 'It drops to −3.'))).toMatchObject({ passed: true });
  });
  it('fails a wrong final number even when the right one appears earlier', async () => {
    expect(await check({ kind: 'number', expected: 42 }, 'Not 42. Answer: 41')).toEqual({ passed: false, detail: 'final number 41, expected 42' });
  });
  it('honours the tolerance', async () => {
    expect((await check({ kind: 'number', expected: 54, tolerance: 0.01 }, 'Answer: 54.001')).passed).toBe(true);
    expect((await check({ kind: 'number', expected: 54, tolerance: 0.01 }, 'Answer: 54.1')).detail).toBe('final number 54.1, expected 54 ± 0.01');
  });
  it.each(MALFORMED)('fails malformed answer %j with a reason', async (answer) => {
    const result = await check(spec, answer);
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/empty|no number/);
  });
});

describe('json-schema', () => {
  const spec: CheckerSpec = {
    kind: 'json-schema',
    schema: {
      type: 'object',
      required: ['name', 'age', 'tags'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[A-Z]' },
        age: { type: 'integer', minimum: 0, maximum: 150 },
        tags: { type: 'array', minItems: 1, items: { type: 'string', enum: ['a', 'b'] } },
      },
    },
  };
  it('passes a conforming object, bare or inside a ``` fence after some text', async () => {
    expect(await check(spec, '{"name": "Ada", "age": 36, "tags": ["a"]}')).toEqual({ passed: true, detail: 'the JSON matches the schema' });
    expect((await check(spec, 'Sure [see below]:\n```json\n{"name": "Ada", "age": 36, "tags": ["a", "b"]}\n```')).passed).toBe(true);
  });
  it('fails values that break the schema, naming the path', async () => {
    const result = await check(spec, '{"name": "ada", "age": 36.5, "tags": [], "extra": 1}');
    expect(result.passed).toBe(false);
    expect(result.detail).toContain('$.name: "ada" does not match the pattern /^[A-Z]/');
    expect(result.detail).toContain('$.age: expected integer, found number 36.5');
    expect(result.detail).toContain('$.tags: 0 item(s), at least 1 required');
    expect(result.detail).toContain('(and 1 more)');
    expect((await check(spec, '{"name": "Ada", "age": 36}')).detail).toContain('missing required property "tags"');
    expect((await check(spec, '[{"name": "Ada"}]')).detail).toContain('$: expected object, found array');
  });
  it('fails broken, cut-off and missing JSON with the reason', async () => {
    expect((await check(spec, '{"name": "Ada", age: 36}')).detail).toMatch(/^"\{"name": "Ada", age: 36\}" is not valid JSON/);
    expect((await check(spec, '```json\n{"name": "Ada", "tags": ["a"')).detail).toMatch(/cut off/);
    expect((await check(spec, 'I cannot help with that.')).detail).toBe('the answer contains no JSON object or array');
  });
  it.each(MALFORMED)('fails malformed answer %j', async (answer) => {
    expect((await check(spec, answer)).passed).toBe(false);
  });
});

describe('contains', () => {
  const spec: CheckerSpec = {
    kind: 'contains',
    all: ['48213', ['sorry', 'apologise']],
    any: ['Thursday', 'Friday'],
    none: [['refund', 'refunded']],
    maxWords: 20,
  };
  it('passes an answer with every required term and no forbidden one', async () => {
    expect(await check(spec, 'Sorry! Order 48213 arrives on Thursday.')).toEqual({
      passed: true,
      detail: 'has the required terms, none of the forbidden ones, 6 words',
    });
  });
  it('fails missing, forbidden and too many words, listing each', async () => {
    const result = await check(spec, 'Order 48213 will be refunded. ' + 'word '.repeat(20));
    expect(result.passed).toBe(false);
    expect(result.detail).toBe('missing "sorry" or "apologise"; mentions none of "Thursday" or "Friday"; must not say "refund" or "refunded"; 25 words, at most 20 allowed');
  });
  it('does not count a term inside a longer number or word', async () => {
    expect((await check(spec, 'Sorry, order 482135 arrives Thursday.')).detail).toBe('missing "48213"');
  });
  it.each(MALFORMED)('fails malformed answer %j', async (answer) => {
    expect((await check(spec, answer)).passed).toBe(false);
  });
});

describe('translation', () => {
  const zh: CheckerSpec = { kind: 'translation', target: 'zh', terms: ['订单', ['三天', '3天']] };
  const en: CheckerSpec = { kind: 'translation', target: 'en', terms: ['umbrella', ['rain', 'raining']] };
  it('passes a translation in the target script with the key terms', async () => {
    expect(await check(zh, '您的订单已发货，将在三天内送达。')).toEqual({ passed: true, detail: '100% Chinese (Han) letters, all 2 key terms present' });
    expect((await check(en, 'It will rain tomorrow, take an umbrella.')).passed).toBe(true);
  });
  it('fails the wrong language, an echo of the source, and missing terms', async () => {
    expect((await check(zh, 'Your order has shipped and will arrive in three days.')).detail).toBe(
      'only 0% of its letters are Chinese (Han), at least 60% needed; missing "订单" and "三天" or "3天"',
    );
    expect((await check(en, '明天会下雨，出门请带伞。')).detail).toMatch(/^only 0% of its letters are English/);
    expect((await check(en, 'Take a coat tomorrow.')).detail).toBe('missing "umbrella" and "rain" or "raining"');
    expect((await check(zh, '您的包裹已发货。')).detail).toBe('missing "订单" and "三天" or "3天"');
  });
  it.each(MALFORMED)('fails malformed answer %j', async (answer) => {
    const result = await check(zh, answer);
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/empty|no Chinese or Latin letters|letters are Chinese/);
  });
});

describe('summary', () => {
  const source =
    'Summarise this. The Riverside branch of Green Grocer will close from 3 June to 17 June while the shop floor is renovated and staff move to Hillcrest for the duration of the works.';
  const spec: CheckerSpec = { kind: 'summary', maxWords: 15, facts: ['Riverside', ['3 June', 'June 3'], ['renovated', 'renovation']] };
  it('passes a short summary in its own words with every fact', async () => {
    expect(await check(spec, 'Riverside shuts from 3 June for renovation; staff go to Hillcrest.', source)).toEqual({
      passed: true,
      detail: '11 words, all 3 key facts, no long copied passage',
    });
  });
  it('fails a copied passage, a long answer and a missing fact', async () => {
    const copied = 'The Riverside branch of Green Grocer will close from 3 June to 17 June while the shop floor is renovated.';
    const result = await check({ ...spec, maxWords: 40 }, copied, source);
    expect(result.passed).toBe(false);
    expect(result.detail).toBe('copies 20 words in a row from the text (at most 10)');
    expect((await check(spec, 'Riverside closes in June. ' + 'More words here. '.repeat(5), source)).detail).toBe(
      '19 words, at most 15 allowed; does not mention "3 June" or "June 3" and "renovated" or "renovation"',
    );
  });
  it.each(MALFORMED)('fails malformed answer %j', async (answer) => {
    expect((await check(spec, answer, source)).passed).toBe(false);
  });
});

describe('code', () => {
  const spec: CheckerSpec = {
    kind: 'code',
    functionName: 'sumEvens',
    tests: [
      { args: [[1, 2, 3, 4]], expected: 6 },
      { args: [[]], expected: 0 },
    ],
  };
  it('passes a correct function in a js block (export keyword and async allowed)', async () => {
    const right = 'Here you go:\n```js\nexport function sumEvens(xs) {\n  return xs.filter((x) => x % 2 === 0).reduce((a, b) => a + b, 0);\n}\n```';
    expect(await check(spec, right)).toEqual({ passed: true, detail: '2/2 tests passed' });
    expect((await check(spec, '```javascript\nconst sumEvens = async (xs) => xs.filter((x) => x % 2 === 0).reduce((a, b) => a + b, 0);\n```')).passed).toBe(true);
  });
  it('fails a wrong function, showing the first failing call', async () => {
    const wrong = '```js\nfunction sumEvens(xs) { return xs.reduce((a, b) => a + b, 0); }\n```';
    expect(await check(spec, wrong)).toEqual({ passed: false, detail: '1/2 tests passed; sumEvens([1,2,3,4]): expected 6, got 10' });
    const throws = '```js\nfunction sumEvens(xs) { throw new RangeError("nope"); }\n```';
    expect((await check(spec, throws)).detail).toBe('0/2 tests passed; sumEvens([1,2,3,4]): RangeError: nope; sumEvens([]): RangeError: nope');
    const returnsFunction = '```js\nfunction sumEvens() { return () => 6; }\n```';
    expect((await check(spec, returnsFunction)).detail).toBe(
      '0/2 tests passed; sumEvens([1,2,3,4]): returned a function, not plain data; sumEvens([]): returned a function, not plain data',
    );
  });
  it('fails an array with empty slots, at the top or nested, naming the first slot', async () => {
    const fizzBuzz: CheckerSpec = {
      kind: 'code',
      functionName: 'fizzBuzz',
      tests: [
        { args: [3], expected: ['1', '2', 'Fizz'] },
        { args: [5], expected: ['1', '2', 'Fizz', '4', 'Buzz'] },
        { args: [1], expected: ['1'] },
      ],
    };
    expect(await check(fizzBuzz, '```js\nfunction fizzBuzz(n) { return new Array(n); }\n```')).toEqual({
      passed: false,
      detail:
        '0/3 tests passed; fizzBuzz(3): returned an array with an empty slot at [0] (new Array(n)?), not plain data; ' +
        'fizzBuzz(5): returned an array with an empty slot at [0] (new Array(n)?), not plain data',
    });
    const grid: CheckerSpec = { kind: 'code', functionName: 'grid', tests: [{ args: [2], expected: [[0, 0], [0, 0]] }] };
    expect((await check(grid, '```js\nfunction grid(n) { return [[0, 0], new Array(n)]; }\n```')).detail).toBe(
      '0/1 tests passed; grid(2): returned an array with an empty slot at [1][0] (new Array(n)?), not plain data',
    );
    const sparse: CheckerSpec = { kind: 'code', functionName: 'f', tests: [{ args: [], expected: [1, 2, 3] }] };
    expect((await check(sparse, '```js\nfunction f() { return [1, , 3]; }\n```')).detail).toBe(
      '0/1 tests passed; f(): returned an array with an empty slot at [1] (new Array(n)?), not plain data',
    );
  });
  it('fails a Map, a Set, a Date or a class instance where plain data was expected, naming it and where it sits', async () => {
    const empty: CheckerSpec = { kind: 'code', functionName: 'f', tests: [{ args: [], expected: {} }] };
    const verdict = async (body: string) => (await check(empty, `\`\`\`js\nfunction f() { ${body} }\n\`\`\``)).detail;
    expect(await verdict('return new Map([["a", 1]]);')).toBe('0/1 tests passed; f(): returned a Map, not plain data');
    expect(await verdict('return new Set();')).toBe('0/1 tests passed; f(): returned a Set, not plain data');
    expect(await verdict('return new Date(0);')).toBe('0/1 tests passed; f(): returned a Date, not plain data');
    const nested: CheckerSpec = { kind: 'code', functionName: 'f', tests: [{ args: [], expected: [{ x: {} }] }] };
    expect((await check(nested, '```js\nfunction f() { return [{ x: new Map() }]; }\n```')).detail).toBe(
      '0/1 tests passed; f(): returned a Map at [0].x, not plain data',
    );
    const point: CheckerSpec = { kind: 'code', functionName: 'f', tests: [{ args: [], expected: { x: 1 } }] };
    expect((await check(point, '```js\nclass Point { constructor() { this.x = 1; } }\nfunction f() { return new Point(); }\n```')).detail).toBe(
      '0/1 tests passed; f(): returned a Point, not plain data',
    );
  });
  it('fails a getter without reading it, even one that changes between reads', async () => {
    const spec: CheckerSpec = { kind: 'code', functionName: 'order', tests: [{ args: [], expected: { total: 6 } }] };
    const changing = '```js\nfunction order() {\n  let reads = 0;\n  return { get total() { reads += 1; return reads === 1 ? 6 : () => 6; } };\n}\n```';
    expect(await check(spec, changing)).toEqual({ passed: false, detail: '0/1 tests passed; order(): returned an object with a getter at .total, not plain data' });
    const steady = '```js\nfunction order() { return { items: [{ get total() { return 6; } }] }; }\n```';
    expect((await check(spec, steady)).detail).toBe('0/1 tests passed; order(): returned an object with a getter at .items[0].total, not plain data');
  });
  it('fails a value that contains itself, and still passes plain data from null-prototype objects', async () => {
    const spec: CheckerSpec = { kind: 'code', functionName: 'f', tests: [{ args: [], expected: { self: {} } }] };
    expect((await check(spec, '```js\nfunction f() { const o = {}; o.self = o; return o; }\n```')).detail).toBe(
      '0/1 tests passed; f(): returned a value that contains itself at .self, not plain data',
    );
    expect(await check(spec, '```js\nfunction f() { return Object.assign(Object.create(null), { self: {} }); }\n```')).toEqual({
      passed: true,
      detail: '1/1 tests passed',
    });
  });
  it('fails answers without runnable JavaScript, saying why', async () => {
    expect((await check(spec, 'function sumEvens(xs) { return 6; }')).detail).toBe('the answer has no ``` code block');
    expect((await check(spec, '```python\ndef sum_evens(xs): pass\n```')).detail).toBe('the answer has a python code block but no JavaScript one');
    expect((await check(spec, '```js\nfunction sumEvens(xs) { return xs.filter( }\n```')).detail).toMatch(/^the code does not compile: SyntaxError/);
    expect((await check(spec, '```js\nfunction sumOdds(xs) { return 0; }\n```')).detail).toBe('the code defines no function named sumEvens');
    expect((await check(spec, '```js\nfunction sumEvens() { return import("https://example.com/x.js"); }\n```')).detail).toMatch(/uses import, which could load code/);
    expect((await check(spec, '```js\n```')).detail).toBe('the code block is empty');
  });
  it.each(MALFORMED)('fails malformed answer %j', async (answer) => {
    expect((await check(spec, answer)).passed).toBe(false);
  });
  it('words a time-out and a crash from the sandbox', () => {
    const code = spec as Extract<CheckerSpec, { kind: 'code' }>;
    expect(judgeCodeRun(code, { kind: 'timeout', limitMs: 2000, elapsedMs: 2003.4 })).toEqual({
      passed: false,
      detail: 'timed out after 2 s (stopped after 2003 ms)',
    });
    expect(judgeCodeRun(code, { kind: 'ran', calls: [{ ok: true, value: 6 }], elapsedMs: 1 }).detail).toBe('1/2 tests passed; sumEvens([]): no result');
  });
});

describe('sandbox lock-down', () => {
  it('keeps only allowed names on a scope and its prototypes, and keeps the rest out', () => {
    const proto = { fetch: () => 'network', postMessage: () => 'forged', FontFace: class {}, fonts: {} };
    const scope = Object.assign(Object.create(proto) as Record<string, unknown>, { indexedDB: {}, Worker: class {}, someFutureApi: {}, Math });
    expect(disallowedGlobals(scope).sort()).toEqual(['FontFace', 'Worker', 'fetch', 'fonts', 'indexedDB', 'postMessage', 'someFutureApi']);
    expect(removeGlobals(scope)).toEqual([]);
    for (const name of ['fetch', 'postMessage', 'indexedDB', 'Worker', 'FontFace', 'fonts', 'someFutureApi']) expect(scope[name], name).toBeUndefined();
    expect(() => {
      'use strict';
      scope.fetch = () => 'back';
    }).toThrow(TypeError);
    expect(scope.fetch).toBeUndefined();
    expect(scope.Math).toBe(Math);
    for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'FontFace', 'fonts', 'navigator', 'postMessage']) {
      expect(ALLOWED_GLOBALS.has(name), name).toBe(false);
    }
  });

  it('refuses any import token, however it is spelt around the parenthesis', async () => {
    for (const source of [
      'async function f() { await import/**/("http://127.0.0.1:1/x.js"); }',
      'async function f() { await import\n("http://127.0.0.1:1/x.js"); }',
      'function f() { return import.meta.url; }',
    ]) {
      const outcome = await compileAndRun(source, 'f', [[]]);
      expect(outcome, source).toEqual({ kind: 'refused', message: 'the code uses import, which could load code from the network; the sandbox does not run it' });
    }
    // A name that merely contains the word is fine.
    expect((await compileAndRun('function f() { const important = 2; return important; }', 'f', [[]])).kind).toBe('ran');
  });
});

describe('answer text', () => {
  it('finds JSON, code, numbers and words', () => {
    expect(extractFirstJson('note [1] then {"a": [1, "}"]}')).toEqual({ ok: true, value: [1] });
    expect(extractFirstJson('x {"a": "b\\"}"} y')).toEqual({ ok: true, value: { a: 'b"}' } });
    expect(extractJavaScript('```ts\nlet a: number;\n```\n```js\nlet a;\n```')).toEqual({ ok: true, value: 'let a;\n' });
    expect(lastNumber('pages 3-5, total 1,234')).toBe(1234);
    expect(lastNumber('v1.2 and 7.')).toBe(7);
    expect(words('Hello, world — 你好')).toEqual(['hello', 'world', '你', '好']);
    expect(longestSharedRun('a b c d', 'x b c d y')).toBe(3);
  });
});

describe('json-schema subset', () => {
  it('validates enums, bounds and nested items', () => {
    const schema = { type: 'array', maxItems: 2, items: { type: 'object', properties: { n: { type: 'number', maximum: 3 }, k: { enum: [{ a: 1 }] } } } } as const;
    expect(validateJson([{ n: 3, k: { a: 1 } }], schema as never)).toEqual([]);
    expect(validateJson([{ n: 4 }, { k: { a: 2 } }, {}], schema as never)).toEqual([
      '$: 3 items, at most 2 allowed',
      '$[0].n: 4 is above the maximum 3',
      '$[1].k: {"a":2} is not one of {"a":1}',
    ]);
  });
  it('reports unusable schemas', () => {
    expect(schemaProblems({ type: 'strin', pattern: '(', oneOf: [] })).toEqual([
      'schema: "oneOf" is not a supported keyword (supported: type, required, properties, additionalProperties, enum, pattern, minimum, maximum, minLength, maxLength, items, minItems, maxItems)',
      'schema.type must be one of object, array, string, number, integer, boolean, null (or a list of them)',
      expect.stringMatching(/^schema.pattern does not compile/),
    ]);
  });
});

describe('the built-in suite', () => {
  it('has at least 32 tasks, at least 3 in every category, each with a reference answer', () => {
    expect(BUILTIN_SUITE.tasks.length).toBeGreaterThanOrEqual(32);
    for (const category of TASK_CATEGORIES) {
      expect(BUILTIN_SUITE.tasks.filter((t) => t.category === category).length, category).toBeGreaterThanOrEqual(3);
    }
    for (const t of BUILTIN_SUITE.tasks) {
      expect(t.reference, t.id).toBeTruthy();
      expect(t.maxNewTokens, t.id).toBeLessThanOrEqual(200);
    }
  });

  it('reads back from its own template', () => {
    expect(parseSuite(builtinSuiteTemplate())).toEqual(BUILTIN_SUITE);
  });

  it.each(BUILTIN_SUITE.tasks.map((t) => [t.id, t] as const))('%s: the reference passes, other answers fail', async (_id, t) => {
    const env = { runCode: inProcess };
    // A task that sends a tool result back is judged on both turns: the call, then the final answer.
    const reference = await checkAnswer(t, t.reference!, env, t.finalReference);
    expect(reference, `reference of ${t.id}`).toMatchObject({ passed: true });
    for (const wrong of ['I am not sure, sorry.', '', '{}', '```js\nfunction f() {}\n```', 'Answer: 0']) {
      expect((await checkAnswer(t, wrong, env)).passed, `${t.id} must fail ${JSON.stringify(wrong)}`).toBe(false);
    }
    // A neighbour's right answer is a wrong answer here.
    for (const other of BUILTIN_SUITE.tasks.filter((o) => o.category === t.category && o.id !== t.id)) {
      expect((await checkAnswer(t, other.reference!, env, other.finalReference)).passed, `${t.id} must fail the reference of ${other.id}`).toBe(false);
    }
  });
});

describe('parseSuite', () => {
  const good = {
    format: 'on-device-playground/scorecard-suite',
    version: 1,
    name: 'Mine',
    tasks: [{ id: 'a', category: 'reasoning', title: 'A', prompt: 'What is 6 × 7?', maxNewTokens: 32, checker: { kind: 'number', expected: 42 } }],
  };
  const problemsOf = suiteProblems;
  const withTask = (changes: Record<string, unknown>) => ({ ...good, tasks: [{ ...good.tasks[0], ...changes }] });

  it('accepts a good suite', () => {
    expect(parseSuite(JSON.stringify(good)).tasks[0].id).toBe('a');
  });

  it('names the task and the field of each problem', () => {
    expect(problemsOf('{ "format": ')).toEqual([expect.stringMatching(/^the file is not valid JSON \(/)]);
    expect(problemsOf([])).toEqual(['the file must hold one JSON object with "format", "version", "name" and "tasks"']);
    expect(problemsOf({ ...good, format: 'x', version: 4, tasks: [] })).toEqual([
      '"format" must be "on-device-playground/scorecard-suite" (found "x")',
      '"version" must be 1, 2 or 3 (found 4)',
      '"tasks" must be a non-empty list',
    ]);
    expect(problemsOf(withTask({ prompt: '', promt: 'typo' }))).toEqual(['task 1 ("a"): unknown field "promt"', 'task 1 ("a"): "prompt" must be a non-empty string']);
    expect(problemsOf(withTask({ category: 'poetry', maxNewTokens: 0 }))).toEqual([
      'task 1 ("a"): "category" must be one of support, recommendation, classification, extraction, reasoning, translation, summarisation, coding, tools, data, vision (found "poetry")',
      'task 1 ("a"): "maxNewTokens" must be a whole number from 1 to 4096',
    ]);
    expect(problemsOf({ ...good, tasks: [good.tasks[0], good.tasks[0]] })).toEqual(['task 2 ("a"): "id" is used by an earlier task too']);
  });

  it('checks every checker kind', () => {
    expect(problemsOf(withTask({ checker: { kind: 'regex' } }))).toEqual([
      'task 1 ("a"): checker.kind must be one of choice, number, json-schema, contains, translation, summary, code, tool-call (found "regex")',
    ]);
    expect(problemsOf(withTask({ checker: { kind: 'choice', labels: ['yes', 'no'], expected: 'maybe' } }))).toEqual([
      'task 1 ("a"): checker.expected must be one of the labels (yes, no)',
    ]);
    expect(problemsOf(withTask({ checker: { kind: 'number', expected: '42' } }))).toEqual(['task 1 ("a"): checker.expected must be a number']);
    expect(problemsOf(withTask({ checker: { kind: 'json-schema', schema: { type: 'object', properties: { x: { pattern: '[' } } } } }))[0]).toMatch(
      /^task 1 \("a"\): checker.schema.properties.x.pattern does not compile/,
    );
    expect(problemsOf(withTask({ checker: { kind: 'contains', none: ['x'] } }))).toEqual(['task 1 ("a"): checker needs "all" or "any" phrases to look for']);
    expect(problemsOf(withTask({ checker: { kind: 'translation', target: 'fr', terms: [[]] } }))).toEqual([
      'task 1 ("a"): checker.target must be "zh" or "en"',
      'task 1 ("a"): checker.terms[0] must be a non-empty phrase or a list of alternative phrases',
    ]);
    expect(problemsOf(withTask({ checker: { kind: 'summary', maxWords: 0, facts: [] } }))).toEqual([
      'task 1 ("a"): checker.maxWords must be a whole number ≥ 1',
      'task 1 ("a"): checker.facts must list at least one phrase',
    ]);
    expect(problemsOf(withTask({ checker: { kind: 'code', functionName: 'my fn', tests: [{ args: 1 }], timeLimitMs: 50 } }))).toEqual([
      'task 1 ("a"): checker.functionName must be a JavaScript function name',
      'task 1 ("a"): checker.tests[0].args must be a list of arguments',
      'task 1 ("a"): checker.tests[0].expected is required',
      'task 1 ("a"): checker.timeLimitMs must be a whole number of milliseconds from 100 to 30000',
    ]);
  });

  it('joins an imported suite to the built-in one unless task ids clash', () => {
    const mine = parseSuite(good);
    const joined = joinSuites(BUILTIN_SUITE, mine);
    expect(joined.tasks).toHaveLength(BUILTIN_SUITE.tasks.length + 1);
    expect(joined.name).toBe('Built-in suite + Mine');
    const clash = parseSuite(withTask({ id: BUILTIN_SUITE.tasks[0].id }));
    expect(() => joinSuites(BUILTIN_SUITE, clash)).toThrow(`task "${BUILTIN_SUITE.tasks[0].id}" has the same id as a task in "Built-in suite"`);
  });
});
