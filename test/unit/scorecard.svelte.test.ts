// The scorecard store with stand-in sessions and a stand-in answerer (the checkers and the code
// runner are the real ones): models run in turn, verdicts and totals follow the answers, runs go
// to the results and tokens to the ledger, failures and cancels are reported, imports are judged.
// Pictures are stood in for too (drawing and decoding need a browser: the e2e suite draws them).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scorecard, type ScorecardDependencies } from '../../src/state/scorecard.svelte';
import type { ChatMessage, GenerationMetrics, GenerationParams, GenerationResult } from '../../src/lib/engines/types';
import type { ToolCallChecker } from '../../src/lib/scorecard/suite-types';
import { scoreByCategory, scoreTotals } from '../../src/lib/scorecard/score-summary';
import type { AnswerOptions } from '../../src/lib/engines/model-worker';
import { FakeModelSession, type FakeAnswer } from './support/fake-model-session';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';
import { compileAndRun } from '../../src/lib/scorecard/code-sandbox-realm';
import type { ScorecardRun } from '../../src/lib/results/result-types';
import { DeviceClaim } from '../../src/state/device-claim.svelte';
import type { ScorecardTask } from '../../src/lib/scorecard/suite-types';
import { pictureName } from '../../src/lib/scorecard/suite-pictures';
import { PictureError, type PreparedPicture } from '../../src/lib/vision/picture-input';
import { DEFAULT_PICTURE_SIZING } from '../../src/lib/vision/image-budget';
import { tinyPng } from './support/tiny-png';

function metrics(): GenerationMetrics {
  return {
    promptTokens: 20, cachedTokens: 0, prefillTokens: 20, prefillMs: 10, prefillTokensPerSecond: 2000,
    timeToFirstTokenMs: 12, generatedTokens: 5, decodeMs: 40, decodeTokensPerSecond: 100, totalMs: 50, stopReason: 'eos',
  };
}

type FakeSession = FakeModelSession;

/**
 * "good/model" (and the seeing models) answer every task with its reference answer, and a tool result with the task's
 * final reference; any other model says "I don't know".
 */
function answerFor(session: FakeSession, messages: ChatMessage[]): string {
  if (session.repoId !== 'good/model' && !(session.repoId in SEEING)) return "I don't know.";
  const prompt = messages.find((m) => m.role === 'user')!.content;
  const task = BUILTIN_SUITE.tasks.find((t) => t.prompt === prompt);
  return (messages.at(-1)!.role === 'tool' ? task?.finalReference : task?.reference) ?? '';
}

/** Built-in tasks whose right call is answered with a tool result and a second turn. */
const TWO_TURN_TASKS = BUILTIN_SUITE.tasks.filter((t) => t.finalReference !== undefined);
/** Built-in tasks with pictures: a model that reads text only is not asked them. */
const PICTURE_TASKS = BUILTIN_SUITE.tasks.filter((t) => t.pictures);

/** Models whose runtime says they read pictures, and the pixel budget each declares. */
const SEEING: Record<string, number> = { 'seeing/model': 448 * 448, 'small-eyes/model': 256 * 256 };

/** Stands in for drawing or decoding: a picture the size of the budget, named as the task names it. */
async function fakePictures(task: ScorecardTask, pixelBudget: number): Promise<PreparedPicture[]> {
  const side = Math.sqrt(pixelBudget);
  return (task.pictures ?? []).map((picture) => {
    if ('data' in picture && picture.name.startsWith('damaged')) throw new PictureError(`"${picture.name}" could not be read as a picture: the file is damaged or not what its type says.`);
    return {
      image: { name: pictureName(picture), width: side, height: side, rgba: new Uint8ClampedArray(side * side * 4) },
      thumbnail: `data:image/png;base64,${task.id}`,
      tokens: (side / 32) ** 2,
      originalWidth: side,
      originalHeight: side,
      source: new Blob(),
      sizing: { ...DEFAULT_PICTURE_SIZING, pixelBudget },
    };
  });
}

function setup(options: { chatBusy?: boolean; answer?: FakeAnswer; preparePictures?: ScorecardDependencies['preparePictures'] } = {}) {
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
  const preparePictures = vi.fn(options.preparePictures ?? fakePictures);
  const scorecard = new Scorecard(context as never, {
    createSession: () => {
      const session = new FakeModelSession({ answer, loadMs: () => 300 });
      // A seeing model's engine declares it once loaded, as transformers.js does for Qwen3.5.
      const load = session.loadModel;
      session.loadModel = vi.fn(async (request) => {
        await load(request);
        const budget = SEEING[request.repoId];
        if (budget && session.runtime) session.runtime = { ...session.runtime, images: { supported: true, pixelBudget: budget } } as never;
      });
      sessions.push(session);
      return session as never;
    },
    runCode: async (request) => ({ ...(await compileAndRun(request.source, request.functionName, request.calls)), elapsedMs: 1 }),
    preparePictures,
  });
  return { scorecard, sessions, runs, ledger, preparePictures };
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
    // Both read text only: the picture tasks are not put to them.
    const asked = n - PICTURE_TASKS.length;
    expect(TWO_TURN_TASKS.length).toBeGreaterThanOrEqual(1);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.dispose.mock.calls.length > 0)).toBe(true);
    // Only good/model makes the right calls, so only it is sent tool results.
    expect(answer).toHaveBeenCalledTimes(2 * asked + TWO_TURN_TASKS.length);
    for (const [, , params] of answer.mock.calls as unknown as [unknown, unknown, { temperature: number; enableThinking: boolean }][]) {
      expect(params).toMatchObject({ temperature: 0, enableThinking: false });
    }
    const [good, other] = scorecard.scores;
    expect(good).toMatchObject({ status: 'done', backend: 'wasm', dtype: 'q8', loadMs: 300 });
    expect(good.results.filter((r) => r.passed)).toHaveLength(asked);
    expect(good.results).toHaveLength(n);
    expect(other.results.filter((r) => r.passed)).toHaveLength(0);
    expect(other.results[0].detail).toBeTruthy();
    expect(scorecard.message).toBe('Scorecard finished: 2 of 2 models scored.');

    expect(runs.map((r) => [r.modelId, r.suiteName, r.results.length])).toEqual([
      ['good/model', 'Built-in suite', n],
      ['other/model', 'Built-in suite', n],
    ]);
    // Only the contract's fields go into the shared results.
    expect(Object.keys(runs[0].results[0]).sort()).toEqual(['answer', 'category', 'detail', 'generatedTokens', 'ms', 'passed', 'promptTokens', 'taskId']);
    expect(Object.keys(runs[0].results.find((r) => r.category === 'vision')!).sort()).toEqual(
      ['answer', 'category', 'detail', 'generatedTokens', 'ms', 'passed', 'promptTokens', 'taskId', 'unsupported'],
    );
    expect(ledger.recordAnswer).toHaveBeenCalledTimes(2 * asked + TWO_TURN_TASKS.length);
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
    const asked = BUILTIN_SUITE.tasks.length - toolTasks.length - PICTURE_TASKS.length;
    expect(scoreTotals(score.results)).toMatchObject({ passed: asked, answered: asked, unsupported: toolTasks.length + PICTURE_TASKS.length, notAsked: { tools: toolTasks.length, images: PICTURE_TASKS.length } });
    expect(runs[0].results.filter((r) => r.unsupported === 'tools')).toHaveLength(toolTasks.length);
  });
});

describe('Scorecard with pictures', () => {
  const n = BUILTIN_SUITE.tasks.length;
  const pictures = PICTURE_TASKS.length;
  type AnswerCall = [FakeSession, ChatMessage[], GenerationParams];
  const userOf = (messages: ChatMessage[]) => messages.find((m) => m.role === 'user')!;

  it('does not ask a model that reads text only the picture tasks: they keep their pictures and count apart', async () => {
    const answer = vi.fn(async (session: FakeSession, messages: ChatMessage[]) => ({ text: answerFor(session, messages), metrics: metrics() }));
    const { scorecard, runs } = setup({ answer: answer as never });
    await scorecard.start();
    const [score] = scorecard.scores;
    expect(pictures).toBeGreaterThanOrEqual(5);
    expect(score.status).toBe('done');
    const notAsked = score.results.filter((r) => r.unsupported === 'images');
    expect(notAsked.map((r) => r.taskId)).toEqual(PICTURE_TASKS.map((t) => t.id));
    expect(notAsked.every((r) => !r.passed && r.detail === 'this model reads text only' && r.category === 'vision' && r.ms === 0)).toBe(true);
    // The view shows the picture the model was not asked about.
    expect(notAsked.map((r) => r.pictures.map((p) => p.thumbnail))).toEqual(PICTURE_TASKS.map((t) => [`data:image/png;base64,${t.id}`]));
    // Neither the pictures nor their questions reached the model.
    const calls = answer.mock.calls as unknown as AnswerCall[];
    expect(calls.filter(([, messages]) => userOf(messages).images !== undefined)).toEqual([]);
    expect(calls.filter(([, messages]) => PICTURE_TASKS.some((t) => userOf(messages).content === t.prompt))).toEqual([]);
    expect(scoreTotals(score.results)).toMatchObject({ passed: n - pictures, answered: n - pictures, unsupported: pictures, notAsked: { tools: 0, images: pictures } });
    expect(scoreByCategory(score.results).vision).toEqual({ passed: 0, total: 0, unsupported: pictures, notAsked: ['images'] });
    expect(runs[0].results.filter((r) => r.unsupported === 'images').map((r) => r.taskId)).toEqual(PICTURE_TASKS.map((t) => t.id));
  });

  it("sends a seeing model each task's pictures on the user message, at the pixel budget it declares, and scores its answers", async () => {
    const answer = vi.fn(async (session: FakeSession, messages: ChatMessage[]) => ({ text: answerFor(session, messages), metrics: metrics() }));
    const { scorecard, preparePictures } = setup({ answer: answer as never });
    scorecard.modelIds = ['seeing/model', 'small-eyes/model'];
    await scorecard.start();
    expect(pictures).toBeGreaterThanOrEqual(5);
    for (const score of scorecard.scores) {
      expect(score.results.filter((r) => r.passed).map((r) => r.taskId), score.modelId).toEqual(BUILTIN_SUITE.tasks.map((t) => t.id));
      expect(scoreTotals(score.results)).toMatchObject({ passed: n, answered: n, unsupported: 0 });
    }
    const calls = answer.mock.calls as unknown as AnswerCall[];
    for (const task of PICTURE_TASKS) {
      const sent = calls.filter(([, messages]) => userOf(messages).content === task.prompt);
      expect(sent.map(([session, messages]) => [session.repoId, userOf(messages).images!.map(({ name, width, height }) => ({ name, width, height }))])).toEqual([
        ['seeing/model', task.pictures!.map((p) => ({ name: pictureName(p), width: 448, height: 448 }))],
        ['small-eyes/model', task.pictures!.map((p) => ({ name: pictureName(p), width: 256, height: 256 }))],
      ]);
    }
    // Text tasks go without pictures.
    expect(calls.filter(([, messages]) => !PICTURE_TASKS.some((t) => userOf(messages).content === t.prompt) && userOf(messages).images)).toEqual([]);
    // Prepared once per task and budget, however many models and runs use them.
    await scorecard.start();
    expect(preparePictures.mock.calls.map(([task, budget]) => `${task.id}@${budget}`).sort()).toEqual(
      PICTURE_TASKS.flatMap((t) => [`${t.id}@${448 * 448}`, `${t.id}@${256 * 256}`]).sort(),
    );
  });

  it('counts a picture task the engine refuses (ImagesUnsupportedError) as not asked, not failed', async () => {
    const answer = async (session: FakeSession, messages: ChatMessage[]) => {
      if (userOf(messages).images) throw Object.assign(new Error('This model reads text only; the pictures were not sent.'), { name: 'ImagesUnsupportedError' });
      return { text: answerFor(session, messages), metrics: metrics() };
    };
    const { scorecard } = setup({ answer: answer as never });
    scorecard.modelIds = ['seeing/model'];
    await scorecard.start();
    const [score] = scorecard.scores;
    expect(score.status).toBe('done');
    expect(pictures).toBeGreaterThanOrEqual(5);
    expect(score.results.filter((r) => r.unsupported === 'images').map((r) => r.detail)).toEqual(PICTURE_TASKS.map(() => 'this model reads text only'));
    expect(scoreTotals(score.results)).toMatchObject({ passed: n - pictures, answered: n - pictures });
  });

  it("imports a suite with the user's own pictures, decoding them first; one that does not decode is named and nothing is imported", async () => {
    const { scorecard, preparePictures } = setup();
    const ownPicture = (name: string) => ({
      format: 'on-device-playground/scorecard-suite',
      version: 3,
      name: 'Photos',
      tasks: [
        { id: 'text-only', category: 'reasoning', title: 'Six sevens', prompt: 'What is 6 × 7?', maxNewTokens: 16, checker: { kind: 'number', expected: 42 } },
        {
          id: 'own-photo',
          category: 'vision',
          title: 'My photo',
          prompt: 'Which colour is this?',
          maxNewTokens: 16,
          pictures: [{ name, type: 'image/png', data: tinyPng(8, 8).toString('base64') }],
          checker: { kind: 'choice', labels: ['red', 'green'], expected: 'red' },
        },
      ],
    });
    await scorecard.importFile(file('damaged.json', ownPicture('damaged.png')));
    expect(scorecard.importError).toEqual({
      fileName: 'damaged.json',
      problems: ['task 2 ("own-photo"): "damaged.png" could not be read as a picture: the file is damaged or not what its type says.'],
    });
    expect(scorecard.imported).toBeNull();

    await scorecard.importFile(file('photos.json', ownPicture('photo.png')));
    expect(scorecard.importError).toBeNull();
    expect(scorecard.imported?.tasks.map((t) => t.id)).toEqual(['text-only', 'own-photo']);
    scorecard.importMode = 'replace';
    scorecard.modelIds = ['seeing/model'];
    await scorecard.start();
    expect(scorecard.scores[0].results.map((r) => [r.taskId, r.pictures.map((p) => p.name)])).toEqual([
      ['text-only', []],
      ['own-photo', ['photo.png']],
    ]);
    // Decoded once, at import: the run used that preparation.
    const photo = (task: ScorecardTask) => task.pictures?.some((p) => pictureName(p) === 'photo.png');
    expect(preparePictures.mock.calls.filter(([task]) => photo(task))).toHaveLength(1);
  });
});
