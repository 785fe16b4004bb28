// The chat store against a fake worker API at the comlink boundary: Stop first asks the engine
// to interrupt, and restarts the worker only when the engine does not stop within a second.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Chat, HARD_STOP_AFTER_MS } from '../../src/state/chat.svelte';
import { GpuDeviceLostError } from '../../src/lib/engines/errors';
import type { GenerationMetrics, GenerationResult, EngineEventHandler } from '../../src/lib/engines/types';

const metrics: GenerationMetrics = {
  promptTokens: 10, cachedTokens: 0, prefillTokens: 10, prefillMs: 1, prefillTokensPerSecond: 1,
  timeToFirstTokenMs: 1, generatedTokens: 1, decodeMs: 0, decodeTokensPerSecond: 0, totalMs: 1, stopReason: 'interrupted',
};

function fakeSession(options: { stopsOnInterrupt: boolean }) {
  let finish: ((r: GenerationResult) => void) | null = null;
  let crash: ((reason: string) => void) | null = null;
  const api = {
    generate: vi.fn((_m: unknown, _p: unknown, onEvent: EngineEventHandler) => {
      onEvent({ type: 'token', text: 'partial', generatedTokens: 1 });
      return new Promise<GenerationResult>((resolve) => (finish = resolve));
    }),
    interrupt: vi.fn(() => {
      if (options.stopsOnInterrupt) finish?.({ text: 'partial', metrics });
    }),
    resetConversation: vi.fn(async () => {}),
  };
  const session = {
    ready: true,
    loadedModelId: 'fixtures/tiny-qwen3',
    api: async () => api,
    events: (handler: EngineEventHandler) => handler,
    onCrash: (listener: (reason: string) => void) => {
      crash = listener;
      return () => {};
    },
    restartWorker: vi.fn(async () => {}),
    discardWorker: vi.fn(),
  };
  return { api, session, crash: (reason: string) => crash?.(reason) };
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
  it('sends the system prompt and history, and keeps a stopped answer', async () => {
    const { api, session } = fakeSession({ stopsOnInterrupt: true });
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Hello');
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.generating).toBe(true);
    expect(api.generate.mock.calls[0][0]).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ]);
    await chat.stop();
    await sending;
    expect(api.interrupt).toHaveBeenCalledOnce();
    expect(session.restartWorker).not.toHaveBeenCalled();
    expect(chat.generating).toBe(false);
    expect(chat.turns.at(-1)).toMatchObject({ role: 'assistant', text: 'partial', streaming: false });
    expect(chat.streamingText).toBe('');
    expect(chat.lastMetrics?.stopReason).toBe('interrupted');
  });

  it('restarts the worker when the engine does not stop within a second', async () => {
    const { api, session } = fakeSession({ stopsOnInterrupt: false });
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Long prompt');
    await vi.advanceTimersByTimeAsync(0);
    const stopping = chat.stop();
    await vi.advanceTimersByTimeAsync(HARD_STOP_AFTER_MS - 10);
    expect(session.restartWorker).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(20);
    await stopping;
    await sending;
    expect(api.interrupt).toHaveBeenCalledOnce();
    expect(session.restartWorker).toHaveBeenCalledOnce();
    expect(chat.generating).toBe(false);
    expect(chat.turns.at(-1)?.error?.name).toBe('WorkerCrashedError');
  });

  it('ends the answer with an error when the worker dies', async () => {
    const { session, crash } = fakeSession({ stopsOnInterrupt: true });
    const chat = new Chat(settings as never, session as never);
    const sending = chat.send('Hi');
    await vi.advanceTimersByTimeAsync(0);
    crash('the inference worker stopped unexpectedly');
    await sending;
    expect(chat.generating).toBe(false);
    expect(chat.turns.at(-1)?.error).toMatchObject({ name: 'WorkerCrashedError' });
    expect(chat.turns.at(-1)?.error?.message).toContain('stopped unexpectedly');
    // What had streamed before the crash stays visible.
    expect(chat.turns.at(-1)?.text).toBe('partial');
  });

  it('leaves failed answers and their question out of the next prompt', async () => {
    const { api, session, crash } = fakeSession({ stopsOnInterrupt: true });
    const chat = new Chat(settings as never, session as never);
    const first = chat.send('Lost question');
    await vi.advanceTimersByTimeAsync(0);
    crash('gone');
    await first;
    const second = chat.send('New question');
    await vi.advanceTimersByTimeAsync(0);
    expect(api.generate.mock.calls[1][0]).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'New question' },
    ]);
    await chat.stop();
    await second;
  });

  it('replaces the worker when the GPU device is lost mid-answer, and keeps the error on the answer', async () => {
    const { api, session } = fakeSession({ stopsOnInterrupt: true });
    api.generate.mockImplementationOnce(async () => {
      throw new GpuDeviceLostError('The GPU dropped the model (WebGPU device lost).');
    });
    const chat = new Chat(settings as never, session as never);
    await chat.send('Hi');
    expect(session.discardWorker).toHaveBeenCalledTimes(1);
    expect(chat.turns.at(-1)?.error).toMatchObject({ name: 'GpuDeviceLostError' });
    expect(chat.generating).toBe(false);
  });

  it('keeps the worker for ordinary generation errors', async () => {
    const { api, session } = fakeSession({ stopsOnInterrupt: true });
    api.generate.mockImplementationOnce(async () => {
      throw new Error('something else');
    });
    const chat = new Chat(settings as never, session as never);
    await chat.send('Hi');
    expect(session.discardWorker).not.toHaveBeenCalled();
  });
});
