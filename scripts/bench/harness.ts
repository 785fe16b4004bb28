// Plumbing shared by the bench sections: browsers, servers, child processes, medians.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from '@playwright/test';
import type { Backend } from '../../src/lib/engines/types';
import { median } from '../../src/lib/metrics/statistics';
import { withTimeLimit } from './time-limit';

export const APP_PORT = 4273;
export const BARE_PORT = 4274;
export const APP_URL = `http://localhost:${APP_PORT}/`;
export const BARE_URL = `http://localhost:${BARE_PORT}/`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const QUIET_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** One measured generation. */
export interface Run {
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  generatedTokens: number;
}

export interface RunSummary {
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export function summarize(runs: readonly Run[]): RunSummary {
  return {
    timeToFirstTokenMs: median(runs.map((r) => r.timeToFirstTokenMs)),
    prefillTokensPerSecond: median(runs.map((r) => r.prefillTokensPerSecond)),
    decodeTokensPerSecond: median(runs.map((r) => r.decodeTokensPerSecond)),
  };
}

/**
 * A browser profile for one backend: WebGPU off for WASM runs (as in the e2e suite), on
 * (SwiftShader here) for WebGPU. A real on-disk profile, as a user has: Playwright's default
 * contexts are off-the-record, and their in-memory storage refuses a Cache API entry of a few
 * hundred MB (transformers.js only logs that and fetches again next time). Memory measurement
 * runs eagerly instead of waiting for the next garbage collection.
 */
export async function launchFor(backend: Backend, { serviceWorkers = 'allow' }: { serviceWorkers?: 'allow' | 'block' } = {}) {
  const profile = mkdtempSync(join(os.tmpdir(), 'bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    serviceWorkers,
    args: [
      ...QUIET_FLAGS,
      '--enable-blink-features=ForceEagerMeasureMemory',
      backend === 'wasm' ? '--disable-features=WebGPU' : '--enable-unsafe-webgpu',
    ],
  });
  // The profile holds gigabytes of stored models by the end of a run; it goes once the browser has
  // exited, or with the process if the run ends before closing it.
  liveProfiles.add(profile);
  profiles.set(context, profile);
  liveContexts.add(context);
  const close = context.close.bind(context);
  context.close = async (options) => {
    liveContexts.delete(context);
    await close(options);
    removeProfile(profile);
  };
  return context;
}

const liveContexts = new Set<BrowserContext>();

/**
 * Closes every browser `launchFor` opened that is still open: what a section past its time limit
 * leaves behind. Its pending page calls then fail at once, so its abandoned work ends too.
 */
export async function closeAllBrowsers(): Promise<void> {
  await Promise.allSettled([...liveContexts].map((context) => context.close()));
}

const profiles = new WeakMap<BrowserContext, string>();
/** The profile folder a context from `launchFor` runs on: it names the browser's processes (scripts/bench/renderer-memory.ts). */
export const profileOf = (context: BrowserContext): string => profiles.get(context)!;

const liveProfiles = new Set<string>();
process.on('exit', () => liveProfiles.forEach(removeProfile));

function removeProfile(profile: string): void {
  liveProfiles.delete(profile);
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (error) {
    console.warn(`Could not remove the browser profile ${profile}: ${error}`);
  }
}

export function machine() {
  return {
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** The 1-minute load average: above the core count, other work competed with the runs. */
export const loadAverage = (): number => Number(os.loadavg()[0].toFixed(2));

/** Runs a command to its end (a build); one still running after `limitMs` is stopped and fails the run. */
export function runCommand(command: string, args: string[], limitMs = 15 * 60_000): Promise<void> {
  let child: ChildProcess | undefined;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(command, args, { stdio: 'inherit' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
    });
  return withTimeLimit(`${command} ${args.join(' ')}`, limitMs, run, async () => child?.kill('SIGTERM'));
}

export async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * Two paths measured against each other: warm both up (WASM tiers up while it runs), then
 * alternate, swapping the order every round so drift and a thread pool still spinning down from
 * the other path hit both alike.
 */
export async function alternate(a: () => Promise<Run>, b: () => Promise<Run>, warmups: number, repeats: number) {
  for (let i = 0; i < warmups; i++) {
    await a();
    await b();
  }
  const aRuns: Run[] = [];
  const bRuns: Run[] = [];
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      aRuns.push(await a());
      bRuns.push(await b());
    } else {
      bRuns.push(await b());
      aRuns.push(await a());
    }
  }
  return { a: { runs: aRuns, median: summarize(aRuns) }, b: { runs: bRuns, median: summarize(bRuns) } };
}
