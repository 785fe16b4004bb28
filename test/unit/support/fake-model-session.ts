// The one stand-in for ModelSession in store tests (benchmark, scorecard, side by side, chat): it
// loads instantly and answers through a handler the test supplies, with ModelSession's contract.
// ModelSession itself is tested against the real worker API in model-session.svelte.test.ts.
import { vi } from 'vitest';
import type { AnswerOptions, StopOutcome } from '../../../src/lib/engines/model-worker';
import type { Backend, ChatMessage, GenerationParams, GenerationResult } from '../../../src/lib/engines/types';
import type { LoadRequest, LoadStatus } from '../../../src/state/model-session.svelte';

export type FakeAnswer = (
  session: FakeModelSession,
  messages: ChatMessage[],
  params: GenerationParams,
  options: AnswerOptions,
) => Promise<GenerationResult>;

export interface FakeSessionOptions {
  /** Each load's total time; default 250 ms. */
  loadMs?: () => number;
  /** The backend a load ends up on (a WebGPU → WASM fallback); default what was asked, else wasm. */
  loadsOn?: Backend;
  answer?: FakeAnswer;
}

export class FakeModelSession {
  status: LoadStatus = 'idle';
  error: { name: string; message: string } | null = null;
  runtime: { backend: Backend; dtype: string } | null = null;
  loadMetrics: { totalMs: number } | null = null;
  progress = null;
  fallback: string | null = null;
  notice: string | null = null;
  loadedModelId: string | null = null;
  /** The model the last load asked for. */
  repoId = '';

  constructor(private readonly options: FakeSessionOptions = {}) {}

  get ready(): boolean {
    return this.status === 'ready';
  }

  /** Ids ending in "/missing" fail like a repo that doesn't exist. */
  loadModel = vi.fn(async (request: LoadRequest) => {
    this.repoId = request.repoId;
    if (/\/missing$/.test(request.repoId)) {
      this.status = 'error';
      this.error = { name: 'ModelNotFoundError', message: `Model "${request.repoId}" was not found.` };
      return;
    }
    this.status = 'ready';
    this.loadedModelId = request.repoId;
    this.runtime = { backend: this.options.loadsOn ?? request.backendOverride ?? 'wasm', dtype: 'q8' };
    this.loadMetrics = { totalMs: this.options.loadMs?.() ?? 250 };
  });

  answer = vi.fn((messages: ChatMessage[], params: GenerationParams, options: AnswerOptions = {}) => {
    if (!this.ready) return Promise.reject(Object.assign(new Error('No model is loaded.'), { name: 'ModelNotLoadedError' }));
    const answer = this.options.answer ?? (async () => ({ text: 'x', metrics: FAKE_METRICS }));
    return answer(this, messages, params, options);
  });

  stop = vi.fn(async (): Promise<StopOutcome> => 'idle');
  reload = vi.fn(async (notice: string) => {
    this.status = 'ready';
    this.notice = notice;
  });
  resetConversation = vi.fn(async () => {});
  cancelLoad = vi.fn(async () => {});
  dispose = vi.fn(() => {
    this.status = 'idle';
    this.runtime = null;
    this.loadedModelId = null;
  });
}

export const FAKE_METRICS = {
  promptTokens: 12, cachedTokens: 0, prefillTokens: 12, prefillMs: 10, prefillTokensPerSecond: 1200,
  timeToFirstTokenMs: 15, generatedTokens: 4, decodeMs: 30, decodeTokensPerSecond: 100, totalMs: 45, stopReason: 'eos' as const,
};
