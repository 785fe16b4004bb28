// A static host that sends files and nothing else — no COOP/COEP, no CSP header — like an object
// store or GitHub Pages (it answers Range requests, as they do). It serves a private copy of the
// build, so a test can deploy a change to it. With `headersFile`, it sends the headers the build's
// dist/_headers names, as Netlify and Cloudflare Pages read that file.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticHost {
  url: string;
  /** Rewrites one file of the served build, e.g. to publish a new service worker. */
  deploy(path: string, change: (text: string) => string): Promise<void>;
  /** Puts a file beside the build (a model file on the app's own origin). */
  add(path: string, body: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface StaticHostOptions {
  buildDir?: string;
  /** Send the headers of the build's `_headers` file. */
  headersFile?: boolean;
}

interface HeaderRule {
  path: string;
  headers: [string, string][];
}

/** The `_headers` format: a path line, then indented `Name: value` lines; `*` at the end of a path matches anything. */
function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line.trim(), headers: [] });
      continue;
    }
    const colon = line.indexOf(':');
    rules.at(-1)!.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

function headersFor(rules: HeaderRule[], path: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const rule of rules) {
    const matches = rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
    if (!matches) continue;
    // Netlify and Cloudflare join a header that two matching rules set.
    for (const [name, value] of rule.headers) headers[name] = headers[name] ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

export async function startStaticHost({ buildDir = 'dist', headersFile = false }: StaticHostOptions = {}): Promise<StaticHost> {
  const root = await mkdtemp(join(tmpdir(), 'playground-static-host-'));
  await cp(buildDir, root, { recursive: true });
  const rules = headersFile ? parseHeadersFile(await readFile(join(root, '_headers'), 'utf8')) : [];
  const server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://host').pathname;
    const path = normalize(decodeURIComponent(pathname));
    const file = join(root, path === '/' ? 'index.html' : path);
    try {
      if (!file.startsWith(root)) throw new Error('outside the build');
      const body = await readFile(file);
      const headers = { ...headersFor(rules, pathname), 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes' };
      const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
        response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}` });
        response.end(body.subarray(start, end + 1));
        return;
      }
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async deploy(path, change) {
      const file = join(root, path);
      await writeFile(file, change(await readFile(file, 'utf8')));
    },
    async add(path, body) {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(root, { recursive: true, force: true });
    },
  };
}
