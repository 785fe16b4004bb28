// A Stop request the worker can see without turning its event loop: one Int32 in shared memory,
// written by the UI thread and read by the engine after every token. It needs cross-origin
// isolation (SharedArrayBuffer); without it the engine falls back to message-based interrupt().

export type InterruptFlag = Int32Array;

export function createInterruptFlag(): InterruptFlag | null {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return null;
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raiseInterrupt(flag: InterruptFlag): void {
  Atomics.store(flag, 0, 1);
}

export function isInterruptRaised(flag: InterruptFlag | null | undefined): boolean {
  return flag ? Atomics.load(flag, 0) === 1 : false;
}
