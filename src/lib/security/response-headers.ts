// The security headers each of the app's own responses carries, from the preview and dev servers and
// from the service worker alike. A <meta> policy covers the page only: a worker gets its policy from
// its own script's response, and `frame-ancestors` is ignored in <meta>, so both must be headers.

/** What makes `crossOriginIsolated` true (SharedArrayBuffer, WASM threads) on any host. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** What a response is for, from its request's destination (`Sec-Fetch-Dest`, `Request.destination`) and path. */
export type ResponseRole = 'document' | 'sandbox-worker' | 'model-worker' | 'other';

/** The scorecard's code sandbox: the only worker that runs code a model wrote. */
const SANDBOX_WORKER = /(?:^|\/)code-sandbox\.worker(?:-[\w-]+)?\.(?:js|ts)$/;

export function responseRole(destination: string, pathname: string): ResponseRole {
  if (destination === 'document' || destination === 'iframe' || destination === 'frame') return 'document';
  if (destination === 'worker' || destination === 'sharedworker') return SANDBOX_WORKER.test(pathname) ? 'sandbox-worker' : 'model-worker';
  return 'other';
}

/**
 * - document: only pages of this origin may frame the app (clickjacking); the rest of its policy is
 *   the <meta> tag in index.html.
 * - sandbox worker: nothing at all may be fetched, imported or opened; its own module and the
 *   compiling of the answer's code ('unsafe-eval') are all it needs.
 * - model workers (inference, probe, onnxruntime's thread workers): their modules and wasm from
 *   this origin, and the network only towards this origin and the hubs the build allows.
 */
export function securityPolicyFor(role: ResponseRole, connectSources: readonly string[]): string | null {
  switch (role) {
    case 'document':
      return "frame-ancestors 'self'";
    case 'sandbox-worker':
      return "default-src 'none'; script-src 'self' 'unsafe-eval'";
    case 'model-worker':
      return [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval' blob:",
        "worker-src 'self' blob:",
        `connect-src ${connectSources.join(' ')}`,
      ].join('; ');
    default:
      return null;
  }
}

export function securityHeaders(role: ResponseRole, connectSources: readonly string[]): Record<string, string> {
  const policy = securityPolicyFor(role, connectSources);
  return { ...ISOLATION_HEADERS, ...(policy ? { 'Content-Security-Policy': policy } : {}) };
}
