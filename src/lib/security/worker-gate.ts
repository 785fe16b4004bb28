// Whether the app's workers may start, decided once per page load by main.ts before the app's code
// is even loaded. A worker's Content-Security-Policy comes only from its own script's response
// (it doesn't inherit the page's <meta> policy), so a worker started on a host that sends no
// headers, before the service worker adds them, runs without any policy. Every place that
// constructs a Worker asks this gate first.

export type WorkerKind = 'model' | 'probe' | 'sandbox';

/**
 * - full: cross-origin isolated, and every worker script comes with its own policy (from the host
 *   or the service worker).
 * - page-only: no service worker could put the headers in place; the page's <meta> policy still
 *   bounds where the page connects, but the workers have no policy of their own.
 * - none: not even the page's policy bounds its connections.
 */
export type PageProtection = { level: 'full' } | { level: 'page-only'; reason: string } | { level: 'none'; reason: string };

export class WorkerBlockedError extends Error {
  override name = 'WorkerBlockedError';
}

/** Why `kind` may not start under `protection`, or null when it may. */
export function workerRefusal(protection: PageProtection | null, kind: WorkerKind): string | null {
  if (!protection) return "The page's security policies are not in place yet, so no worker starts.";
  switch (protection.level) {
    case 'full':
      return null;
    case 'page-only':
      // The model and probe workers run only this build's code, and the app refuses any hub outside
      // the policy before a download starts, so their missing connect-src is a second fence lost,
      // not the only one. The sandbox runs code a model wrote: its `default-src 'none'` header is
      // the fence that holds whatever the sandbox's own lockdown of its globals misses, so without
      // the header it does not run at all.
      return kind === 'sandbox'
        ? `the code sandbox needs its own security policy, which this host doesn't send and no service worker could add (${protection.reason}), so the answer's code was not run`
        : null;
    case 'none':
      return `No worker starts here: ${protection.reason}, and the page has no policy that limits where it connects.`;
  }
}

/**
 * What is left when the headers can't be put in place: the workers may run only if the page's
 * own policy (the built index.html's <meta> tag) still limits where it connects.
 */
export function degradedProtection(reason: string, pagePolicy: string | null): PageProtection {
  return boundsConnections(pagePolicy) ? { level: 'page-only', reason } : { level: 'none', reason };
}

/** Whether a Content-Security-Policy limits connections (connect-src, or default-src in its place) to a list of hosts. */
export function boundsConnections(policy: string | null): boolean {
  if (!policy) return false;
  const directives = new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name.toLowerCase(), sources] as const),
  );
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  // A bare scheme or * lets the page reach any host.
  return sources !== undefined && !sources.some((source) => source === '*' || /^[a-z][a-z0-9+.-]*:$/i.test(source));
}

export class WorkerGate {
  #protection: PageProtection | null = null;

  get protection(): PageProtection | null {
    return this.#protection;
  }

  /** Called once, by main.ts, when the page's protection is known. */
  open(protection: PageProtection): void {
    if (this.#protection) throw new Error('The worker gate is decided once per page load.');
    this.#protection = protection;
  }

  /**
   * Throws WorkerBlockedError unless `kind` may start now. Synchronous on purpose: the app's code
   * is imported only after open(), so a starter never has to wait; if one ever runs earlier, it fails
   * loudly instead of starting a worker without its policy.
   */
  assertAllowed(kind: WorkerKind): void {
    const refusal = workerRefusal(this.#protection, kind);
    if (refusal) throw new WorkerBlockedError(refusal);
  }
}

/** The page's one gate: main.ts opens it, every Worker constructor call site asks it. */
export const workerGate = new WorkerGate();
