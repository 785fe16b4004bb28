// The bench bounds every wait: a piece of work past its limit is abandoned and recorded as "did
// not finish in N s", and the run goes on. Here the limit itself on fake timers, the lever table
// with a lever that ran out of time, and a real run (child process, real Chromium) whose section
// hangs: it is recorded as not finished, its browser is closed, the next section still runs and
// the process ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchMarkdown, type BenchFigures } from '../../scripts/bench/bench-report';
import { runCommand } from '../../scripts/bench/harness';
import { TimeLimitError, settleWithin, withTimeLimit } from '../../scripts/bench/time-limit';

const never = () => new Promise<never>(() => {});

describe('withTimeLimit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the work’s result when it ends in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeLimit('a load', 5000, async () => 42)).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the work’s own failure through', async () => {
    vi.useFakeTimers();
    await expect(withTimeLimit('a load', 5000, async () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
  });

  it('rejects with a TimeLimitError that says "did not finish in N s" once the limit passes, after abandoning the work', async () => {
    vi.useFakeTimers();
    const abandon = vi.fn(async () => {});
    const outcome = withTimeLimit('graph optimisation basic', 150_000, never, abandon);
    const caught = outcome.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(149_999);
    expect(abandon).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    const error = await caught;
    expect(error).toBeInstanceOf(TimeLimitError);
    expect((error as Error).message).toBe('graph optimisation basic did not finish in 150 s');
    expect(abandon).toHaveBeenCalledTimes(1);
  });

  it('ignores the abandoned work’s failure arriving later (no unhandled rejection) and an abandon that fails', async () => {
    vi.useFakeTimers();
    let failLater: (error: Error) => void = () => {};
    const work = () => new Promise<never>((_, reject) => (failLater = reject));
    const caught = withTimeLimit('a lever', 1000, work, async () => Promise.reject(new Error('page already gone'))).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await caught).toBeInstanceOf(TimeLimitError);
    // The page closed under the abandoned load: its wait rejects now, with nobody left to catch it.
    failLater(new Error('Target page, context or browser has been closed'));
    await vi.runAllTimersAsync();
  });
});

describe('settleWithin', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the value, or the failure a table row shows: "did not finish" for the limit, the message otherwise', async () => {
    vi.useFakeTimers();
    expect(await settleWithin('a', 1000, async () => 'ready')).toEqual({ value: 'ready', failure: null });
    expect(await settleWithin('b', 1000, async () => Promise.reject(new Error("The app's load failed: out of memory")))).toEqual({
      value: null,
      failure: { didNotFinish: false, error: "The app's load failed: out of memory" },
    });
    const pending = settleWithin('c', 90_000, never);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(await pending).toEqual({ value: null, failure: { didNotFinish: true, error: 'did not finish in 90 s' } });
  });
});

describe('runCommand', () => {
  it('stops a command still running past its limit and fails with "did not finish"', async () => {
    await expect(runCommand('sleep', ['60'], 1000)).rejects.toThrow('sleep 60 did not finish in 1 s');
    await expect(runCommand('true', [], 60_000)).resolves.toBeUndefined();
  });
});

describe('the lever table', () => {
  const load = (wallMs: number) => ({ wallMs, totalMs: wallMs, downloadMs: 0, sessionInitMs: wallMs, warmupMs: 0, phases: { session: wallMs }, metrics: null, fetchedBytes: 0, memory: { pssBytes: 2 ** 30, allRenderersPssBytes: 2 ** 30, rssHighWaterBytes: 2 ** 30, renderers: 1, samples: 5 } });
  const speed = { runs: [], median: { timeToFirstTokenMs: 1, prefillTokensPerSecond: 60, decodeTokensPerSecond: 5 } };
  const figures = (levers: unknown[]): BenchFigures =>
    ({
      load: {
        model: 'fixtures/qwen3-0.6b-shaped',
        dtype: 'q8',
        threads: 2,
        weightBytes: 755e6,
        download: { app: { bytes: 755e6, ms: 20_000, bytesPerSecond: 37e6 }, bare: { bytes: 755e6, ms: 10_000, bytesPerSecond: 75e6 }, files: [] },
        storeRead: { ms: 2700, bytes: 755e6, files: [] },
        coldLoad: load(40_000),
        warmLoad: load(11_000),
        phases: { warm: {}, cold: {} },
        peakMemory: load(0).memory,
        appVsBare: { promptTokens: 152, newTokens: 32, app: speed, bare: speed, loadAverage: [1], ratios: { prefill: 1, decode: 1 } },
        levers,
        warmLoadOverStoreRead: 4.1,
        peakMemoryOverWeights: 1.4,
        peakRssOverWeights: 1.5,
        downloadOverBareFetch: 0.5,
      },
      errors: {},
    }) as unknown as BenchFigures;

  it('shows a lever that ran out of time as "did not finish in N s", between measured rows', () => {
    const markdown = benchMarkdown(
      figures([
        { name: 'graph optimisation disabled', query: { 'ort-opt': 'disabled' }, loads: [load(8900)], prefillTokensPerSecond: 51.1, decodeTokensPerSecond: 4.1, failure: null },
        { name: 'graph optimisation basic', query: { 'ort-opt': 'basic' }, loads: [], prefillTokensPerSecond: null, decodeTokensPerSecond: null, failure: { didNotFinish: true, error: 'did not finish in 150 s' } },
        { name: 'graph optimisation extended', query: { 'ort-opt': 'extended' }, loads: [load(9500)], prefillTokensPerSecond: 60, decodeTokensPerSecond: 5, failure: null },
      ]),
    );
    const rows = markdown.split('\n');
    expect(rows).toContain('| graph optimisation basic | did not finish in 150 s |  | – | – | – |');
    expect(rows).toContain('| graph optimisation extended | 9.50 s | session 9.50 s | 1.00 GiB | 60.0 | 5.0 |');
    expect(rows).toContain('| load lever "graph optimisation basic" | did not finish in 150 s | – | **no** |');
  });
});

/** Whether any process runs a browser on `profile`. */
function browserRunsOn(profile: string): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) return true;
    } catch {
      // exited while listed
    }
  }
  return false;
}

describe('a bench run with a section that never finishes', () => {
  it('records it as not finished, closes its browser, runs the next section and ends', { timeout: 120_000 }, async () => {
    const base = join(mkdtempSync(join(os.tmpdir(), 'bench-run-')), 'result');
    const child = spawn('npx', ['tsx', 'test/fixtures/hanging-bench-run.ts', base], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, output).toBe(1);
    const result = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { errors: Record<string, string>; profile: string; after: string };
    expect(result.errors).toEqual({ 'a section that hangs': 'did not finish in 3 s' });
    expect(result.after).toBe('measured');
    expect(browserRunsOn(result.profile), `a browser still runs on ${result.profile}`).toBe(false);
    expect(readFileSync(`${base}.md`, 'utf8')).toContain('- **a section that hangs**: did not finish in 3 s');
  });
});
