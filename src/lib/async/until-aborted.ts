// Long runs (benchmark, scorecard) wait on a worker that Cancel may kill; a killed worker never
// answers, so the wait must end on the abort itself.

export class RunCancelled extends Error {
  override name = 'RunCancelled';
}

/** Settles with the promise, or rejects with RunCancelled as soon as the signal aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RunCancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RunCancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
