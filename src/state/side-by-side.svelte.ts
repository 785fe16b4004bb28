// Side by side: several models answer the same prompt, each pane with its own session (and so
// its own worker), one after another by default or all at once; text, numbers and errors per pane.
import { PictureTray } from './picture-tray.svelte';
import type { Backend, ChatMessage, GenerationMetrics, GenerationParams, LiveGenerationNumbers } from '../lib/engines/types';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import { HARD_STOP_AFTER_MS } from '../lib/engines/model-worker';
import { FrameTextBatch } from '../lib/render/frame-text-batch';
import type { PaneResult, RunMode } from '../lib/export/side-by-side-table';
import { ModelSession, type LoadRequest } from './model-session.svelte';
import { validParams } from './settings.svelte';
import { DeviceRunner } from './device-runner.svelte';
import type { ViewContext } from './view-context';

const DEVICE_HOLDER = 'Side by side';

/**
 * queued: waiting for its turn; loading/answering: working; done: answered to the end (or to
 * max tokens); stopped: Stop ended it (possibly before it began); error: it failed, alone.
 */
export type PaneState = 'idle' | 'queued' | 'loading' | 'answering' | 'done' | 'stopped' | 'error';

export const MIN_PANES = 2;

/** What a run hands every pane: the same prompt, parameters and Stop signal for all. */
interface PaneJob {
  messages: ChatMessage[];
  params: GenerationParams;
  signal: AbortSignal;
  hubFor(repoId: string): string;
  onAnswered(metrics: GenerationMetrics): void;
}

export interface SideBySideDeps {
  createSession(): ModelSession;
}

export class Pane {
  modelId = $state('');
  /** null: the backend the device is best at (WebGPU where it works, else WASM). */
  backendOverride = $state<Backend | null>(null);
  state = $state<PaneState>('idle');
  /** The answer as streamed so far; the final text once it ended. */
  text = $state('');
  /** The numbers of the last run, kept with the model id it ran (the input may change later). */
  result = $state.raw<Omit<PaneResult, 'pane'> | null>(null);
  error = $state.raw<ErrorSummary | null>(null);
  /** Tokens so far, time to first token and decode speed while this pane answers. */
  live = $state.raw<LiveGenerationNumbers | null>(null);
  /** Why a pane ended without a full answer, in words (stopped before its turn, worker ended). */
  note = $state<string | null>(null);

  #loadedKey: string | null = null;
  #loadedThisRun = false;
  #batch = new FrameTextBatch((text) => (this.text += text));

  constructor(
    readonly id: number,
    readonly session: ModelSession,
    modelId: string,
  ) {
    this.modelId = modelId;
  }

  get busy(): boolean {
    return this.state === 'loading' || this.state === 'answering';
  }

  /** Clears the last run's output: the pane waits for its turn. */
  queue(): void {
    this.state = 'queued';
    this.text = '';
    this.result = null;
    this.error = null;
    this.note = null;
    this.live = null;
    this.#loadedThisRun = false;
  }

  /** Loads this pane's model if it isn't the one loaded, then answers; never throws. */
  async run(job: PaneJob): Promise<void> {
    const repoId = this.modelId.trim();
    if (job.signal.aborted) return this.#stopped(repoId, 'Stopped before its turn.');
    if (!repoId) {
      return this.#failed(repoId, { name: 'InvalidModelIdError', message: 'This pane has no model id: type one (org/name).' });
    }
    try {
      const request: LoadRequest = { repoId, hub: job.hubFor(repoId), backendOverride: this.backendOverride, dtypeOverride: null };
      const key = JSON.stringify(request);
      if (!this.session.ready || this.#loadedKey !== key) {
        this.state = 'loading';
        this.#loadedKey = null;
        this.#loadedThisRun = true;
        await this.session.loadModel(request);
        if (this.session.status !== 'ready') {
          if (job.signal.aborted) return this.#stopped(repoId, 'Stopped while its model was loading.');
          return this.#failed(repoId, this.session.error ?? { name: 'EngineError', message: 'The model did not load.' });
        }
        this.#loadedKey = key;
      }
      if (job.signal.aborted) return this.#stopped(repoId, 'Stopped before it answered.');
      this.state = 'answering';
      const { text, metrics } = await this.session.answer(job.messages, job.params, {
        onText: (piece) => this.#batch.push(piece),
        onLive: (numbers) => (this.live = numbers),
        signal: job.signal,
        fresh: true,
      });
      this.#batch.flush();
      this.text = text;
      this.result = this.#result(repoId, metrics, null);
      job.onAnswered(metrics);
      this.state = metrics.stopReason === 'interrupted' ? 'stopped' : 'done';
    } catch (error) {
      this.#batch.flush();
      const failure = summarizeError(error);
      if (failure.name === 'StopTimeoutError') {
        this.#loadedKey = null;
        return this.#stopped(repoId, 'Stopped by ending its worker (it did not stop within 1 s); the next run loads the model again.');
      }
      this.#failed(repoId, failure);
    } finally {
      this.live = null;
    }
  }

  /** Ends the pane's worker (the pane was removed, or its work was cut short). */
  dispose(): void {
    this.session.dispose();
    this.#loadedKey = null;
  }

  #result(model: string, metrics: GenerationMetrics | null, error: ErrorSummary | null): Omit<PaneResult, 'pane'> {
    const runtime = this.session.runtime;
    return {
      model,
      backend: runtime?.backend ?? null,
      dtype: runtime?.dtype ?? null,
      loadMs: this.session.loadMetrics?.totalMs ?? null,
      loadedThisRun: this.#loadedThisRun,
      metrics,
      error: error ? `${error.name}: ${error.message}` : null,
    };
  }

  #stopped(model: string, note: string): void {
    this.note = note;
    this.state = 'stopped';
    this.result ??= this.#result(model, null, null);
  }

  #failed(model: string, error: ErrorSummary): void {
    this.error = error;
    this.state = 'error';
    this.result = this.#result(model, null, error);
  }
}

export class SideBySide extends DeviceRunner {
  panes = $state.raw<Pane[]>([]);
  prompt = $state('');
  /** Optional, the same for every pane. */
  systemPrompt = $state('');
  maxNewTokens = $state(128);
  /** 0 (greedy) by default: the same prompt then gives each model its most likely answer. */
  temperature = $state(0);
  mode = $state<RunMode>('sequential');
  /** Why Run did not start, in words. */
  notice = $state<string | null>(null);
  /** The mode the numbers on screen were measured in. */
  lastMode = $state<RunMode>('sequential');
  /** Pictures every pane gets with the prompt (a model that reads text only says so in its pane). */
  readonly pictures = new PictureTray();

  #nextPaneId = 1;
  readonly #deps: SideBySideDeps;

  constructor(
    private readonly context: Pick<ViewContext, 'settings' | 'lookups' | 'ledger' | 'chatBusy' | 'device'>,
    initialModelIds: readonly string[] = [],
    deps: Partial<SideBySideDeps> = {},
  ) {
    super(DEVICE_HOLDER, context);
    this.#deps = {
      createSession: deps.createSession ?? (() => new ModelSession(context.settings, context.lookups)),
    };
    const ids = [...initialModelIds];
    while (ids.length < MIN_PANES) ids.push('');
    for (const id of ids) this.addPane(id);
  }

  /** The numbers of the panes that ran, in screen order. */
  get results(): PaneResult[] {
    return this.panes.flatMap((pane, i) => (pane.result ? [{ pane: i + 1, ...pane.result }] : []));
  }

  /** Why Run can't start now, or null. */
  get blocked(): string | null {
    const waiting = this.blockedReason;
    if (waiting) return waiting;
    if (this.context.settings.hubError) return `The hub address can't be used: ${this.context.settings.hubError}`;
    return null;
  }

  addPane(modelId = ''): void {
    if (this.running) return;
    this.panes = [...this.panes, new Pane(this.#nextPaneId++, this.#deps.createSession(), modelId)];
  }

  removePane(pane: Pane): void {
    if (this.running || this.panes.length <= MIN_PANES) return;
    pane.dispose();
    this.panes = this.panes.filter((p) => p !== pane);
  }

  /** Asks every pane the prompt: one after another, or all at once in concurrent mode. */
  run(): Promise<void> {
    if (this.currentRun) return this.currentRun;
    const prompt = this.prompt.trim();
    this.notice = this.blocked ?? (prompt ? null : 'Type a prompt for the models to answer.');
    if (this.notice) return Promise.resolve();
    const system = this.systemPrompt.trim();
    const images = this.pictures.images;
    const messages: ChatMessage[] = [
      ...(system ? [{ role: 'system' as const, content: system }] : []),
      { role: 'user', content: prompt, ...(images.length > 0 ? { images } : {}) },
    ];
    const params = validParams({ maxNewTokens: this.maxNewTokens, temperature: this.temperature, topP: 1, enableThinking: false });
    const panes = this.panes;
    const mode = this.mode;
    for (const pane of panes) pane.queue();
    this.lastMode = mode;
    return this.holdingDevice(async (signal) => {
      const job: PaneJob = {
        messages,
        params,
        signal,
        hubFor: (repoId) => this.context.settings.hubFor(repoId),
        onAnswered: (metrics) => this.context.ledger.recordAnswer('side-by-side', metrics),
      };
      if (mode === 'concurrent') await Promise.all(panes.map((pane) => pane.run(job)));
      else for (const pane of panes) await pane.run(job);
    });
  }

  /**
   * Stops every pane: answers end after their current token (or their worker is ended when it
   * won't stop, see ModelSession.stop), queued panes never start, downloads are cancelled. A load
   * still running after HARD_STOP_AFTER_MS has its worker ended.
   */
  async stop(): Promise<void> {
    const run = this.currentRun;
    if (!run) return;
    this.cancel();
    for (const pane of this.panes) if (pane.state === 'loading') void pane.session.cancelLoad().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      run.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), HARD_STOP_AFTER_MS))),
    ]);
    clearTimeout(timer);
    if (!ended) for (const pane of this.panes) if (pane.state === 'loading') pane.dispose();
    await run;
  }

  /** Ends every pane's worker. */
  dispose(): void {
    this.cancel();
    for (const pane of this.panes) pane.dispose();
  }
}
