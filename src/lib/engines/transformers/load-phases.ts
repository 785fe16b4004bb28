// Where a load's time goes, phase by phase, so a slow load can be pinned on the store, the
// tokenizer, the runtime's own start, session creation or the warm-up rather than guessed at.
// Phases may run side by side (the tokenizer is built while the weights are read), so each is its
// own wall-clock duration and their sum can exceed the load's total.
import type { LoadPhases } from '../types';

export type LoadPhase = keyof LoadPhases;

export class LoadPhaseClock {
  readonly #now: () => number;
  readonly #ms: LoadPhases = { storeReadMs: 0, tokenizerMs: 0, engineStartMs: 0, sessionCreateMs: 0, warmupMs: 0 };

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Runs `work` and adds its duration to `phase`, whether it resolves or throws. */
  async time<T>(phase: LoadPhase, work: () => Promise<T>): Promise<T> {
    const started = this.#now();
    try {
      return await work();
    } finally {
      this.add(phase, this.#now() - started);
    }
  }

  /** Adds time measured elsewhere (each of several sessions' creation, say). */
  add(phase: LoadPhase, ms: number): void {
    this.#ms[phase] += ms;
  }

  /**
   * Reading the weights out of the store is not a call of its own: transformers.js reads a
   * session's files and then creates it. It is the time spent loading the sessions less the
   * time spent creating them.
   */
  addStoreRead(sessionsLoadMs: number, sessionCreateMsDuringIt: number): void {
    this.add('storeReadMs', Math.max(0, sessionsLoadMs - sessionCreateMsDuringIt));
  }

  phases(): LoadPhases {
    return { ...this.#ms };
  }
}
