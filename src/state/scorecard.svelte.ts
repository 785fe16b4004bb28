// Runs the scorecard suite over the chosen models, one model at a time, each in its own session
// (worker) that is disposed when its tasks are done: greedy, thinking off, every answer checked
// by its task's deterministic checker. A task's pictures are drawn or decoded once per suite and
// sent on the user message; a model that reads text only is not asked those tasks. Finished runs
// go to the visit's results, tokens to the ledger.
import { ModelSession } from './model-session.svelte';
import { DeviceRunner } from './device-runner.svelte';
import type { ViewContext } from './view-context';
import type { Backend, ChatImage, ChatMessage, Dtype, GenerationMetrics, GenerationParams, GenerationResult } from '../lib/engines/types';
import type { ScorecardTaskResult } from '../lib/results/result-types';
import { summarizeError } from '../lib/engines/errors';
import { BUILTIN_SUITE } from '../lib/scorecard/builtin-suite';
import { checkAnswer, toolResultTurn } from '../lib/scorecard/checkers';
import { runInSandbox } from '../lib/scorecard/code-sandbox';
import type { CodeRunner } from '../lib/scorecard/code-sandbox-protocol';
import { joinSuites, parseSuite, SuiteFormatError } from '../lib/scorecard/parse-suite';
import type { ScorecardSuite, ScorecardTask } from '../lib/scorecard/suite-types';
import { NOT_ASKED, type NotAskedReason } from '../lib/scorecard/score-summary';
import { prepareTaskPictures, TaskPictures, type PreparePictures } from '../lib/scorecard/task-pictures';
import { imageSupportOf } from '../lib/vision/image-support';
import { DEFAULT_PIXEL_BUDGET } from '../lib/vision/image-budget';
import { RunCancelled, untilAborted } from '../lib/async/until-aborted';
import { engineOfModel } from '../lib/models/model-engine';

const DEVICE_HOLDER = 'The scorecard';

/** A picture a task showed (or would have shown) the model, as the view shows it. */
export interface ShownPicture {
  name: string;
  /** data: URL of the pixels the model reads. */
  thumbnail: string;
  width: number;
  height: number;
}

/** One task's outcome as the view shows it: the contract's fields plus what the answer was asked. */
export interface ScoredTask extends ScorecardTaskResult {
  title: string;
  system: string | null;
  prompt: string;
  pictures: ShownPicture[];
  /** How long the checker took (for code: the sandbox run). */
  checkMs: number;
  /** An answer stopped because the conversation filled the model's context. */
  cutByContext: boolean;
}

export type ModelRunStatus = 'waiting' | 'loading' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ModelScore {
  modelId: string;
  status: ModelRunStatus;
  /** Why it failed or stopped, in words. */
  message: string | null;
  backend: Backend | null;
  dtype: Dtype | null;
  loadMs: number | null;
  results: ScoredTask[];
  taskCount: number;
}

export interface ScorecardProgress {
  modelNumber: number;
  modelCount: number;
  modelId: string;
  phase: 'loading' | 'answering' | 'checking';
  /** 1-based number of the task being answered or checked. */
  taskNumber: number;
  taskCount: number;
  taskTitle: string | null;
}

export type ImportMode = 'join' | 'replace';

export interface ScorecardDependencies {
  createSession(context: ViewContext): ModelSession;
  runCode: CodeRunner;
  /** A task's pictures as the model reads them, resized to `pixelBudget`. */
  preparePictures: PreparePictures;
}

const defaultDependencies: ScorecardDependencies = {
  createSession: (context) => new ModelSession(context.settings, context.lookups),
  runCode: (request) => runInSandbox(request),
  preparePictures: prepareTaskPictures,
};

/** Greedy and without reasoning, so a score is repeatable and every token goes to the answer. */
function paramsFor(task: ScorecardTask): GenerationParams {
  return { maxNewTokens: task.maxNewTokens, temperature: 0, topP: 1, enableThinking: false, ...(task.tools ? { tools: task.tools } : {}) };
}

function messagesFor(task: ScorecardTask, images: readonly ChatImage[]): ChatMessage[] {
  // A copy of the pixels: the prepared ones are kept for the next model, whatever the worker call does with these.
  const user: ChatMessage = { role: 'user', content: task.prompt, ...(images.length ? { images: images.map((image) => ({ ...image, rgba: image.rgba.slice() })) } : {}) };
  return [...(task.system ? [{ role: 'system' as const, content: task.system }] : []), user];
}

/** A suite with its own pictures is larger than one of text: up to 8 MB of pictures as base64, and the text. */
const MAX_SUITE_BYTES = 12 * 1024 * 1024;

/** What the engine throws for a task it can't take, and the reason it stands for. */
const REFUSALS: Readonly<Record<string, NotAskedReason>> = { ToolsUnsupportedError: 'tools', ImagesUnsupportedError: 'images' };

/** What the model said to one task: its answer, and its answer to the tool result where one was sent. */
interface Asked {
  text: string;
  followUp?: string;
  /** Both turns as the view shows them: the call, the tool's result, the answer to it. */
  shown: string;
  metrics: GenerationMetrics[];
  /** Why the task was never asked: the model's template takes no tools, or the model can't see. */
  unsupported?: NotAskedReason;
}

const notAsked = (reason: NotAskedReason): Asked => ({ text: '', shown: '', metrics: [], unsupported: reason });


export class Scorecard extends DeviceRunner {
  modelIds = $state<string[]>([]);
  importMode = $state<ImportMode>('join');
  /** The last suite imported without problems (kept when a later file is rejected). */
  imported = $state.raw<ScorecardSuite | null>(null);
  importedFileName = $state<string | null>(null);
  /** The last file the user tried to import and what is wrong with it, one problem per entry. */
  importError = $state.raw<{ fileName: string; problems: string[] } | null>(null);
  progress = $state.raw<ScorecardProgress | null>(null);
  scores = $state.raw<ModelScore[]>([]);
  /** The suite the scores on screen came from. */
  scoredSuite = $state.raw<ScorecardSuite | null>(null);
  message = $state<string | null>(null);

  /** Each task's pictures, drawn or decoded once per pixel budget for every model the suite runs on. */
  readonly #pictures: TaskPictures;

  constructor(
    private readonly context: ViewContext,
    private readonly deps: ScorecardDependencies = defaultDependencies,
  ) {
    super(DEVICE_HOLDER, context);
    this.modelIds = [context.settings.modelId];
    this.#pictures = new TaskPictures(deps.preparePictures);
  }

  /** The suite a run would use now, or why there is none (an imported suite clashing with the built-in one). */
  get suiteChoice(): { suite: ScorecardSuite; problem: null } | { suite: null; problem: string } {
    if (!this.imported) return { suite: BUILTIN_SUITE, problem: null };
    if (this.importMode === 'replace') return { suite: this.imported, problem: null };
    try {
      return { suite: joinSuites(BUILTIN_SUITE, this.imported), problem: null };
    } catch (error) {
      return { suite: null, problem: (error as Error).message };
    }
  }

  override get blockedReason(): string | null {
    return super.blockedReason ?? this.suiteChoice.problem;
  }

  async importFile(file: File): Promise<void> {
    const rejected = (problems: string[]) => (this.importError = { fileName: file.name, problems });
    if (file.size > MAX_SUITE_BYTES) {
      rejected([`the file is ${Math.round(file.size / 1024)} KB; a suite file may be at most ${MAX_SUITE_BYTES / 1024 / 1024} MB`]);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      rejected([`the file could not be read: ${summarizeError(error).message}`]);
      return;
    }
    let suite: ScorecardSuite;
    try {
      suite = parseSuite(text);
    } catch (error) {
      rejected(error instanceof SuiteFormatError ? error.problems : [summarizeError(error).message]);
      return;
    }
    const problems = await this.#pictures.problemsOf(suite, DEFAULT_PIXEL_BUDGET);
    if (problems.length > 0) {
      rejected(problems);
      return;
    }
    this.imported = suite;
    this.importedFileName = file.name;
    this.importError = null;
  }

  clearImport(): void {
    this.imported = null;
    this.importedFileName = null;
    this.importError = null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const blocked = this.blockedReason;
    const suite = this.suiteChoice.suite;
    const ids = this.modelIds.map((id) => id.trim()).filter(Boolean);
    if (blocked || !suite) {
      this.message = blocked;
      return;
    }
    if (ids.length === 0) {
      this.message = 'Name at least one model to score.';
      return;
    }
    this.message = null;
    this.scoredSuite = suite;
    this.scores = ids.map((modelId) => ({
      modelId,
      status: 'waiting',
      message: null,
      backend: null,
      dtype: null,
      loadMs: null,
      results: [],
      taskCount: suite.tasks.length,
    }));
    await this.holdingDevice(async (signal) => {
      try {
        for (const [index, modelId] of ids.entries()) {
          if (signal.aborted) break;
          await this.#runModel(index, modelId, suite, signal);
        }
        const done = this.scores.filter((s) => s.status === 'done').length;
        this.message = signal.aborted
          ? `Scorecard cancelled. ${done} of ${ids.length} models finished; the others have no totals.`
          : `Scorecard finished: ${done} of ${ids.length} models scored.`;
      } finally {
        this.scores = this.scores.map((s) =>
          s.status === 'waiting' || s.status === 'loading' || s.status === 'running'
            ? { ...s, status: 'cancelled', message: s.message ?? 'Cancelled before it finished; no total was kept.' }
            : s,
        );
        this.progress = null;
      }
    });
  }

  #update(index: number, changes: Partial<ModelScore>): void {
    this.scores = this.scores.map((score, i) => (i === index ? { ...score, ...changes } : score));
  }

  /**
   * Puts one task to the model: one answer, or for a tool task whose right call gets a result,
   * the call, the result as a `tool` message, and the answer to it. Each answer counts in the ledger.
   */
  async #ask(session: ModelSession, task: ScorecardTask, images: readonly ChatImage[], signal: AbortSignal): Promise<Asked> {
    const messages = messagesFor(task, images);
    const params = paramsFor(task);
    const answer = async (conversation: ChatMessage[]) => {
      const result = await untilAborted(session.answer(conversation, params, { signal, fresh: true }), signal);
      this.context.ledger.recordAnswer('scorecard', result.metrics);
      return result;
    };
    let first: GenerationResult;
    try {
      first = await answer(messages);
    } catch (error) {
      const refused = signal.aborted ? undefined : REFUSALS[summarizeError(error).name];
      if (refused) return notAsked(refused);
      throw error;
    }
    const turn = signal.aborted ? null : toolResultTurn(task, first.text);
    if (!turn) return { text: first.text, shown: first.text, metrics: [first.metrics] };
    const second = await answer([...messages, ...turn]);
    const shown = `${first.text}\n\n[tool result] ${turn[1].content}\n\n${second.text}`;
    return { text: first.text, followUp: second.text, shown, metrics: [first.metrics, second.metrics] };
  }

  async #runModel(index: number, modelId: string, suite: ScorecardSuite, signal: AbortSignal): Promise<void> {
    const progress: ScorecardProgress = {
      modelNumber: index + 1,
      modelCount: this.scores.length,
      modelId,
      phase: 'loading',
      taskNumber: 0,
      taskCount: suite.tasks.length,
      taskTitle: null,
    };
    this.progress = progress;
    this.#update(index, { status: 'loading' });
    const session = this.deps.createSession(this.context);
    this.activeSession = session;
    try {
      const { settings } = this.context;
      const hub = settings.hubFor(modelId);
      await untilAborted(
        session.loadModel({ repoId: modelId, hub, backendOverride: settings.backendOverride, dtypeOverride: settings.dtypeOverride }),
        signal,
      );
      if (session.status !== 'ready' || !session.runtime) {
        const failure = session.error;
        this.#update(index, { status: 'failed', message: failure ? `${failure.name}: ${failure.message}` : `${modelId} did not load.` });
        return;
      }
      this.#update(index, {
        status: 'running',
        backend: session.runtime.backend,
        dtype: session.runtime.dtype,
        loadMs: session.loadMetrics?.totalMs ?? null,
      });
      const sight = imageSupportOf(session.runtime);
      const results: ScoredTask[] = [];
      for (const [k, task] of suite.tasks.entries()) {
        this.progress = { ...progress, phase: 'answering', taskNumber: k + 1, taskTitle: task.title };
        // Prepared for a model that can't see too: the view shows the picture it was not asked about.
        const pictures = await untilAborted(this.#pictures.of(task, sight.supported ? sight.pixelBudget : DEFAULT_PIXEL_BUDGET), signal);
        const images = pictures.map((picture) => picture.image);
        const asked = images.length > 0 && !sight.supported ? notAsked('images') : await this.#ask(session, task, images, signal);
        if (signal.aborted) throw new RunCancelled();
        this.progress = { ...progress, phase: 'checking', taskNumber: k + 1, taskTitle: task.title };
        const checkStarted = performance.now();
        const verdict = asked.unsupported
          ? { passed: false, detail: NOT_ASKED[asked.unsupported].detail }
          : await checkAnswer(task, asked.text, { runCode: this.deps.runCode }, asked.followUp);
        const metrics = asked.metrics;
        results.push({
          taskId: task.id,
          category: task.category,
          passed: verdict.passed,
          detail: verdict.detail,
          ...(asked.unsupported ? { unsupported: asked.unsupported } : {}),
          answer: asked.shown,
          ms: metrics.reduce((sum, m) => sum + m.totalMs, 0),
          promptTokens: metrics.reduce((sum, m) => sum + m.promptTokens, 0),
          generatedTokens: metrics.reduce((sum, m) => sum + m.generatedTokens, 0),
          title: task.title,
          system: task.system ?? null,
          prompt: task.prompt,
          pictures: pictures.map(({ image, thumbnail }) => ({ name: image.name, thumbnail, width: image.width, height: image.height })),
          checkMs: performance.now() - checkStarted,
          cutByContext: metrics.some((m) => m.stopReason === 'context-full'),
        });
        this.#update(index, { results: [...results] });
      }
      this.#update(index, { status: 'done' });
      this.context.results.addScorecardRun({
        modelId,
        engine: engineOfModel(modelId),
        backend: session.runtime.backend,
        dtype: session.runtime.dtype,
        suiteName: suite.name,
        finishedAt: new Date().toISOString(),
        results: results.map(toContract),
      });
    } catch (error) {
      if (signal.aborted) return;
      const { name, message } = summarizeError(error);
      this.#update(index, { status: 'failed', message: name && name !== 'Error' ? `${name}: ${message}` : message });
    } finally {
      session.dispose();
      if (this.activeSession === session) this.activeSession = null;
    }
  }
}

/** Only the shared result fields go to the visit's results (and so into exports). */
function toContract(result: ScoredTask): ScorecardTaskResult {
  const { taskId, category, passed, detail, unsupported, answer, ms, promptTokens, generatedTokens } = result;
  return { taskId, category, passed, detail, ...(unsupported ? { unsupported } : {}), answer, ms, promptTokens, generatedTokens };
}
