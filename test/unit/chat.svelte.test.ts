// The chat store over ModelSession's contract (the shared fake): the history it sends, what it
// keeps of a stopped or failed answer, live numbers while streaming, and a reload when Stop had
// to end the worker. The stop mechanics themselves are ModelWorker's (model-worker.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Chat } from '../../src/state/chat.svelte';
import { StopTimeoutError, WorkerCrashedError } from '../../src/lib/engines/errors';
import type { GenerationMetrics, GenerationResult } from '../../src/lib/engines/types';
import { FAKE_METRICS, FakeModelSession } from './support/fake-model-session';

const interrupted: GenerationMetrics = { ...FAKE_METRICS, generatedTokens: 1, stopReason: 'interrupted' };

/** A session whose answers write "partial" and then wait for the test (or Stop) to end them. */
function fakeSession(stopOutcome: 'stopped' | 'ended' = 'stopped') {
  let end: { resolve(r: GenerationResult): void; reject(e: Error): void } | null = null;
  const session = new FakeModelSession({
    answer: (_s, _m, _p, { onText, onLive }) => {
      onText?.('partial');
      onLive?.({ generatedTokens: 1, timeToFirstTokenMs: 40, decodeTokensPerSecond: null });
      return new Promise<GenerationResult>((resolve, reject) => (end = { resolve, reject }));
    },
  });
  session.status = 'ready';
  session.loadedModelId = 'fixtures/tiny-qwen3';
  session.stop.mockImplementation(async () => {
    if (stopOutcome === 'stopped') end?.resolve({ text: 'partial', metrics: interrupted });
    else end?.reject(new StopTimeoutError(1000));
    return stopOutcome;
  });
  return { session, fail: (error: Error) => end?.reject(error) };
}

const settings = {
  systemPrompt: 'Be brief.',
  params: { maxNewTokens: 100, temperature: 0, topP: 1, enableThinking: false },
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 16) as unknown as number);
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Chat', () => {
  it('sends the system prompt and history, shows live numbers, and keeps a stopped answer', async () => {
    const { session } = fakeSession();
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Hello');
    await vi.advanceTimersByTimeAsync(20);
    expect(chat.generating).toBe(true);
    expect(chat.live).toMatchObject({ generatedTokens: 1, timeToFirstTokenMs: 40 });
    expect(chat.streamingText).toBe('partial');
    expect(session.answer.mock.calls[0][0]).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ]);
    await chat.stop();
    await sending;
    expect(session.stop).toHaveBeenCalledOnce();
    expect(session.reload).not.toHaveBeenCalled();
    expect(chat.generating).toBe(false);
    expect(chat.live).toBeNull();
    expect(chat.turns.at(-1)).toMatchObject({ role: 'assistant', text: 'partial', streaming: false });
    expect(chat.streamingText).toBe('');
    expect(chat.lastMetrics?.stopReason).toBe('interrupted');
  });

  it('loads the model again when Stop had to end its worker, keeping what was written', async () => {
    const { session } = fakeSession('ended');
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Long prompt');
    await vi.advanceTimersByTimeAsync(20);
    await chat.stop();
    await sending;
    expect(session.reload).toHaveBeenCalledOnce();
    expect(session.reload.mock.calls[0][0]).toMatch(/restarted/);
    expect(chat.generating).toBe(false);
    expect(chat.turns.at(-1)).toMatchObject({ text: 'partial', error: { name: 'StopTimeoutError' } });
  });

  it('ends the answer with the error when the worker dies, keeping what had streamed', async () => {
    const { session, fail } = fakeSession();
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Hi');
    await vi.advanceTimersByTimeAsync(20);
    fail(new WorkerCrashedError('The inference worker died: the inference worker stopped unexpectedly.'));
    await sending;
    expect(chat.generating).toBe(false);
    expect(chat.turns.at(-1)?.error).toMatchObject({ name: 'WorkerCrashedError' });
    expect(chat.turns.at(-1)?.error?.message).toContain('stopped unexpectedly');
    expect(chat.turns.at(-1)?.text).toBe('partial');
  });

  it('leaves failed answers and their question out of the next prompt', async () => {
    const { session, fail } = fakeSession();
    const chat = new Chat(settings as never, session as never);
    const first = chat.send('Lost question');
    await vi.advanceTimersByTimeAsync(20);
    fail(new Error('gone'));
    await first;
    const second = chat.send('New question');
    await vi.advanceTimersByTimeAsync(20);
    expect(session.answer.mock.calls[1][0]).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'New question' },
    ]);
    await chat.stop();
    await second;
  });

  it('New chat stops the answer and forgets the conversation', async () => {
    const { session } = fakeSession();
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Hi');
    await vi.advanceTimersByTimeAsync(20);
    await chat.newChat();
    await sending;
    expect(session.stop).toHaveBeenCalledOnce();
    expect(session.resetConversation).toHaveBeenCalledOnce();
    expect(chat.turns).toEqual([]);
  });
});
