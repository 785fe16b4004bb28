// The built app's Content-Security-Policy: hub sources from the build, the policy text, and the
// CSP matching rules the settings UI uses to tell whether a hub is reachable.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HUB_SOURCES,
  HubSourceError,
  buildContentSecurityPolicy,
  connectSources,
  isHubAllowedByPolicy,
  parseHubSources,
} from '../../src/lib/security/content-security-policy';
import { ALLOWED_CONNECT_SOURCES, hubPolicyProblem } from '../../src/lib/security/allowed-hubs';

const allowed = connectSources();
const APP = 'https://playground.example';

describe('isHubAllowedByPolicy', () => {
  it('allows the default hub and its CDN hosts', () => {
    expect(isHubAllowedByPolicy('https://huggingface.co', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('https://cdn-lfs.huggingface.co/repos/x', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('https://cas-bridge.xethub.hf.co/xet-bridge-us/abc', allowed)).toBe(true);
  });

  it('matches a wildcard host only on subdomains, not the bare domain', () => {
    expect(isHubAllowedByPolicy('https://cdn.hf.co', ['https://*.hf.co'])).toBe(true);
    expect(isHubAllowedByPolicy('https://a.b.hf.co', ['https://*.hf.co'])).toBe(true);
    expect(isHubAllowedByPolicy('https://hf.co', ['https://*.hf.co'])).toBe(false);
    expect(isHubAllowedByPolicy('https://evilhf.co', ['https://*.hf.co'])).toBe(false);
    expect(isHubAllowedByPolicy('https://hf.co.evil.example', ['https://*.hf.co'])).toBe(false);
  });

  it('matches any port with :* and only the default port without a port', () => {
    expect(isHubAllowedByPolicy('http://127.0.0.1:5181', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('http://localhost:8080/hf', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('http://localhost', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('https://huggingface.co:8443', allowed)).toBe(false);
    expect(isHubAllowedByPolicy('https://huggingface.co:443', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('http://10.0.0.5:8080', ['http://10.0.0.5:8080'])).toBe(true);
    expect(isHubAllowedByPolicy('http://10.0.0.5:8081', ['http://10.0.0.5:8080'])).toBe(false);
  });

  it('lets an http source cover https but not the other way round', () => {
    expect(isHubAllowedByPolicy('https://localhost:5181', allowed)).toBe(true);
    expect(isHubAllowedByPolicy('https://mirror.example', ['http://mirror.example'])).toBe(true);
    expect(isHubAllowedByPolicy('http://huggingface.co', allowed)).toBe(false);
  });

  it('refuses hubs outside the policy and non-URLs', () => {
    expect(isHubAllowedByPolicy('https://models.corp.example', allowed)).toBe(false);
    expect(isHubAllowedByPolicy('http://192.168.1.10:8080', allowed)).toBe(false);
    expect(isHubAllowedByPolicy('not a url', allowed)).toBe(false);
  });

  it("treats 'self' as the app's own origin, when it is given", () => {
    expect(isHubAllowedByPolicy(`${APP}/models`, allowed, APP)).toBe(true);
    expect(isHubAllowedByPolicy(`${APP}/models`, allowed)).toBe(false);
  });

  it('understands scheme-only sources', () => {
    expect(isHubAllowedByPolicy('https://anything.example', ['https:'])).toBe(true);
    expect(isHubAllowedByPolicy('http://anything.example', ['https:'])).toBe(false);
  });
});

describe('parseHubSources', () => {
  it('splits on spaces and commas and normalizes case and a trailing slash', () => {
    expect(parseHubSources(' https://Models.Corp.example/, http://10.0.0.5:*  https://*.cdn.example ')).toEqual([
      'https://models.corp.example',
      'http://10.0.0.5:*',
      'https://*.cdn.example',
    ]);
    expect(parseHubSources(undefined)).toEqual([]);
  });

  it.each(['models.example', 'ftp://x.example', 'https://x.example/hf', "https://x.example; script-src 'unsafe-eval'", 'https://*'])(
    'rejects %j',
    (entry) => {
      expect(() => parseHubSources(entry)).toThrow(HubSourceError);
    },
  );

  it('lets an on-prem mirror into the allowed list', () => {
    const sources = connectSources(parseHubSources('https://models.corp.example'));
    expect(isHubAllowedByPolicy('https://models.corp.example/hf', sources)).toBe(true);
    expect(sources.slice(0, DEFAULT_HUB_SOURCES.length + 1)).toEqual(["'self'", ...DEFAULT_HUB_SOURCES]);
  });
});

describe('buildContentSecurityPolicy', () => {
  const policy = buildContentSecurityPolicy(connectSources(['https://models.corp.example']));

  it('allows wasm compilation but not eval', () => {
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(policy).not.toContain("'unsafe-eval'");
  });

  it('names every hub in connect-src and locks down the rest', () => {
    expect(policy).toContain(
      "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co https://raw.githubusercontent.com http://localhost:* http://127.0.0.1:* https://models.corp.example;",
    );
    expect(policy).toMatch(/^default-src 'self';/);
    for (const directive of ["object-src 'none'", "base-uri 'self'", "form-action 'none'", "img-src 'self' data:"]) {
      expect(policy).toContain(directive);
    }
    // frame-ancestors is ignored in a <meta> policy; it must come from a header if ever needed.
    expect(policy).not.toContain('frame-ancestors');
  });
});

describe('ALLOWED_CONNECT_SOURCES', () => {
  it('is the connect-src list the build puts into the policy, for the app to check hubs against', () => {
    expect(ALLOWED_CONNECT_SOURCES).toEqual(connectSources(parseHubSources(process.env.PLAYGROUND_HUBS)));
    expect(isHubAllowedByPolicy('http://127.0.0.1:5181', ALLOWED_CONNECT_SOURCES)).toBe(true);
  });
});

describe('hubPolicyProblem', () => {
  const allowed = ["'self'", 'https://huggingface.co', 'http://127.0.0.1:*'];
  it('is null for hubs the policy allows, and when the build has no policy', () => {
    expect(hubPolicyProblem('https://huggingface.co', allowed, 'http://localhost:4173')).toBeNull();
    expect(hubPolicyProblem('http://127.0.0.1:5181', allowed, 'http://localhost:4173')).toBeNull();
    expect(hubPolicyProblem('https://models.corp.example', [], 'http://localhost:4173')).toBeNull();
  });
  it('says which hubs are allowed and how to add one', () => {
    const problem = hubPolicyProblem('https://models.corp.example/hf', allowed, 'http://localhost:4173');
    expect(problem).toContain('only lets the app connect to https://huggingface.co, http://127.0.0.1:*');
    expect(problem).toContain('PLAYGROUND_HUBS="https://models.corp.example"');
  });
});
