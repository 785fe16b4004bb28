// The headers a static host must send for the built app, as path rules, and the same rules written
// out for common hosts. The build emits the `_headers` form into dist/ (scripts/vite-host-headers-plugin.ts),
// the README quotes every form, and a unit test holds the README to this module.
//
// A static host matches paths, not Sec-Fetch-Dest, so the build puts each worker entry in a folder
// named for the policy its response needs (workerEntryFileName). No two rules set the same header
// on the same path: hosts disagree on whether such headers are merged, appended or replaced.
// With its extension: vite.config.ts imports this module, and Node's own loader needs it.
import { ISOLATION_HEADERS, responseRole, securityPolicyFor } from './response-headers.ts';

/** Where the build puts the inference and probe workers, and the code sandbox's worker. */
export const MODEL_WORKERS_DIR = 'assets/model-workers';
export const SANDBOX_WORKER_DIR = 'assets/sandbox-worker';

/** Rolldown's entryFileNames for a worker entry named `name` (e.g. "code-sandbox.worker"). */
export function workerEntryFileName(name: string): string {
  const folder = responseRole('worker', `/${name}.js`) === 'sandbox-worker' ? SANDBOX_WORKER_DIR : MODEL_WORKERS_DIR;
  return `${folder}/[name]-[hash].js`;
}

export interface HostHeaderRule {
  /** An exact path ("/index.html"), or a folder followed by "*" for everything under it ("/assets/*"). */
  path: string;
  headers: Readonly<Record<string, string>>;
}

/** The same headers the service worker and the preview server send, by path. */
export function hostHeaderRules(connectSources: readonly string[]): HostHeaderRule[] {
  const policy = (role: 'document' | 'model-worker' | 'sandbox-worker') => ({
    'Content-Security-Policy': securityPolicyFor(role, connectSources)!,
  });
  return [
    { path: '/*', headers: ISOLATION_HEADERS },
    // The page itself: "/" and the file a host serves for it.
    { path: '/', headers: policy('document') },
    { path: '/index.html', headers: policy('document') },
    { path: `/${MODEL_WORKERS_DIR}/*`, headers: policy('model-worker') },
    { path: `/${SANDBOX_WORKER_DIR}/*`, headers: policy('sandbox-worker') },
  ];
}

function isFolder(rule: HostHeaderRule): boolean {
  return rule.path.endsWith('/*');
}

/** Whether `rule` covers `path` (a request path, or another rule's folder). */
export function ruleMatches(rule: HostHeaderRule, path: string): boolean {
  return isFolder(rule) ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
}

/** Every header one request path gets: what a host must send for it. */
export function headersForPath(rules: readonly HostHeaderRule[], path: string): Record<string, string> {
  return Object.assign({}, ...rules.filter((rule) => ruleMatches(rule, path)).map((rule) => rule.headers)) as Record<string, string>;
}

const GENERATED = 'Security headers of On-Device Playground, generated from src/lib/security/host-headers.ts.';

/** Netlify and Cloudflare Pages: a `_headers` file in the published folder. */
export function headersFile(rules: readonly HostHeaderRule[]): string {
  const blocks = rules.map((rule) => [rule.path, ...Object.entries(rule.headers).map(([name, value]) => `  ${name}: ${value}`)].join('\n'));
  return `# ${GENERATED}\n${blocks.join('\n')}\n`;
}

/** JSON with one header per line: the shape Vercel and Firebase share, `sourceOf` their path syntax. */
function jsonRules(rules: readonly HostHeaderRule[], sourceOf: (rule: HostHeaderRule) => string, indent: string): string {
  const entries = rules.map((rule) => {
    const headers = Object.entries(rule.headers).map(([key, value]) => `${indent}      { "key": ${JSON.stringify(key)}, "value": ${JSON.stringify(value)} }`);
    return [`${indent}  {`, `${indent}    "source": ${JSON.stringify(sourceOf(rule))},`, `${indent}    "headers": [`, headers.join(',\n'), `${indent}    ]`, `${indent}  }`].join('\n');
  });
  return `[\n${entries.join(',\n')}\n${indent}]`;
}

/** Vercel: `vercel.json` (path-to-regexp sources). */
export function vercelConfig(rules: readonly HostHeaderRule[]): string {
  const source = (rule: HostHeaderRule) => (isFolder(rule) ? `${rule.path.slice(0, -1)}(.*)` : rule.path);
  return `{\n  "headers": ${jsonRules(rules, source, '  ')}\n}\n`;
}

/** Firebase Hosting: `firebase.json` (glob sources), publishing dist/. */
export function firebaseConfig(rules: readonly HostHeaderRule[]): string {
  const source = (rule: HostHeaderRule) => (rule.path === '/*' ? '**' : isFolder(rule) ? `${rule.path.slice(0, -1)}**` : rule.path);
  return `{\n  "hosting": {\n    "public": "dist",\n    "headers": ${jsonRules(rules, source, '    ')}\n  }\n}\n`;
}

/**
 * nginx, inside the `server { }` that serves dist/. A location's add_header replaces every one it
 * would inherit, so each location lists all the headers its paths get.
 */
export function nginxConfig(rules: readonly HostHeaderRule[]): string {
  const locations = rules.map((rule) => {
    const match = rule.path === '/*' ? '/' : isFolder(rule) ? `^~ ${rule.path.slice(0, -1)}` : `= ${rule.path}`;
    // This rule's headers and those of every folder rule around it ("/*" around them all).
    const around = rules.filter((other) => other !== rule && isFolder(other) && ruleMatches(other, isFolder(rule) ? rule.path.slice(0, -1) : rule.path));
    const headers = Object.entries(Object.assign({}, ...around.map((other) => other.headers), rule.headers) as Record<string, string>);
    const lines = headers.map(([name, value]) => `    add_header ${name} "${value}" always;`);
    return [`location ${match} {`, ...lines, '}'].join('\n');
  });
  return `# ${GENERATED}\n${locations.join('\n')}\n`;
}

/** Apache 2.4 with mod_headers: the server config's <Directory> for dist/, or dist/.htaccess. */
export function apacheConfig(rules: readonly HostHeaderRule[]): string {
  const set = (headers: Readonly<Record<string, string>>, indent: string) =>
    Object.entries(headers).map(([name, value]) => `${indent}Header always set ${name} "${value}"`);
  const blocks = rules.map((rule) => {
    if (rule.path === '/*') return set(rule.headers, '').join('\n');
    const test = isFolder(rule) ? `%{REQUEST_URI} =~ m#^${rule.path.slice(0, -1)}#` : `%{REQUEST_URI} == '${rule.path}'`;
    return [`<If "${test}">`, ...set(rule.headers, '  '), '</If>'].join('\n');
  });
  return `# ${GENERATED}\n${blocks.join('\n')}\n`;
}
