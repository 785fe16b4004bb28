// The conversation: sending a message, streaming the answer in, stopping it, and the numbers
// of every answer. Streamed text is committed to the UI at most once per animation frame.
import type { ChatMessage, GenerationMetrics } from '../lib/engines/types';
import { GPU_LOSS_ERRORS, summarizeError, WorkerCrashedError, type ErrorSummary } from '../lib/engines/errors';
import { createInterruptFlag, raiseInterrupt, type InterruptFlag } from '../lib/engines/interrupt-flag';
import type { ModelSession } from './model-session.svelte';
import { validParams, type Settings } from './settings.svelte';
import { FrameTextBatch } from '../lib/render/frame-text-batch';

export interface Turn {
  id: number;
  role: 'user' | 'assistant';
  /** Raw text as produced (for assistant turns, including any <think> block). */
  text: string;
  modelId?: string;
  metrics?: GenerationMetrics;
  error?: ErrorSummary;
  /** Set while this answer is still streaming. */
  streaming?: boolean;
}

/** How long Stop waits for the engine to stop by itself before the worker is killed. */
export const HARD_STOP_AFTER_MS = 1000;

export class Chat {
  turns = $state.raw<Turn[]>([]);
  generating = $state(false);
  /**
   * Text of the answer being streamed. Kept apart from `turns` so a streamed chunk re-renders
   * only that answer, not everything derived from the conversation (the UI thread competes
   * with inference threads for the same cores).
   */
  streamingText = $state('');

  #nextId = 1;
  #streamed = new FrameTextBatch((text) => {
    this.streamingText += text;
  });
  #run: Promise<unknown> | null = null;
  #abortRun: ((reason: string) => void) | null = null;
  #interruptFlag: InterruptFlag | null = null;
  #answered = new Set<(metrics: GenerationMetrics) => void>();

  constructor(
    private readonly settings: Settings,
    private readonly session: ModelSession,
  ) {
    session.onCrash((reason) => this.#abortRun?.(reason));
  }

  get lastMetrics(): GenerationMetrics | null {
    for (let i = this.turns.length - 1; i >= 0; i--) {
      const metrics = this.turns[i].metrics;
      if (metrics) return metrics;
    }
    return null;
  }

  async send(text: string): Promise<void> {
    const content = text.trim();
    if (!content || this.generating || !this.session.ready) return;
    const history = this.#history();
    const user: Turn = { id: this.#nextId++, role: 'user', text: content };
    const answer: Turn = { id: this.#nextId++, role: 'assistant', text: '', streaming: true, modelId: this.session.loadedModelId ?? undefined };
    this.turns = [...this.turns, user, answer];
    this.streamingText = '';
    this.generating = true;
    const messages: ChatMessage[] = [...history, { role: 'user', content }];

    const crashed = new Promise<never>((_, reject) => {
      this.#abortRun = (reason) => reject(new WorkerCrashedError(`The inference worker died mid-answer: ${reason}.`));
    });
    try {
      const api = await this.session.api();
      this.#interruptFlag = createInterruptFlag();
      const run = api.generate(
        messages,
        validParams(this.settings.params),
        this.session.events((event) => {
          if (event.type === 'token') this.#streamed.push(event.text);
        }),
        this.#interruptFlag,
      );
      this.#run = run;
      const result = await Promise.race([run, crashed]);
      this.#streamed.flush();
      this.#update(answer.id, { text: result.text, metrics: result.metrics, streaming: false });
      for (const listener of this.#answered) listener(result.metrics);
    } catch (error) {
      this.#streamed.flush();
      const failure = summarizeError(error);
      this.#update(answer.id, { text: this.streamingText, error: failure, streaming: false });
      // The GPU went away mid-answer: the worker's WebGPU state is gone with it.
      if (GPU_LOSS_ERRORS.has(failure.name)) this.session.discardWorker();
    } finally {
      this.streamingText = '';
      this.#run = null;
      this.#abortRun = null;
      this.generating = false;
    }
  }

  /**
   * Asks the engine to stop after the current token. A long prefill can't be interrupted that
   * way, so if the answer hasn't ended within HARD_STOP_AFTER_MS the worker is restarted.
   */
  async stop(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    if (this.#interruptFlag) raiseInterrupt(this.#interruptFlag);
    const api = await this.session.api();
    void api.interrupt();
    const stopped = await Promise.race([
      run.then(() => true, () => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), HARD_STOP_AFTER_MS)),
    ]);
    if (stopped) return;
    this.#abortRun?.('it was restarted because it did not stop within 1 s');
    await this.session.restartWorker('Stop took longer than 1 s (a long prompt was being read), so the model was restarted.');
  }

  async newChat(): Promise<void> {
    if (this.generating) await this.stop();
    this.turns = [];
    if (this.session.ready) await (await this.session.api()).resetConversation();
  }

  /** Called with the metrics of every answer that finished (stopped ones included). */
  onAnswered(listener: (metrics: GenerationMetrics) => void): () => void {
    this.#answered.add(listener);
    return () => this.#answered.delete(listener);
  }

  /** Earlier turns as chat messages: failed answers are left out, stopped ones kept as they are. */
  #history(): ChatMessage[] {
    const messages: ChatMessage[] = [];
    const system = this.settings.systemPrompt.trim();
    if (system) messages.push({ role: 'system', content: system });
    for (const turn of this.turns) {
      if (turn.role === 'assistant' && (turn.error || !turn.text)) {
        // Keep user/assistant alternation: drop the user turn that got no answer too.
        if (messages.at(-1)?.role === 'user') messages.pop();
        continue;
      }
      messages.push({ role: turn.role, content: turn.text });
    }
    return messages;
  }

  #update(id: number, patch: Partial<Turn>): void {
    this.turns = this.turns.map((turn) => (turn.id === id ? { ...turn, ...patch } : turn));
  }
}
