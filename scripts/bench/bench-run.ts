// One bench run's lifecycle: the servers it started, the sections it measured and the ones that
// failed, and its result files. Whatever way the process ends (the run's end, a section throwing,
// a promise rejected where nothing catches it, an uncaught exception, Ctrl-C or SIGTERM), the
// failure is written to the result files and the servers are stopped: a `vite preview` left
// behind keeps its port, and the next bench or CI run on that machine can't bind it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { TimeLimitError, didNotFinish, withTimeLimit } from './time-limit';

export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
  constructor(readonly port: number) {
    super(`Port ${port} is already taken (a server left from an earlier run?): stop it and run the bench again`);
  }
}

/** Resolves when nothing listens on `port` (on any address), rejects with PortTakenError otherwise. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortTakenError(port) : error));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

export interface BenchRunOptions {
  /** Result files are `<base>.json` and `<base>.md`. */
  base: string;
  /** The Markdown of the figures so far; it must cope with any of them missing. */
  markdown: (figures: Record<string, unknown>) => string;
  /**
   * Closes what a section past its time limit left open (the browsers), so its abandoned work
   * stops and the next section starts on a quiet machine.
   */
  abandon?: () => Promise<unknown>;
}

/** How long closing the mirror and the like may take at the end before the run stops waiting. */
const CLOSE_LIMIT_MS = 15_000;

type ExitReason = 'unhandledRejection' | 'uncaughtException' | 'SIGINT' | 'SIGTERM';

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export class BenchRun {
  /** Section name → the error it failed with. */
  readonly errors: Record<string, string> = {};
  /** What the result file holds besides `errors`: filled as sections finish, so a run that dies keeps them. */
  readonly figures: Record<string, unknown> = {};
  private readonly servers: ChildProcess[] = [];
  private readonly closers: (() => Promise<unknown>)[] = [];
  private current: string | null = null;
  private ending: Promise<string | null> | null = null;
  private readonly listeners: [string, (...args: any[]) => void][] = [];

  constructor(private readonly options: BenchRunOptions) {}

  /**
   * Stops the servers and writes the failure however the process ends. Node's default for an
   * unhandled rejection is to exit at once, past every `finally`; these handlers end the run
   * with its files written instead.
   */
  guardProcess(): this {
    const fatal = (reason: ExitReason) => (error?: unknown) => {
      const where = this.current ?? 'bench';
      const key = this.errors[where] ? `${where} (${reason})` : where;
      this.errors[key] = error === undefined ? `stopped by ${reason}` : `${reason}: ${describe(error)}`;
      console.error(`\n${reason} in ${where}: ${this.errors[key]}`);
      void this.end().finally(() => process.exit(reason === 'SIGINT' ? 130 : reason === 'SIGTERM' ? 143 : 1));
    };
    this.listen('unhandledRejection', fatal('unhandledRejection'));
    this.listen('uncaughtException', fatal('uncaughtException'));
    this.listen('SIGINT', () => fatal('SIGINT')());
    this.listen('SIGTERM', () => fatal('SIGTERM')());
    // Last resort, synchronous: whatever called process.exit, the server process groups go too.
    this.listen('exit', () => this.stopServers());
    return this;
  }

  /** Starts `npx <args>` in its own process group (so stopping it also stops what npx started), once `port` is known free. */
  async serve(args: string[], port: number, cwd?: string): Promise<ChildProcess> {
    await assertPortFree(port);
    const server = spawn('npx', args, { stdio: 'ignore', detached: true, cwd });
    this.servers.push(server);
    return server;
  }

  /** Something else to close at the end (the mirror). */
  onEnd(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  /**
   * Runs one section; a failure is recorded and the run goes on to the next. Past `limitMs` the
   * section is recorded as "did not finish in N s", `abandon` closes what it opened, and the run
   * goes on without waiting for it.
   */
  async section<T>(name: string, body: () => Promise<T>, limitMs?: number): Promise<T | null> {
    const started = Date.now();
    console.log(`\n▶ ${name}${limitMs === undefined ? '' : ` (at most ${limitMs >= 60_000 ? `${Math.round(limitMs / 60_000)} min` : `${Math.round(limitMs / 1000)} s`})`}`);
    this.current = name;
    try {
      const result = limitMs === undefined ? await body() : await withTimeLimit(name, limitMs, body, this.options.abandon);
      console.log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return result;
    } catch (error) {
      this.errors[name] = error instanceof TimeLimitError ? didNotFinish(error.limitMs) : describe(error);
      console.error(`  FAILED: ${this.errors[name]}`);
      return null;
    } finally {
      this.current = null;
    }
  }

  get failed(): boolean {
    return Object.keys(this.errors).length > 0;
  }

  /** Writes `<base>.json` and `<base>.md` with the figures so far and every failure. */
  async write(): Promise<string> {
    const result = { ...this.figures, errors: this.errors };
    const markdown = this.options.markdown(result);
    await mkdir(dirname(this.options.base), { recursive: true });
    await writeFile(`${this.options.base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(`${this.options.base}.md`, `${markdown}\n`);
    console.log(`\nWritten to ${this.options.base}.json and .md`);
    if (this.failed) console.error(`${Object.keys(this.errors).length} section(s) failed: ${Object.keys(this.errors).join(', ')}`);
    return markdown;
  }

  /**
   * Writes the result files, closes what was opened and stops the servers; once, however often it
   * is called. Resolves to the Markdown written, or null if the files could not be written.
   */
  end(): Promise<string | null> {
    this.ending ??= (async () => {
      let markdown: string | null = null;
      try {
        markdown = await this.write();
      } catch (error) {
        console.error(`Could not write the results: ${describe(error)}`);
      }
      await Promise.allSettled(this.closers.map((close) => withTimeLimit('closing', CLOSE_LIMIT_MS, close)));
      this.stopServers();
      for (const [event, listener] of this.listeners) process.off(event, listener);
      return markdown;
    })();
    return this.ending;
  }

  private stopServers(): void {
    for (const server of this.servers) {
      try {
        if (server.pid) process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  private listen(event: string, listener: (...args: any[]) => void): void {
    this.listeners.push([event, listener]);
    process.on(event, listener);
  }
}
