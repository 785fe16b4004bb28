// The scorecard store with stand-in sessions and a stand-in answerer (the checkers and the code
// runner are the real ones): models run in turn, verdicts and totals follow the answers, runs go
// to the results and tokens to the ledger, failures and cancels are reported, imports are judged.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scorecard, type ScorecardDependencies } from '../../src/state/scorecard.svelte';
import type { ChatMessage, GenerationMetrics, GenerationParams, GenerationResult } from '../../src/lib/engines/types';
import type { ToolCallChecker } from '../../src/lib/scorecard/suite-types';
import { scoreTotals } from '../../src/lib/scorecard/score-summary';
import type { AnswerOptions } from '../../src/lib/engines/model-worker';
import { FakeModelSession, type FakeAnswer } from './support/fake-model-session';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import { compileAndRun } from '../../src/lib/scorecard/code-sandbox-realm';
import type { ScorecardRun } from '../../src/lib/results/result-types';
import { DeviceClaim } from '../../src/state/device-claim.svelte';

function metrics(): GenerationMetrics {
  return {
    promptTokens: 20, cachedTokens: 0, prefillTokens: 20, prefillMs: 10, prefillTokensPerSecond: 2000,
    timeToFirstTokenMs: 12, generatedTokens: 5, decodeMs: 40, decodeTokensPerSecond: 100, totalMs: 50, stopReason: 'eos',
  };
}

type FakeSession = FakeModelSession;

/**
 * "good/model" answers every task with its reference answer, and a tool result with the task's
 * final reference; any other model says "I don't know".
 */
function answerFor(session: FakeSession, messages: ChatMessage[]): string {
  if (session.repoId !== 'good/model') return "I don't know.";
  const prompt = messages.find((m) => m.role === 'user')!.content;
  const task = BUILTIN_SUITE.tasks.find((t) => t.prompt === prompt);
  return (messages.at(-1)!.role === 'tool' ? task?.finalReference : task?.reference) ?? '';
}

/** Built-in tasks whose right call is answered with a tool result and a second turn. */
const TWO_TURN_TASKS = BUILTIN_SUITE.tasks.filter((t) => t.finalReference !== undefined);

function setup(options: { chatBusy?: boolean; answer?: FakeAnswer } = {}) {
  const sessions: FakeSession[] = [];
  const runs: ScorecardRun[] = [];
  const ledger = { recordAnswer: vi.fn() };
  const context = {
    settings: { hub: 'http://mirror.test', hubFor: () => 'http://mirror.test', modelId: 'good/model', backendOverride: null, dtypeOverride: null },
    lookups: {},
    ledger,
    results: { addScorecardRun: (run: ScorecardRun) => runs.push(run) },
    chatBusy: options.chatBusy ?? false,
    device: new DeviceClaim(),
  };
  const answer =
    options.answer ??
    (async (session: FakeSession, messages: ChatMessage[]): Promise<GenerationResult> => ({ text: answerFor(session, messages), metrics: metrics() }));
  const scorecard = new Scorecard(context as never, {
    createSession: () => {
      const session = new FakeModelSession({ answer, loadMs: () => 300 });
      sessions.push(session);
      return session as never;
    },
    runCode: async (request) => ({ ...(await compileAndRun(request.source, request.functionName, request.calls)), elapsedMs: 1 }),
  });
  return { scorecard, sessions, runs, ledger };
}

const file = (name: string, content: unknown) => new File([typeof content === 'string' ? content : JSON.stringify(content)], name, { type: 'application/json' });

const MINE = {
  format: 'on-device-playground/scorecard-suite',
  version: 1,
  name: 'Mine',
  tasks: [{ id: 'mine-1', category: 'reasoning', title: 'Six sevens', prompt: 'What is 6 × 7?', maxNewTokens: 16, checker: { kind: 'number', expected: 42 } }],
};

beforeEach(() => vi.stubGlobal('location', { origin: 'http://app.test' }));
afterEach(() => vi.unstubAllGlobals());

describe('Scorecard', () => {
  it('scores each model in its own session, greedy and without thinking, and records runs and tokens', async () => {
    const answer = vi.fn(async (session: unknown, messages: ChatMessage[]) => ({ text: answerFor(session as FakeSession, messages), metrics: metrics() }));
    const { scorecard, sessions, runs, ledger } = setup({ answer: answer as never });
    scorecard.modelIds = ['good/model', 'other/model'];
    await scorecard.start();

    const n = BUILTIN_SUITE.tasks.length;
    expect(TWO_TURN_TASKS.length).toBeGreaterThanOrEqual(1);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.dispose.mock.calls.length > 0)).toBe(true);
    // Only good/model makes the right calls, so only it is sent tool results.
    expect(answer).toHaveBeenCalledTimes(2 * n + TWO_TURN_TASKS.length);
    for (const [, , params] of answer.mock.calls as unknown as [unknown, unknown, { temperature: number; enableThinking: boolean }][]) {
      expect(params).toMatchObject({ temperature: 0, enableThinking: false });
    }
    const [good, other] = scorecard.scores;
    expect(good).toMatchObject({ status: 'done', backend: 'wasm', dtype: 'q8', loadMs: 300 });
    expect(good.results.filter((r) => r.passed)).toHaveLength(n);
    expect(other.results.filter((r) => r.passed)).toHaveLength(0);
    expect(other.results[0].detail).toBeTruthy();
    expect(scorecard.message).toBe('Scorecard finished: 2 of 2 models scored.');

    expect(runs.map((r) => [r.modelId, r.suiteName, r.results.length])).toEqual([
      ['good/model', 'Built-in suite', n],
      ['other/model', 'Built-in suite', n],
    ]);
    // Only the contract's fields go into the shared results.
    expect(Object.keys(runs[0].results[0]).sort()).toEqual(['answer', 'category', 'detail', 'generatedTokens', 'ms', 'passed', 'promptTokens', 'taskId']);
    expect(ledger.recordAnswer).toHaveBeenCalledTimes(2 * n + TWO_TURN_TASKS.length);
    expect(ledger.recordAnswer).toHaveBeenCalledWith('scorecard', expect.objectContaining({ promptTokens: 20, generatedTokens: 5 }));
  });

  it('reports a model that fails to load and goes on with the next', async () => {
    const { scorecard, runs } = setup();
    scorecard.modelIds = ['nobody/missing', 'good/model'];
    await scorecard.start();
    expect(scorecard.scores[0]).toMatchObject({ status: 'failed', message: 'ModelNotFoundError: Model "nobody/missing" was not found.' });
    expect(scorecard.scores[1].status).toBe('done');
    expect(runs.map((r) => r.modelId)).toEqual(['good/model']);
  });

  it('cancel stops the answer in progress; unfinished models get no total', async () => {
    let scorecard!: Scorecard;
    const answer = vi.fn(async (_session: unknown, _messages: unknown, _params: unknown, options: AnswerOptions = {}) => {
      if (answer.mock.calls.length === 3) scorecard.cancel();
      return { text: 'partial', metrics: { ...metrics(), stopReason: options.signal?.aborted ? 'interrupted' : 'eos' } as GenerationMetrics };
    });
    const setupResult = setup({ answer: answer as never });
    scorecard = setupResult.scorecard;
    scorecard.modelIds = ['good/model', 'other/model'];
    await scorecard.start();
    expect(answer).toHaveBeenCalledTimes(3);
    expect(scorecard.scores.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(scorecard.scores[0].results).toHaveLength(2);
    expect(setupResult.runs).toEqual([]);
    expect(scorecard.message).toBe('Scorecard cancelled. 0 of 2 models finished; the others have no totals.');
    expect(scorecard.running).toBe(false);
  });

  it('does not start while the chat model is busy, and says why', async () => {
    const { scorecard, sessions } = setup({ chatBusy: true });
    await scorecard.start();
    expect(sessions).toHaveLength(0);
    expect(scorecard.message).toMatch(/^The chat model is loading or answering/);
  });

  it('imports a suite to join or replace the built-in one; a bad file is explained and loses nothing', async () => {
    const { scorecard } = setup();
    await scorecard.importFile(file('mine.json', MINE));
    expect(scorecard.importError).toBeNull();
    expect(scorecard.suiteChoice.suite?.tasks).toHaveLength(BUILTIN_SUITE.tasks.length + 1);
    scorecard.importMode = 'replace';
    expect(scorecard.suiteChoice.suite?.name).toBe('Mine');

    await scorecard.importFile(file('bad.json', { ...MINE, tasks: [{ ...MINE.tasks[0], maxNewTokens: 'lots' }] }));
    expect(scorecard.importError).toEqual({ fileName: 'bad.json', problems: ['task 1 ("mine-1"): "maxNewTokens" must be a whole number from 1 to 4096'] });
    expect(scorecard.imported?.name).toBe('Mine');

    await scorecard.importFile(file('clash.json', { ...MINE, tasks: [{ ...MINE.tasks[0], id: BUILTIN_SUITE.tasks[0].id }] }));
    expect(scorecard.importError).toBeNull();
    expect(scorecard.suiteChoice.suite?.name).toBe('Mine');
    scorecard.importMode = 'join';
    expect(scorecard.suiteChoice.suite).toBeNull();
    expect(scorecard.blockedReason).toMatch(/has the same id as a task in "Built-in suite"/);
  });

  it('sends a right call its tool result as a second turn, and records both answers', async () => {
    const answer = vi.fn(async (session: unknown, messages: ChatMessage[]) => ({ text: answerFor(session as FakeSession, messages), metrics: metrics() }));
    const { scorecard } = setup({ answer: answer as never });
    await scorecard.start();
    const task = TWO_TURN_TASKS[0];
    const checker = task.checker as ToolCallChecker;
    const turns = (answer.mock.calls as unknown as [unknown, ChatMessage[], GenerationParams][]).filter(([, messages]) => messages.some((m) => m.content === task.prompt));
    expect(turns).toHaveLength(2);
    const [[, first, params], [, second]] = turns;
    expect(params.tools).toEqual(task.tools);
    expect(second.slice(0, first.length)).toEqual(first);
    expect(second.slice(first.length)).toEqual([
      { role: 'assistant', content: '', toolCalls: [checker.expected] },
      { role: 'tool', content: checker.toolResult },
    ]);
    const result = scorecard.scores[0].results.find((r) => r.taskId === task.id)!;
    expect(result.passed).toBe(true);
    expect(result.answer).toBe(`${task.reference}\n\n[tool result] ${checker.toolResult}\n\n${task.finalReference}`);
    // Both turns' time and tokens.
    expect(result).toMatchObject({ ms: 100, promptTokens: 40, generatedTokens: 10, cutByContext: false });
  });

  it('marks an answer that stopped at the end of the model\'s context, in either turn', async () => {
    const task = TWO_TURN_TASKS[0];
    const answer = vi.fn(async (session: unknown, messages: ChatMessage[]) => ({
      text: answerFor(session as FakeSession, messages),
      // Only the second turn (the one that carries the tool result) runs into the context.
      metrics: { ...metrics(), stopReason: messages.some((m) => m.role === 'tool') ? 'context-full' : 'eos' } as GenerationMetrics,
    }));
    const { scorecard } = setup({ answer: answer as never });
    await scorecard.start();
    const results = scorecard.scores[0].results;
    expect(results.find((r) => r.taskId === task.id)!.cutByContext).toBe(true);
    expect(results.filter((r) => r.cutByContext).map((r) => r.taskId)).toEqual(TWO_TURN_TASKS.map((t) => t.id));
  });

  it('reports tool tasks as not asked when the template has no tool support, outside the pass count', async () => {
    const answer = async (session: FakeSession, messages: ChatMessage[], params: GenerationParams) => {
      if (params.tools) throw Object.assign(new Error("The model's chat template has no tool support."), { name: 'ToolsUnsupportedError' });
      return { text: answerFor(session, messages), metrics: metrics() };
    };
    const { scorecard, runs } = setup({ answer: answer as never });
    await scorecard.start();
    const [score] = scorecard.scores;
    const toolTasks = BUILTIN_SUITE.tasks.filter((t) => t.tools);
    expect(toolTasks.length).toBeGreaterThanOrEqual(5);
    expect(score.status).toBe('done');
    const notAsked = score.results.filter((r) => r.unsupported === 'tools');
    expect(notAsked.map((r) => r.taskId)).toEqual(toolTasks.map((t) => t.id));
    expect(notAsked.every((r) => !r.passed && r.detail === 'no tool support in its template')).toBe(true);
    expect(scoreTotals(score.results)).toMatchObject({ passed: BUILTIN_SUITE.tasks.length - toolTasks.length, answered: BUILTIN_SUITE.tasks.length - toolTasks.length, unsupported: toolTasks.length });
    expect(runs[0].results.filter((r) => r.unsupported === 'tools')).toHaveLength(toolTasks.length);
  });
});
