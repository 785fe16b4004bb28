// Each of the app's own responses gets the policy its role needs, the same from servers and service worker.
import { describe, expect, it } from 'vitest';
import { responseRole, securityHeaders, securityPolicyFor } from '../../src/lib/security/response-headers';
import { withHeaders } from '../../src/pwa/isolation-headers';

const CONNECT = ["'self'", 'https://huggingface.co', 'http://127.0.0.1:*'];

describe('responseRole', () => {
  it('tells the sandbox worker from the model workers, in the build and in dev', () => {
    expect(responseRole('worker', '/assets/code-sandbox.worker-BjfNfSwo.js')).toBe('sandbox-worker');
    expect(responseRole('worker', '/workers/code-sandbox.worker.ts')).toBe('sandbox-worker');
    expect(responseRole('worker', '/assets/inference.worker-ChB-pXFw.js')).toBe('model-worker');
    expect(responseRole('worker', '/assets/ort-wasm-simd-threaded.jsep.mjs')).toBe('model-worker');
    // The sandbox file fetched as a script (not as a worker) is just a file.
    expect(responseRole('script', '/assets/code-sandbox.worker-BjfNfSwo.js')).toBe('other');
    expect(responseRole('document', '/')).toBe('document');
    expect(responseRole('iframe', '/')).toBe('document');
    expect(responseRole('', '/assets/index.js')).toBe('other');
  });
});

describe('securityPolicyFor', () => {
  it('gives the sandbox no network, no imports from elsewhere, and only what compiling the answer needs', () => {
    expect(securityPolicyFor('sandbox-worker', CONNECT)).toBe("default-src 'none'; script-src 'self' 'unsafe-eval'");
  });
  it('limits the model workers to this origin and the allowed hubs', () => {
    const policy = securityPolicyFor('model-worker', CONNECT)!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self' https://huggingface.co http://127.0.0.1:*");
    expect(policy).not.toContain('unsafe-eval;');
  });
  it("lets only this origin frame the page, and leaves other files to the isolation headers", () => {
    expect(securityPolicyFor('document', CONNECT)).toBe("frame-ancestors 'self'");
    expect(securityHeaders('other', CONNECT)).not.toHaveProperty('Content-Security-Policy');
    expect(securityHeaders('other', CONNECT)['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });
  it('is set on a response the service worker passes on, replacing any the host sent', async () => {
    const from = new Response('x', { headers: { 'Content-Security-Policy': 'default-src *' } });
    const sent = withHeaders(from, securityHeaders('sandbox-worker', CONNECT));
    expect(sent.headers.get('Content-Security-Policy')).toBe("default-src 'none'; script-src 'self' 'unsafe-eval'");
    expect(sent.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(await sent.text()).toBe('x');
  });
});
