// Every wait in the bench is bounded: a load that never reaches "ready" (a forced engine setting
// that stalls, a worker stuck in WebAssembly) must not hold the run forever. A piece of work past
// its limit is abandoned: whatever it opened is closed by the caller's `abandon`, its result or
// failure arriving later is ignored, and the run records it as not finished and goes on.

export class TimeLimitError extends Error {
  override readonly name = 'TimeLimitError';
  constructor(
    readonly what: string,
    readonly limitMs: number,
  ) {
    super(`${what} ${didNotFinish(limitMs)}`);
  }
}

/** How a result file says it: "did not finish in 150 s". */
export const didNotFinish = (limitMs: number): string => `did not finish in ${Math.round(limitMs / 1000)} s`;

/**
 * `work()`'s result, or a TimeLimitError once `limitMs` has passed without one; `abandon` runs
 * then (its own failure is only logged), before the error is thrown.
 */
export async function withTimeLimit<T>(what: string, limitMs: number, work: () => Promise<T>, abandon?: () => Promise<unknown>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitError(what, limitMs)), limitMs);
  });
  // Raced, so a rejection arriving after the limit has a handler and is not "unhandled".
  const running = Promise.resolve().then(work);
  try {
    return await Promise.race([running, expired]);
  } catch (error) {
    if (error instanceof TimeLimitError && abandon) {
      await abandon().catch((cleanup: unknown) => console.warn(`  could not clean up after ${what}: ${String(cleanup)}`));
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Why a bounded piece of work has no value: `didNotFinish` when its time limit ran out, else its error. */
export interface BoundedFailure {
  didNotFinish: boolean;
  error: string;
}

/** A bounded piece of work's outcome, as a result file keeps it: its value, or why there is none. */
export type Bounded<T> = { value: T; failure: null } | { value: null; failure: BoundedFailure };

/** `withTimeLimit` that never throws: a failure or an overrun is returned, for a table row to show. */
export async function settleWithin<T>(what: string, limitMs: number, work: () => Promise<T>, abandon?: () => Promise<unknown>): Promise<Bounded<T>> {
  try {
    return { value: await withTimeLimit(what, limitMs, work, abandon), failure: null };
  } catch (error) {
    const timedOut = error instanceof TimeLimitError;
    return {
      value: null,
      failure: { didNotFinish: timedOut, error: timedOut ? didNotFinish(limitMs) : error instanceof Error ? error.message : String(error) },
    };
  }
}
