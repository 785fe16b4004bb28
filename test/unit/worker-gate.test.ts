// Which workers may start under which protection, decided once per page load.
import { describe, expect, it } from 'vitest';
import { boundsConnections, degradedProtection, WorkerBlockedError, WorkerGate, workerRefusal } from '../../src/lib/security/worker-gate';
import { buildContentSecurityPolicy, connectSources } from '../../src/lib/security/content-security-policy';

describe('workerRefusal', () => {
  it('starts nothing before the protection is known', () => {
    for (const kind of ['model', 'probe', 'sandbox'] as const) expect(workerRefusal(null, kind)).toMatch(/not in place yet/);
  });
  it('starts every worker under the full headers', () => {
    for (const kind of ['model', 'probe', 'sandbox'] as const) expect(workerRefusal({ level: 'full' }, kind)).toBeNull();
  });
  it("with the page's policy only, runs this build's own workers but never code a model wrote", () => {
    const protection = { level: 'page-only', reason: 'no service worker' } as const;
    expect(workerRefusal(protection, 'model')).toBeNull();
    expect(workerRefusal(protection, 'probe')).toBeNull();
    expect(workerRefusal(protection, 'sandbox')).toBe(
      "the code sandbox needs its own security policy, which this host doesn't send and no service worker could add (no service worker), so the answer's code was not run",
    );
  });
  it('without any policy, starts none', () => {
    for (const kind of ['model', 'probe', 'sandbox'] as const) expect(workerRefusal({ level: 'none', reason: 'no service worker' }, kind)).toMatch(/^No worker starts here: no service worker/);
  });
});

describe('degradedProtection', () => {
  it("keeps the workers only where the page's own policy bounds its connections", () => {
    const built = buildContentSecurityPolicy(connectSources());
    expect(degradedProtection('why', built)).toEqual({ level: 'page-only', reason: 'why' });
    expect(degradedProtection('why', null)).toEqual({ level: 'none', reason: 'why' });
    expect(degradedProtection('why', "script-src 'self'")).toEqual({ level: 'none', reason: 'why' });
  });
  it('reads connect-src, or default-src in its place, and counts * and bare schemes as no bound', () => {
    expect(boundsConnections("default-src 'self'")).toBe(true);
    expect(boundsConnections("default-src *; connect-src 'self' https://huggingface.co")).toBe(true);
    expect(boundsConnections("default-src 'self'; connect-src *")).toBe(false);
    expect(boundsConnections("connect-src 'self' https:")).toBe(false);
    expect(boundsConnections('')).toBe(false);
  });
});

describe('WorkerGate', () => {
  it('throws a named error for a worker it does not allow, and is decided once', () => {
    const gate = new WorkerGate();
    expect(() => gate.assertAllowed('model')).toThrow(WorkerBlockedError);
    gate.open({ level: 'page-only', reason: 'no service worker' });
    expect(() => gate.assertAllowed('model')).not.toThrow();
    expect(() => gate.assertAllowed('sandbox')).toThrow(expect.objectContaining({ name: 'WorkerBlockedError' }));
    expect(() => gate.open({ level: 'full' })).toThrow(/once/);
    expect(gate.protection).toEqual({ level: 'page-only', reason: 'no service worker' });
  });
});
