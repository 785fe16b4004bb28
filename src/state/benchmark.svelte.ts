// Runs the benchmark suite over the chosen models × backends, one case at a time, each model in
// its own session (worker) that is disposed when its cases are done. Finished rows go to the
// visit's results; every answer's tokens go to the usage ledger.
import { ModelSession } from './model-session.svelte';
import { DeviceRunner } from './device-runner.svelte';
import type { ViewContext } from './view-context';
import type { Backend, GenerationMetrics, GenerationResult, LiveGenerationNumbers, LoadMetrics } from '../lib/engines/types';
import type { BenchmarkRow, PromptSize } from '../lib/results/result-types';
import { summarizeError } from '../lib/engines/errors';
import { label as backendLabel } from '../lib/engines/backend-selection';
import { detectCapabilities } from '../lib/hardware/capabilities';
import { chooseBackend } from '../lib/engines/backend-selection';
import { median } from '../lib/metrics/statistics';
import { summarize } from '../lib/benchmark/stats';
import { loadPhaseStats } from '../lib/benchmark/load-phase-stats';
import {
  BENCHMARK_PARAMS,
  DEFAULT_REPEATS,
  groupSteps,
  planBenchmark,
  type BenchmarkPlan,
  type PlannedGroup,
} from '../lib/benchmark/suite';
import {
  PROMPT_TARGET_TOKENS,
  DEFAULT_CHARS_PER_TOKEN,
  buildPrompt,
  charsPerToken,
  initialChars,
  rescaleChars,
} from '../lib/benchmark/prompts';
import { cancelUnfinished, initialOutcomes, outcomeKey, type CaseOutcome } from '../lib/benchmark/outcomes';
import { RunCancelled, untilAborted } from '../lib/async/until-aborted';
import { engineOfModel } from '../lib/models/model-engine';

const DEVICE_HOLDER = 'The benchmark';

export interface BenchmarkProgress {
  /** 1-based number of the case running (or about to run, while its model loads). */
  caseNumber: number;
  caseCount: number;
  modelId: string;
  backend: Backend;
  promptSize: PromptSize | null;
  /** What is happening now, in words: "loading (timed load 1 of 3)", "repeat 2 of 3". */
  phase: string;
  stepsDone: number;
  stepCount: number;
}

export interface BenchmarkDependencies {
  createSession(context: ViewContext): ModelSession;
  detectWebGpu(): Promise<{ available: boolean; detail: string; isFallbackAdapter?: boolean }>;
}

const defaultDependencies: BenchmarkDependencies = {
  createSession: (context) => new ModelSession(context.settings, context.lookups),
  detectWebGpu: async () => (await detectCapabilities()).webgpu,
};

const CANCELLED_CASE = 'Cancelled before this case finished; no figures were kept.';


/** A group (model × backend) that could not be measured at all, e.g. its model did not load. */
class GroupFailed extends Error {
  override name = 'GroupFailed';
}

export class BenchmarkRunner extends DeviceRunner {
  modelIds = $state<string[]>([]);
  backends = $state<Record<Backend, boolean>>({ wasm: true, webgpu: false });
  repeats = $state(DEFAULT_REPEATS);
  /** Whether this browser gives a WebGPU adapter; null until checked. */
  webgpu = $state.raw<{ available: boolean; detail: string; isFallbackAdapter?: boolean } | null>(null);
  progress = $state.raw<BenchmarkProgress | null>(null);
  /** Every case of the latest run, in plan order. */
  outcomes = $state.raw<CaseOutcome[]>([]);
  /** How the latest run ended, or why it could not start. */
  message = $state<string | null>(null);
  /** Tokens so far, time to first token and decode speed of the answer being measured. */
  live = $state.raw<LiveGenerationNumbers | null>(null);

  rows = $derived(this.outcomes.flatMap((o) => (o.status === 'done' && o.row ? [o.row] : [])));

  #plan: BenchmarkPlan | null = null;
  #stepsDone = 0;
  #casesStarted = 0;

  constructor(
    private readonly context: ViewContext,
    private readonly deps: BenchmarkDependencies = defaultDependencies,
  ) {
    super(DEVICE_HOLDER, context);
    this.modelIds = [context.settings.modelId];
  }

  /** Checks for WebGPU once, so the view offers the backend only where it can run. */
  async detect(): Promise<void> {
    const webgpu = await this.deps.detectWebGpu();
    const first = this.webgpu === null;
    this.webgpu = webgpu;
    // The same as Auto: a software adapter, or one this device's probe measured slower than WASM,
    // is offered, not ticked.
    const caps = this.context.capabilities;
    const autoPicksWebGpu = caps ? chooseBackend(caps, null).value === 'webgpu' : !webgpu.isFallbackAdapter;
    if (first && webgpu.available && autoPicksWebGpu) this.backends = { ...this.backends, webgpu: true };
  }

  async start(): Promise<void> {
    if (this.running) return;
    const blocked = this.blockedReason;
    if (blocked) {
      this.message = blocked;
      return;
    }
    this.message = null;
    await this.holdingDevice(async (signal) => {
      try {
        // Checked again now: an adapter can be lost (or the check may still be pending).
        await this.detect();
        const plan = planBenchmark({
          modelIds: this.modelIds,
          backends: (Object.keys(this.backends) as Backend[]).filter((b) => this.backends[b]),
          repeats: Number(this.repeats),
          webgpu: this.webgpu!,
        });
        this.#plan = plan;
        this.#stepsDone = 0;
        this.#casesStarted = 0;
        this.outcomes = initialOutcomes(plan);
        for (const group of plan.groups) {
          if (group.skipReason) continue;
          await this.#runGroup(group, plan.repeats, signal);
        }
        this.message = this.#finishedMessage(plan);
      } catch (error) {
        if (signal.aborted) {
          this.outcomes = cancelUnfinished(this.outcomes, CANCELLED_CASE);
          const done = this.outcomes.filter((o) => o.status === 'done').length;
          this.message = `Benchmark cancelled. ${done} of ${this.#plan?.caseCount ?? 0} cases finished; the cancelled ones have no figures.`;
        } else {
          this.message = summarizeError(error).message;
        }
      } finally {
        this.#plan = null;
        this.progress = null;
      }
    });
  }

  async #runGroup(group: PlannedGroup, repeats: number, signal: AbortSignal): Promise<void> {
    const stepsAtStart = this.#stepsDone;
    const casesAtStart = this.#casesStarted;
    let session: ModelSession;
    let loads: LoadMetrics[];
    try {
      ({ session, loads } = await this.#loadRepeatedly(group, repeats, signal));
    } catch (error) {
      if (signal.aborted) throw new RunCancelled();
      const message = errorText(error);
      for (const size of group.sizes) this.#setOutcome(group, size, { status: 'error', message });
      this.#stepsDone = stepsAtStart + groupSteps(group, repeats);
      this.#casesStarted = casesAtStart + group.sizes.length;
      return;
    }
    try {
      let ratio = DEFAULT_CHARS_PER_TOKEN;
      for (const [index, size] of group.sizes.entries()) {
        const stepsBefore = this.#stepsDone;
        this.#casesStarted++;
        this.#setOutcome(group, size, { status: 'running', message: null });
        try {
          const measured = await this.#runCase(session, group, size, repeats, loads, ratio, signal);
          ratio = measured.charsPerToken;
          this.#setOutcome(group, size, { status: 'done', row: measured.row, message: null });
          this.context.results.addBenchmarkRows([measured.row]);
        } catch (error) {
          if (signal.aborted) throw new RunCancelled();
          const message = errorText(error);
          this.#setOutcome(group, size, { status: 'error', message });
          this.#stepsDone = stepsBefore + repeats + 1;
          if (!session.ready) {
            // The worker is gone (crash, lost GPU): the sizes after this one can't run in it.
            for (const rest of group.sizes.slice(index + 1)) {
              this.#setOutcome(group, rest, { status: 'error', message: `Not run: the model stopped after an error (${message})` });
            }
            this.#stepsDone = stepsAtStart + groupSteps(group, repeats);
            this.#casesStarted = casesAtStart + group.sizes.length;
            return;
          }
        }
      }
    } finally {
      session.dispose();
      if (this.activeSession === session) this.activeSession = null;
    }
  }

  /**
   * One warm-up load (it downloads the model if needed), then N timed loads of the now-stored
   * model, each in a fresh session and worker. The last session stays loaded for the answers.
   */
  async #loadRepeatedly(group: PlannedGroup, repeats: number, signal: AbortSignal) {
    const loads: LoadMetrics[] = [];
    let session: ModelSession | null = null;
    try {
      for (let i = 0; i <= repeats; i++) {
        this.#phase(group, null, i === 0 ? 'loading (warm-up load)' : `loading (timed load ${i} of ${repeats})`);
        session?.dispose();
        session = this.deps.createSession(this.context);
        this.activeSession = session;
        const id = group.modelId;
        const hub = this.context.settings.hubFor(id);
        await untilAborted(session.loadModel({ repoId: id, hub, backendOverride: group.backend, dtypeOverride: null }), signal);
        if (session.status !== 'ready' || !session.runtime || !session.loadMetrics) {
          const failure = session.error;
          throw new GroupFailed(failure ? `${failure.name}: ${failure.message}` : `${id} did not load.`);
        }
        if (session.runtime.backend !== group.backend) {
          throw new GroupFailed(
            session.fallback ??
              `${id} loaded on ${backendLabel(session.runtime.backend)} instead of ${backendLabel(group.backend)}, so it was not measured as ${backendLabel(group.backend)}.`,
          );
        }
        if (i > 0) loads.push(session.loadMetrics);
        this.#step();
      }
      return { session: session!, loads };
    } catch (error) {
      session?.dispose();
      throw error;
    }
  }

  /**
   * A warm-up answer on a prompt sized from the model's characters per token so far; its
   * measured prompt tokens correct the size once; then N timed answers on the corrected prompt.
   */
  async #runCase(
    session: ModelSession,
    group: PlannedGroup,
    size: PromptSize,
    repeats: number,
    loads: LoadMetrics[],
    ratio: number,
    signal: AbortSignal,
  ): Promise<{ row: BenchmarkRow; charsPerToken: number }> {
    const target = PROMPT_TARGET_TOKENS[size];
    this.#phase(group, size, 'warm-up answer');
    const warmPrompt = buildPrompt(size, initialChars(target, ratio));
    const warm = await this.#answer(session, warmPrompt, signal);
    this.#step();
    const prompt = buildPrompt(size, rescaleChars(warmPrompt.length, warm.metrics.promptTokens, target));
    const samples: GenerationMetrics[] = [];
    for (let r = 1; r <= repeats; r++) {
      this.#phase(group, size, `repeat ${r} of ${repeats}`);
      samples.push((await this.#answer(session, prompt, signal)).metrics);
      this.#step();
    }
    const promptTokens = samples[0].promptTokens;
    const row: BenchmarkRow = {
      modelId: group.modelId,
      engine: engineOfModel(group.modelId),
      backend: group.backend,
      dtype: session.runtime!.dtype,
      promptSize: size,
      promptTokens,
      newTokens: Math.round(median(samples.map((m) => m.generatedTokens))),
      loadMs: summarize(loads.map((m) => m.totalMs)),
      ...loadPhaseStats(loads),
      ttftMs: summarize(samples.map((m) => m.timeToFirstTokenMs)),
      prefillTokensPerSecond: summarize(samples.map((m) => m.prefillTokensPerSecond)),
      decodeTokensPerSecond: summarize(samples.map((m) => m.decodeTokensPerSecond)),
    };
    return { row, charsPerToken: charsPerToken(prompt.length, promptTokens) };
  }

  async #answer(session: ModelSession, prompt: string, signal: AbortSignal): Promise<GenerationResult> {
    const result = await untilAborted(
      session.answer([{ role: 'user', content: prompt }], BENCHMARK_PARAMS, {
        signal,
        fresh: true,
        onLive: (numbers) => (this.live = numbers),
      }),
      signal,
    ).finally(() => (this.live = null));
    const { metrics } = result;
    this.context.ledger.recordAnswer('benchmark', metrics);
    if (signal.aborted) throw new RunCancelled();
    if (metrics.stopReason === 'interrupted') throw new Error('The answer was interrupted before it finished.');
    return result;
  }

  #phase(group: PlannedGroup, promptSize: PromptSize | null, phase: string): void {
    const plan = this.#plan!;
    this.progress = {
      caseNumber: Math.min(plan.caseCount, promptSize ? this.#casesStarted : this.#casesStarted + 1),
      caseCount: plan.caseCount,
      modelId: group.modelId,
      backend: group.backend,
      promptSize,
      phase,
      stepsDone: this.#stepsDone,
      stepCount: plan.stepCount,
    };
  }

  #step(): void {
    this.#stepsDone++;
    if (this.progress) this.progress = { ...this.progress, stepsDone: this.#stepsDone };
  }

  #setOutcome(group: PlannedGroup, promptSize: PromptSize, change: Partial<CaseOutcome>): void {
    const key = outcomeKey({ modelId: group.modelId, backend: group.backend, promptSize });
    this.outcomes = this.outcomes.map((o) => (outcomeKey(o) === key ? { ...o, row: null, ...change } : o));
  }

  #finishedMessage(plan: BenchmarkPlan): string {
    const count = (status: CaseOutcome['status']) => this.outcomes.filter((o) => o.status === status).length;
    const parts = [`${count('done')} of ${plan.caseCount} cases measured`];
    if (count('error')) parts.push(`${count('error')} failed`);
    if (count('skipped')) parts.push(`${count('skipped')} skipped`);
    return `Benchmark finished: ${parts.join(', ')}.`;
  }
}

function errorText(error: unknown): string {
  if (error instanceof GroupFailed) return error.message;
  const { name, message } = summarizeError(error);
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}
