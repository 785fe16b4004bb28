// One stateless answer from a loaded session: the benchmark, the scorecard and side-by-side
// panes ask a prompt and want its text and numbers, with no conversation carried over.
import type { ChatMessage, GenerationParams, GenerationResult } from '../lib/engines/types';
import { WorkerCrashedError } from '../lib/engines/errors';
import { createInterruptFlag, raiseInterrupt } from '../lib/engines/interrupt-flag';
import type { ModelSession } from './model-session.svelte';

export interface SingleAnswerOptions {
  /** Streamed text as it arrives (already batched by the engine). */
  onText?: (text: string) => void;
  /** Aborting stops the answer after the current token; the promise then resolves with what was written. */
  signal?: AbortSignal;
}

/**
 * Asks the session's model one question from a clean slate: the KV cache of any earlier answer is
 * dropped first, so a measured prefill always reads the whole prompt.
 */
export async function answerOnce(
  session: ModelSession,
  messages: ChatMessage[],
  params: GenerationParams,
  { onText, signal }: SingleAnswerOptions = {},
): Promise<GenerationResult> {
  if (!session.ready) throw new Error('No model is loaded in this session.');
  signal?.throwIfAborted();
  const api = await session.api();
  await api.resetConversation();
  const flag = createInterruptFlag();
  let removeCrashListener = () => {};
  const crashed = new Promise<never>((_, reject) => {
    removeCrashListener = session.onCrash((reason) => reject(new WorkerCrashedError(`The inference worker died mid-answer: ${reason}.`)));
  });
  const stop = () => {
    if (flag) raiseInterrupt(flag);
    void api.interrupt();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const run = api.generate(
      messages,
      params,
      session.events((event) => {
        if (event.type === 'token') onText?.(event.text);
      }),
      flag,
    );
    return await Promise.race([run, crashed]);
  } finally {
    signal?.removeEventListener('abort', stop);
    removeCrashListener();
  }
}
