// The bench cleans up after itself: a run whose sections throw, whose page responses are cut off
// by a closing browser, and which then meets a rejection nothing catches still writes every
// failure to its result files and stops its servers, so the next run can bind their ports.
// Real processes throughout: the run in a child process, servers in their own process groups,
// Chromium from Playwright.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertPortFree, PortTakenError } from '../../scripts/bench/bench-run';

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether the port can be bound, asked until it can or `tries` run out: a stopped server takes a moment to let go. */
async function becomesFree(port: number, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    try {
      await assertPortFree(port);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

describe('a bench run that fails', () => {
  it('records each failure in its JSON and Markdown and frees its servers’ ports', { timeout: 120_000 }, async () => {
    const base = join(mkdtempSync(join(os.tmpdir(), 'bench-run-')), 'result');
    const ports = [await freePort(), await freePort()];
    const child = spawn('npx', ['tsx', 'test/fixtures/failing-bench-run.ts', base, ...ports.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, output).toBe(1);
    for (const port of ports) expect(await becomesFree(port), `port ${port} still taken\n${output}`).toBe(true);
    const result = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { errors: Record<string, string> };
    expect(Object.keys(result.errors)).toEqual(['a section that throws', 'initial JavaScript', 'a response handler with no catch']);
    expect(result.errors['a section that throws']).toContain('this section broke');
    expect(result.errors['a response handler with no catch']).toMatch(/^unhandledRejection: .*closed/);
    const markdown = readFileSync(`${base}.md`, 'utf8');
    for (const name of Object.keys(result.errors)) expect(markdown).toContain(`section failed: ${name}`);
  });

  it('refuses a port another server holds, by name', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, () => resolve((holder.address() as { port: number }).port)));
    try {
      await expect(assertPortFree(port)).rejects.toThrow(PortTakenError);
    } finally {
      holder.close();
    }
  });
});
