// The Content-Security-Policy of the built app and the rules for which model hubs it lets the page reach.
// Shared by the build (which writes the policy into index.html) and the app (which can warn about a hub).

/** Hubs the built app may download from unless the build names others. */
export const DEFAULT_HUB_SOURCES: readonly string[] = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  // The hub redirects LFS and Xet downloads to CDN hosts under hf.co.
  'https://*.hf.co',
  // WebLLM's compiled model libraries for the public hub are published on GitHub.
  'https://raw.githubusercontent.com',
  // Local mirrors (scripts/mirror.ts, the e2e fixtures) on any port.
  'http://localhost:*',
  'http://127.0.0.1:*',
];

export class HubSourceError extends Error {
  override name = 'HubSourceError';
}

// scheme://host[:port], where host may start with "*." and port may be "*". No path: a hub is an origin here.
const HUB_SOURCE = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}|\*))?\/?$/i;

/**
 * Reads the extra hub origins a build names (space- or comma-separated, e.g. from PLAYGROUND_HUBS).
 * Anything that is not a plain origin fails the build rather than ending up inside the policy.
 */
export function parseHubSources(list: string | undefined): string[] {
  const entries = (list ?? '').split(/[\s,]+/).filter(Boolean);
  return entries.map((entry) => {
    if (!HUB_SOURCE.test(entry)) {
      throw new HubSourceError(
        `"${entry}" is not a hub origin. Use scheme://host[:port], e.g. https://models.example.com or http://10.0.0.5:*.`,
      );
    }
    return entry.replace(/\/$/, '').toLowerCase();
  });
}

/** The connect-src list: the app itself, the default hubs and the build's extra hubs, without repeats. */
export function connectSources(extraHubs: readonly string[] = []): string[] {
  return [...new Set(["'self'", ...DEFAULT_HUB_SOURCES, ...extraHubs])];
}

export function buildContentSecurityPolicy(connect: readonly string[]): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // onnxruntime-web compiles its .wasm at runtime; no eval of JavaScript is needed.
    ['script-src', "'self'", "'wasm-unsafe-eval'"],
    // The inference worker is a same-origin file. ORT's thread workers are blob: URLs, but they are
    // started inside that worker, which this document policy does not govern.
    ['worker-src', "'self'"],
    // Svelte writes style attributes (style:, transitions).
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['connect-src', ...connect],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'none'"],
  ];
  return directives.map((parts) => parts.join(' ')).join('; ');
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '';
}

/** CSP host-source matching (scheme, wildcard host, port) for one URL against one source expression. */
function matchesSource(url: URL, source: string, selfOrigin?: string): boolean {
  if (source === "'self'") return Boolean(selfOrigin) && url.origin === new URL(selfOrigin!).origin;
  if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return schemeMatches(source.toLowerCase(), url.protocol);
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[^:/]+)(?::(\d+|\*))?\/?$/i.exec(source);
  if (!match) return false;
  const [, scheme, host, port] = match;
  if (scheme && !schemeMatches(`${scheme.toLowerCase()}:`, url.protocol)) return false;
  if (!hostMatches(host.toLowerCase(), url.hostname)) return false;
  return portMatches(port, url, scheme ? `${scheme.toLowerCase()}:` : url.protocol);
}

// A policy that allows http also allows the https upgrade of the same URL (CSP3 "scheme-part match").
function schemeMatches(sourceScheme: string, urlScheme: string): boolean {
  return sourceScheme === urlScheme || (sourceScheme === 'http:' && urlScheme === 'https:');
}

// "*.example.com" covers every subdomain at any depth but not example.com itself.
function hostMatches(sourceHost: string, urlHost: string): boolean {
  if (sourceHost === '*') return true;
  if (sourceHost.startsWith('*.')) return urlHost.endsWith(sourceHost.slice(1));
  return sourceHost === urlHost;
}

function portMatches(sourcePort: string | undefined, url: URL, sourceScheme: string): boolean {
  if (sourcePort === '*') return true;
  const urlPort = url.port || defaultPort(url.protocol);
  const wanted = sourcePort ?? defaultPort(sourceScheme);
  // An http source on its default port also allows https on 443.
  return urlPort === wanted || (wanted === '80' && url.protocol === 'https:' && urlPort === '443');
}

/**
 * Whether the built app's policy lets the page fetch from this hub. Only the hub's origin counts:
 * the policy's hub sources carry no paths. `selfOrigin` is what "'self'" stands for (the app's origin).
 */
export function isHubAllowedByPolicy(hubUrl: string, allowedSources: readonly string[], selfOrigin?: string): boolean {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    return false;
  }
  return allowedSources.some((source) => matchesSource(url, source, selfOrigin));
}
