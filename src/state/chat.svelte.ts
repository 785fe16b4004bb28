// The conversation: sending a message, streaming the answer in, stopping it, and the numbers
// of every answer. Streamed text is committed to the UI at most once per animation frame.
import type { ChatImage, ChatMessage, GenerationMetrics, LiveGenerationNumbers } from '../lib/engines/types';
import { summarizeError, type ErrorSummary } from '../lib/engines/errors';
import type { ModelSession } from './model-session.svelte';
import { validParams, type Settings } from './settings.svelte';
import { FrameTextBatch } from '../lib/render/frame-text-batch';
import { PictureTray } from './picture-tray.svelte';

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
  /** Pictures sent with a user turn: the pixels go to the model again with every later turn. */
  pictures?: { image: ChatImage; thumbnail: string; tokens: number }[];
}

export class Chat {
  turns = $state.raw<Turn[]>([]);
  generating = $state(false);
  /**
   * Text of the answer being streamed. Kept apart from `turns` so a streamed chunk re-renders
   * only that answer, not everything derived from the conversation (the UI thread competes
   * with inference threads for the same cores).
   */
  streamingText = $state('');
  /** Tokens so far, time to first token and decode speed of the answer being streamed. */
  live = $state.raw<LiveGenerationNumbers | null>(null);
  /** Pictures waiting to go with the next message. */
  readonly pictures = new PictureTray();

  #nextId = 1;
  #streamed = new FrameTextBatch((text) => {
    this.streamingText += text;
  });
  #answered = new Set<(metrics: GenerationMetrics) => void>();

  constructor(
    private readonly settings: Settings,
    private readonly session: ModelSession,
  ) {}

  get lastMetrics(): GenerationMetrics | null {
    for (let i = this.turns.length - 1; i >= 0; i--) {
      const metrics = this.turns[i].metrics;
      if (metrics) return metrics;
    }
    return null;
  }

  async send(text: string): Promise<void> {
    const content = text.trim();
    if (!content || this.generating || !this.session.ready || this.pictures.preparing) return;
    const history = this.#history();
    const pictures = this.pictures.take().map(({ image, thumbnail, tokens }) => ({ image, thumbnail, tokens }));
    const user: Turn = { id: this.#nextId++, role: 'user', text: content, ...(pictures.length > 0 ? { pictures } : {}) };
    const answer: Turn = { id: this.#nextId++, role: 'assistant', text: '', streaming: true, modelId: this.session.loadedModelId ?? undefined };
    this.turns = [...this.turns, user, answer];
    this.streamingText = '';
    this.generating = true;
    const messages: ChatMessage[] = [...history, userMessage(user)];

    try {
      const result = await this.session.answer(messages, validParams(this.settings.params), {
        onText: (piece) => this.#streamed.push(piece),
        onLive: (numbers) => (this.live = numbers),
      });
      this.#streamed.flush();
      this.#update(answer.id, { text: result.text, metrics: result.metrics, streaming: false });
      for (const listener of this.#answered) listener(result.metrics);
    } catch (error) {
      this.#streamed.flush();
      this.#update(answer.id, { text: this.streamingText, error: summarizeError(error), streaming: false });
    } finally {
      this.streamingText = '';
      this.live = null;
      this.generating = false;
    }
  }

  /**
   * Stops the answer after its current token. A long prefill can't be interrupted that way: if
   * the session had to end its worker, the model is loaded again (from storage) to chat on.
   */
  async stop(): Promise<void> {
    if (!this.generating) return;
    if ((await this.session.stop()) === 'ended') {
      await this.session.reload('Stop took longer than 1 s (a long prompt was being read), so the model was restarted.');
    }
  }

  async newChat(): Promise<void> {
    if (this.generating) await this.stop();
    this.turns = [];
    this.pictures.take();
    await this.session.resetConversation();
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
      messages.push(turn.role === 'user' ? userMessage(turn) : { role: turn.role, content: turn.text });
    }
    return messages;
  }

  #update(id: number, patch: Partial<Turn>): void {
    this.turns = this.turns.map((turn) => (turn.id === id ? { ...turn, ...patch } : turn));
  }
}

function userMessage(turn: Turn): ChatMessage {
  return turn.pictures?.length
    ? { role: 'user', content: turn.text, images: turn.pictures.map((picture) => picture.image) }
    : { role: 'user', content: turn.text };
}
