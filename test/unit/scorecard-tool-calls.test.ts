// Tool tasks: reading <tool_call> blocks, judging a call against the tool's schema and the expected
// values (each failure names what was wrong), both turns of a task that feeds a result back, and
// the suite reader's rules for tools (version 2; version 1 files still load).
import { describe, expect, it } from 'vitest';
import { suiteProblems } from './support/suite-problems';
import { checkAnswer } from '../../src/lib/scorecard/checkers';
import { readToolCalls } from '../../src/lib/scorecard/tool-calls';
import { parseSuite } from '../../src/lib/scorecard/parse-suite';
import type { ScorecardTask, ToolCallChecker } from '../../src/lib/scorecard/suite-types';
import type { ToolDefinition } from '../../src/lib/engines/types';

const env = { runCode: async () => ({ kind: 'crashed' as const, message: 'no code here', elapsedMs: 0 }) };

const TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'create_refund',
      description: 'Refund an order.',
      parameters: {
        type: 'object',
        required: ['order_id', 'amount', 'reason'],
        additionalProperties: false,
        properties: {
          order_id: { type: 'string' },
          amount: { type: 'number', minimum: 0.01 },
          reason: { type: 'string', enum: ['damaged', 'late'] },
        },
      },
    },
  },
  {
    type: 'function',
    function: { name: 'get_order_status', parameters: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } } },
  },
];

const REFUND = { name: 'create_refund', arguments: { order_id: 'B-7731', amount: 49.99, reason: 'damaged' } };

function toolTask(checker: Partial<ToolCallChecker> = {}): ScorecardTask {
  return {
    id: 't',
    category: 'tools',
    title: 'T',
    prompt: 'Refund order B-7731.',
    maxNewTokens: 64,
    tools: TOOLS,
    checker: { kind: 'tool-call', expected: REFUND, ...checker },
  };
}

const call = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

describe('reading tool calls', () => {
  it('finds each block with the text around it; arguments written as a JSON string count too', () => {
    const read = readToolCalls(`Let me check.\n${call('get_order_status', { order_id: 'A-1' })}\n<tool_call>{"name": "f", "arguments": "{\\"x\\": 1}"}</tool_call>`);
    expect(read).toEqual({
      ok: true,
      calls: [
        { name: 'get_order_status', arguments: { order_id: 'A-1' } },
        { name: 'f', arguments: { x: 1 } },
      ],
      text: 'Let me check.',
    });
  });

  it('keeps a whole call whose closing tag never came, and says when one is cut off or malformed', () => {
    expect(readToolCalls('<tool_call>{"name": "f", "arguments": {}}')).toMatchObject({ ok: true, calls: [{ name: 'f' }] });
    expect(readToolCalls('<tool_call>{"name": "f", "argu')).toEqual({ ok: false, problem: 'the <tool_call> block is cut off before </tool_call>' });
    expect(readToolCalls('<tool_call>{"name": f}</tool_call>')).toMatchObject({ ok: false, problem: expect.stringMatching(/^the <tool_call> block is not valid JSON \("\{"name": f\}": /) });
    expect(readToolCalls('<tool_call>["f"]</tool_call>')).toMatchObject({ ok: false, problem: 'the <tool_call> block holds a list, not a {"name", "arguments"} object' });
    expect(readToolCalls('<tool_call>{"arguments": {}}</tool_call>')).toMatchObject({ ok: false, problem: 'the <tool_call> block has no function "name"' });
    expect(readToolCalls('<tool_call>{"name": "f", "arguments": [1]}</tool_call>')).toMatchObject({ ok: false, problem: 'the arguments of the call to f are not an object' });
  });
});

describe('tool-call checker', () => {
  const check = (answer: string, checker?: Partial<ToolCallChecker>, followUp?: string) => checkAnswer(toolTask(checker), answer, env, followUp);

  it('passes the expected call, with thinking before it and text case ignored in values', async () => {
    expect(await check(call('create_refund', REFUND.arguments))).toEqual({ passed: true, detail: 'called create_refund with the expected arguments' });
    expect((await check(`<think>The jug is cracked.</think>\n${call('create_refund', { ...REFUND.arguments, order_id: ' b-7731' })}`)).passed).toBe(true);
  });

  it('fails a wrong argument, naming it and both values', async () => {
    expect(await check(call('create_refund', { ...REFUND.arguments, amount: 94.99 }))).toEqual({
      passed: false,
      detail: 'called create_refund, but argument "amount" is 94.99, expected 49.99',
    });
  });

  it("fails a missing required argument and one that breaks the tool's schema", async () => {
    expect(await check(call('create_refund', { order_id: 'B-7731', amount: 49.99 }))).toEqual({
      passed: false,
      detail: 'the arguments of create_refund break its schema: arguments: missing required property "reason"',
    });
    expect((await check(call('create_refund', { ...REFUND.arguments, amount: '49.99' }))).detail).toBe(
      'the arguments of create_refund break its schema: arguments.amount: expected number, found string',
    );
    expect((await check(call('create_refund', { ...REFUND.arguments, reason: 'broken' }))).detail).toMatch(/arguments\.reason: "broken" is not one of "damaged", "late"/);
  });

  it('fails an unknown function, another tool, no call, two calls and invalid JSON, saying which', async () => {
    expect((await check(call('issue_refund', REFUND.arguments))).detail).toBe('called "issue_refund", which is not one of the tools offered (create_refund, get_order_status)');
    expect((await check(call('get_order_status', { order_id: 'B-7731' }))).detail).toBe('called get_order_status, expected create_refund');
    expect((await check('I have refunded order B-7731.')).detail).toBe('made no tool call (expected a call to create_refund)');
    expect((await check(call('create_refund', REFUND.arguments).repeat(2))).detail).toBe('made 2 tool calls (create_refund, create_refund); one call to create_refund was expected');
    expect(await check('<tool_call>\n{"name": "create_refund", "arguments": {"order_id": "B-7731",}}\n</tool_call>')).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/^the <tool_call> block is not valid JSON/),
    });
    for (const empty of ['', '  ', '<think>hmm</think>']) expect(await check(empty)).toEqual({ passed: false, detail: 'the answer is empty' });
  });

  it('fails a call where none was needed, and checks the direct answer when there is no call', async () => {
    const none = { expected: null, final: { kind: 'number' as const, expected: 30 } };
    expect(await check(call('get_order_status', { order_id: 'A-1' }), none)).toEqual({ passed: false, detail: 'called get_order_status, but this question needs no tool' });
    expect(await check('You have 30 days.', none)).toEqual({ passed: true, detail: 'answered without calling a tool; the answer: final number 30, expected 30' });
    expect((await check('You have 14 days.', none)).detail).toBe('answered without calling a tool, but the answer fails: final number 14, expected 30');
  });

  describe('with a tool result fed back', () => {
    const twoTurns = { toolResult: '{"refund_id": "R-88", "status": "done"}', final: { kind: 'contains' as const, all: ['R-88'] } };
    const right = call('create_refund', REFUND.arguments);

    it('passes a right call followed by a right final answer, and reports both', async () => {
      expect(await check(right, twoTurns, 'Done: your refund R-88 is on its way.')).toEqual({
        passed: true,
        detail: 'called create_refund with the expected arguments; the final answer: has the required terms',
      });
    });

    it('fails a wrong final answer, a second call instead of an answer, and a missing second turn', async () => {
      expect((await check(right, twoTurns, 'Your refund is on its way.')).detail).toBe(
        'called create_refund with the expected arguments, but the final answer fails: missing "R-88"',
      );
      expect((await check(right, twoTurns, call('get_order_status', { order_id: 'B-7731' }))).detail).toBe(
        'called create_refund with the expected arguments, but answered the tool result with another call (get_order_status({"order_id":"B-7731"}))',
      );
      expect((await check(right, twoTurns)).detail).toBe('called create_refund with the expected arguments, but the tool result was never sent back, so there is no final answer');
    });

    it('judges a wrong call on the call alone', async () => {
      expect((await check(call('create_refund', { ...REFUND.arguments, order_id: 'B-7713' }), twoTurns, 'R-88')).detail).toBe(
        'called create_refund, but argument "order_id" is "B-7713", expected "B-7731"',
      );
    });
  });
});

describe('suite format version 2: tools', () => {
  const suite = (version: number, task: Record<string, unknown>) => ({ format: 'on-device-playground/scorecard-suite', version, name: 'Mine', tasks: [task] });
  const task = { id: 'a', category: 'tools', title: 'A', prompt: 'Refund B-7731.', maxNewTokens: 64, tools: TOOLS, checker: { kind: 'tool-call', expected: REFUND } };
  const problemsOf = suiteProblems;

  it('reads a tool task in a version 2 suite, and version 1 suites without tools as before', () => {
    expect(parseSuite(suite(2, task)).tasks[0].tools).toEqual(TOOLS);
    const v1 = suite(1, { id: 'b', category: 'reasoning', title: 'B', prompt: '6 × 7?', maxNewTokens: 8, checker: { kind: 'number', expected: 42 } });
    expect(parseSuite(v1).version).toBe(1);
  });

  it('asks for version 2 when a version 1 suite has tools', () => {
    expect(problemsOf(suite(1, task))).toEqual(['task 1 ("a"): tools and the tool-call checker need "version": 2']);
  });

  it('names what is wrong with tool definitions', () => {
    const bad = [{ type: 'func', function: { name: 'get order', parameters: { type: 'string' } } }, TOOLS[1], TOOLS[1]];
    expect(problemsOf(suite(2, { ...task, tools: bad, checker: { kind: 'tool-call', expected: null, final: { kind: 'number', expected: 1 } } }))).toEqual([
      'task 1 ("a"): tools[0].type must be "function"',
      'task 1 ("a"): tools[0].function.name must be 1–64 letters, digits, "_", "." or "-", starting with a letter or "_"',
      'task 1 ("a"): tools[0].function.parameters.type must be "object"',
      'task 1 ("a"): tools[2].function.name "get_order_status" is used by an earlier tool too',
    ]);
  });

  it('names what is wrong with a tool-call checker', () => {
    const withChecker = (checker: Record<string, unknown>, extra: Record<string, unknown> = {}) => problemsOf(suite(2, { ...task, ...extra, checker: { kind: 'tool-call', ...checker } }));
    expect(withChecker({ expected: REFUND }, { tools: undefined })).toEqual(['task 1 ("a"): checker needs the task\'s "tools" (the functions the model may call)']);
    expect(withChecker({})).toEqual(['task 1 ("a"): checker.expected is required: the call the model should make, or null for none']);
    expect(withChecker({ expected: { name: 'refund', arguments: {} } })).toEqual(['task 1 ("a"): checker.expected.name "refund" is not one of the task\'s tools']);
    expect(withChecker({ expected: { name: 'create_refund', arguments: { amount: 'ten', note: 'x' } } })).toEqual([
      'task 1 ("a"): checker.expected.arguments.amount: expected number, found string',
      'task 1 ("a"): checker.expected.arguments.note is not an argument of the tool',
    ]);
    expect(withChecker({ expected: REFUND, toolResult: 'ok' })).toEqual(['task 1 ("a"): checker.toolResult needs a "final" checker for the answer that follows it']);
    expect(withChecker({ expected: REFUND, final: { kind: 'number', expected: 1 } })).toEqual(['task 1 ("a"): checker.final needs a "toolResult" to send back after the call']);
    expect(withChecker({ expected: REFUND, toolResult: 'ok', final: { kind: 'tool-call', expected: null } })).toEqual([
      'task 1 ("a"): checker.final.kind must be one of choice, number, json-schema, contains, translation, summary, code (found "tool-call")',
    ]);
  });
});
