// A static host that sends files and nothing else — no COOP/COEP, no CSP header — like an object
// store or GitHub Pages. It serves a private copy of the build, so a test can deploy a change to it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

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
  close(): Promise<void>;
}

export async function startStaticHost(buildDir = 'dist'): Promise<StaticHost> {
  const root = await mkdtemp(join(tmpdir(), 'playground-static-host-'));
  await cp(buildDir, root, { recursive: true });
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname));
    const file = join(root, path === '/' ? 'index.html' : path);
    try {
      if (!file.startsWith(root)) throw new Error('outside the build');
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
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
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(root, { recursive: true, force: true });
    },
  };
}
