// Messages between the main thread and a code-sandbox worker (workers/code-sandbox.worker.ts).
// One worker runs one check: it posts `ready` once network and storage APIs are gone, gets one
// `run`, posts one `result`, and is then terminated. The expected values never enter the worker:
// it returns what the function gave back and the main thread judges (see code-check.ts).

export interface SandboxRunMessage {
  type: 'run';
  source: string;
  functionName: string;
  /** Arguments of each test call, in order. */
  calls: unknown[][];
}

/** One test call: a plain-data copy of the value returned, or what was thrown, or why the value isn't plain data. */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** What the worker found. */
export type RealmOutcome =
  | { kind: 'ran'; calls: CallOutcome[] }
  | { kind: 'compile-error'; message: string }
  | { kind: 'no-function'; message: string }
  /** The sandbox would not (dynamic import) or could not (eval blocked, an API it could not remove) run the code. */
  | { kind: 'refused'; message: string };

/** What the main thread reports: the worker's outcome, or why there is none. */
export type SandboxOutcome =
  | RealmOutcome
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'crashed'; message: string };

export type SandboxWorkerMessage =
  | { type: 'ready' }
  | { type: 'refused'; message: string }
  | { type: 'result'; outcome: RealmOutcome };

export interface SandboxRequest {
  source: string;
  functionName: string;
  calls: unknown[][];
  /** Wall-clock limit for the whole run, from the moment the code is handed over. */
  timeLimitMs: number;
}

/** The outcome and how long the run took (from handing the code over to the answer or the kill). */
export type SandboxReport = SandboxOutcome & { elapsedMs: number };

/** Runs code somewhere isolated: the browser's worker sandbox, or in-process in unit tests. */
export type CodeRunner = (request: SandboxRequest) => Promise<SandboxReport>;

export const DEFAULT_CODE_TIME_LIMIT_MS = 2000;
