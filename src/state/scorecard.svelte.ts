// Runs the scorecard suite over the chosen models, one model at a time, each in its own session
// (worker) that is disposed when its tasks are done: greedy, thinking off, every answer checked
// by its task's deterministic checker. Finished runs go to the visit's results, tokens to the ledger.
import { ModelSession } from './model-session.svelte';
import { DeviceRunner } from './device-runner.svelte';
import type { ViewContext } from './view-context';
import type { Backend, ChatMessage, Dtype, GenerationMetrics, GenerationParams, GenerationResult } from '../lib/engines/types';
import type { ScorecardTaskResult } from '../lib/results/result-types';
import { summarizeError } from '../lib/engines/errors';
import { BUILTIN_SUITE } from '../lib/scorecard/builtin-suite';
import { checkAnswer, toolResultTurn } from '../lib/scorecard/checkers';
import { runInSandbox } from '../lib/scorecard/code-sandbox';
import type { CodeRunner } from '../lib/scorecard/code-sandbox-protocol';
import { joinSuites, parseSuite, SuiteFormatError } from '../lib/scorecard/parse-suite';
import type { ScorecardSuite, ScorecardTask } from '../lib/scorecard/suite-types';
import { RunCancelled, untilAborted } from '../lib/async/until-aborted';

const DEVICE_HOLDER = 'The scorecard';

/** One task's outcome as the view shows it: the contract's fields plus what the answer was asked. */
export interface ScoredTask extends ScorecardTaskResult {
  title: string;
  system: string | null;
  prompt: string;
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
}

const defaultDependencies: ScorecardDependencies = {
  createSession: (context) => new ModelSession(context.settings, context.lookups),
  runCode: (request) => runInSandbox(request),
};

/** Greedy and without reasoning, so a score is repeatable and every token goes to the answer. */
function paramsFor(task: ScorecardTask): GenerationParams {
  return { maxNewTokens: task.maxNewTokens, temperature: 0, topP: 1, enableThinking: false, ...(task.tools ? { tools: task.tools } : {}) };
}

function messagesFor(task: ScorecardTask): ChatMessage[] {
  return [...(task.system ? [{ role: 'system' as const, content: task.system }] : []), { role: 'user', content: task.prompt }];
}

/** The verdict of a task the model's template could not be asked at all. */
const NO_TOOL_SUPPORT = 'no tool support in its template';

const MAX_SUITE_BYTES = 2 * 1024 * 1024;

/** What the model said to one task: its answer, and its answer to the tool result where one was sent. */
interface Asked {
  text: string;
  followUp?: string;
  /** Both turns as the view shows them: the call, the tool's result, the answer to it. */
  shown: string;
  metrics: GenerationMetrics[];
  /** The model's template takes no tools, so the task was never asked. */
  unsupported?: true;
}


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


  constructor(
    private readonly context: ViewContext,
    private readonly deps: ScorecardDependencies = defaultDependencies,
  ) {
    super(DEVICE_HOLDER, context);
    this.modelIds = [context.settings.modelId];
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
      rejected([`the file is ${Math.round(file.size / 1024)} KB; a suite file may be at most 2 MB`]);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      rejected([`the file could not be read: ${summarizeError(error).message}`]);
      return;
    }
    try {
      this.imported = parseSuite(text);
      this.importedFileName = file.name;
      this.importError = null;
    } catch (error) {
      rejected(error instanceof SuiteFormatError ? error.problems : [summarizeError(error).message]);
    }
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
  async #ask(session: ModelSession, task: ScorecardTask, signal: AbortSignal): Promise<Asked> {
    const messages = messagesFor(task);
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
      if (!signal.aborted && summarizeError(error).name === 'ToolsUnsupportedError') return { text: '', shown: '', metrics: [], unsupported: true };
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
      const results: ScoredTask[] = [];
      for (const [k, task] of suite.tasks.entries()) {
        this.progress = { ...progress, phase: 'answering', taskNumber: k + 1, taskTitle: task.title };
        const asked = await this.#ask(session, task, signal);
        if (signal.aborted) throw new RunCancelled();
        this.progress = { ...progress, phase: 'checking', taskNumber: k + 1, taskTitle: task.title };
        const checkStarted = performance.now();
        const verdict = asked.unsupported
          ? { passed: false, detail: NO_TOOL_SUPPORT }
          : await checkAnswer(task, asked.text, { runCode: this.deps.runCode }, asked.followUp);
        const metrics = asked.metrics;
        results.push({
          taskId: task.id,
          category: task.category,
          passed: verdict.passed,
          detail: verdict.detail,
          ...(asked.unsupported ? { unsupported: 'tools' as const } : {}),
          answer: asked.shown,
          ms: metrics.reduce((sum, m) => sum + m.totalMs, 0),
          promptTokens: metrics.reduce((sum, m) => sum + m.promptTokens, 0),
          generatedTokens: metrics.reduce((sum, m) => sum + m.generatedTokens, 0),
          title: task.title,
          system: task.system ?? null,
          prompt: task.prompt,
          checkMs: performance.now() - checkStarted,
          cutByContext: metrics.some((m) => m.stopReason === 'context-full'),
        });
        this.#update(index, { results: [...results] });
      }
      this.#update(index, { status: 'done' });
      this.context.results.addScorecardRun({
        modelId,
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
