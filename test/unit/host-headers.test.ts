// The headers a static host must send: the same, path by path, as the service worker and the
// preview server send by request, and quoted in the README exactly as this module writes them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apacheConfig,
  firebaseConfig,
  headersFile,
  headersForPath,
  hostHeaderRules,
  nginxConfig,
  vercelConfig,
  workerEntryFileName,
} from '../../src/lib/security/host-headers';
import { connectSources } from '../../src/lib/security/content-security-policy';
import { ISOLATION_HEADERS, responseRole, securityHeaders } from '../../src/lib/security/response-headers';

const CONNECT = connectSources(['https://models.corp.example']);

describe('hostHeaderRules', () => {
  const rules = hostHeaderRules(CONNECT);
  it('gives each path what the service worker gives the response of that role', () => {
    expect(headersForPath(rules, '/')).toEqual(securityHeaders('document', CONNECT));
    expect(headersForPath(rules, '/index.html')).toEqual(securityHeaders('document', CONNECT));
    expect(headersForPath(rules, '/assets/model-workers/inference.worker-Dg-XZye_.js')).toEqual(securityHeaders('model-worker', CONNECT));
    expect(headersForPath(rules, '/assets/model-workers/probe.worker-CrI3FUYg.js')).toEqual(securityHeaders('model-worker', CONNECT));
    expect(headersForPath(rules, '/assets/sandbox-worker/code-sandbox.worker-D-XqhVoT.js')).toEqual(securityHeaders('sandbox-worker', CONNECT));
    expect(headersForPath(rules, '/assets/index-Dq-EOi1O.js')).toEqual(ISOLATION_HEADERS);
    expect(headersForPath(rules, '/assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm')).toEqual(ISOLATION_HEADERS);
  });
  it('sets no header twice on one path, so hosts that merge, append or replace agree', () => {
    for (const path of ['/', '/index.html', '/assets/model-workers/x.js', '/assets/sandbox-worker/x.js', '/assets/x.js']) {
      const names = rules.filter((rule) => (rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path)).flatMap((rule) => Object.keys(rule.headers));
      expect(new Set(names).size, path).toBe(names.length);
    }
  });
  it('puts each worker where its rule is, by the role the service worker would give it', () => {
    for (const name of ['inference.worker', 'probe.worker', 'code-sandbox.worker']) {
      const file = workerEntryFileName(name).replace('[name]-[hash]', `${name}-AbC_1-2`);
      expect(headersForPath(rules, `/${file}`)).toEqual(securityHeaders(responseRole('worker', `/${file}`), CONNECT));
    }
    expect(workerEntryFileName('code-sandbox.worker')).toBe('assets/sandbox-worker/[name]-[hash].js');
  });
  it('writes the build-specific hubs into the model workers’ connect-src', () => {
    expect(headersFile(rules)).toContain("connect-src 'self' https://huggingface.co");
    expect(headersFile(rules)).toContain('https://models.corp.example');
  });
});

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');
  const rules = hostHeaderRules(connectSources());
  it.each([
    ['_headers', '', headersFile],
    ['vercel.json', 'json', vercelConfig],
    ['firebase.json', 'json', firebaseConfig],
    ['nginx', 'nginx', nginxConfig],
    ['Apache', 'apache', apacheConfig],
  ] as const)('quotes the %s rules exactly as the module writes them', (_host, lang, write) => {
    expect(readme).toContain(`\`\`\`${lang}\n${write(rules)}\`\`\``);
  });
  it('parses as JSON where it says JSON', () => {
    expect(JSON.parse(vercelConfig(rules)).headers).toHaveLength(rules.length);
    expect(JSON.parse(firebaseConfig(rules)).hosting.headers).toHaveLength(rules.length);
  });
});
