// A hub-compatible model mirror over plain files (root/<org>/<name>/<file>), for air-gapped teams and the tests.

import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { isValidRepoId, parseHubPath, type HubTreeEntry, type ParsedHubPath } from '../src/lib/models/hub-urls';

export interface MirrorRequestRecord {
  method: string;
  path: string;
  /** 0 until the response head is written. */
  status: number;
  range?: string;
  /** Body bytes sent so far (0 for HEAD). */
  bytes: number;
}

/** What a fault hook sees about a file request. */
export interface MirrorFileContext {
  req: IncomingMessage;
  res: ServerResponse;
  record: MirrorRequestRecord;
  repoId: string;
  filePath: string;
  /** Absolute path on disk. */
  absPath: string;
  size: number;
  /** Byte range being sent (inclusive), or null for a full response. */
  range: { start: number; end: number } | null;
}

/**
 * Seam for fault injection (drop after N bytes, 500 once, throttle, corrupt). No faults ship here;
 * tests of retry/resume plug their own in.
 */
export interface MirrorFaultHooks {
  /**
   * Runs before a file response is written; return true when the hook answered the request itself
   * (its status reaches the request record when the response closes).
   */
  beforeFile?(ctx: MirrorFileContext): boolean | Promise<boolean>;
  /** Wraps the body stream of a GET file response. */
  wrapBody?(body: Readable, ctx: MirrorFileContext): Readable;
}

export interface MirrorServerOptions {
  root: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Serve the hub's /api/models/.../tree endpoint; false behaves like a plain static file server. */
  treeEndpoint?: boolean;
  /** One line per finished request on stdout. */
  log?: boolean;
  faults?: MirrorFaultHooks;
}

export interface MirrorServer {
  url: string;
  port: number;
  requests: MirrorRequestRecord[];
  close(): Promise<void>;
}

/** The hub stores files above this size in LFS, and its tree API then reports their sha256. */
export const LFS_THRESHOLD = 10 * 1024 * 1024;

const EXPOSE_HEADERS = 'Content-Length, Content-Range, Accept-Ranges, ETag, X-Repo-Commit, X-Linked-Size, X-Linked-Etag';
const DEFAULT_ALLOW_HEADERS = 'Range, Content-Type, Authorization, If-None-Match, If-Range';

class HttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const repoNotFound = () => new HttpError(404, 'Repository not found', 'RepoNotFound');
const entryNotFound = () => new HttpError(404, 'Entry not found', 'EntryNotFound');

export async function createMirrorServer(options: MirrorServerOptions): Promise<MirrorServer> {
  const host = options.host ?? '127.0.0.1';
  const treeEndpoint = options.treeEndpoint ?? true;
  const rootStat = await stat(options.root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new Error(`Mirror root "${options.root}" is not a directory.`);
  // Symlinked temp dirs (macOS /var -> /private/var) would otherwise fail the containment check.
  const root = await realpath(options.root);
  const requests: MirrorRequestRecord[] = [];
  const hasher = new HashCache();

  const server = createServer((req, res) => {
    const record: MirrorRequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, bytes: 0 };
    if (typeof req.headers.range === 'string') record.range = req.headers.range;
    requests.push(record);
    const started = Date.now();
    res.on('close', () => {
      if (res.headersSent) record.status = res.statusCode;
      if (options.log) {
        const range = record.range ? ` range=${record.range}` : '';
        const aborted = res.writableFinished ? '' : ' (aborted)';
        console.log(`${record.method} ${record.path} ${record.status} ${record.bytes}B${range} ${Date.now() - started}ms${aborted}`);
      }
    });
    handle(req, res, record).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy(err instanceof Error ? err : undefined);
        return;
      }
      const httpErr = err instanceof HttpError ? err : new HttpError(500, 'Internal error');
      if (!(err instanceof HttpError)) console.error('mirror: request failed:', err);
      sendJson(res, record, httpErr.status, { error: httpErr.message }, httpErr.code);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, record: MirrorRequestRecord): Promise<void> {
    setCommonHeaders(res);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      // Echoing the asked-for headers is what lets a browser send Authorization too ("*" does not cover it).
      const asked = req.headers['access-control-request-headers'];
      writeHead(res, record, 204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': asked && /^[\w\-, ]+$/.test(asked) ? asked : DEFAULT_ALLOW_HEADERS,
        'Access-Control-Max-Age': '86400',
        Vary: 'Access-Control-Request-Headers',
      });
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      throw new HttpError(405, 'Method not allowed');
    }

    // Split by hand: `new URL('//x/y', base)` would treat the path as a host.
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));

    if (pathname === '/') return sendIndex(req, res, record);

    if (!treeEndpoint && (pathname === '/api' || pathname.startsWith('/api/'))) {
      send(res, record, 404, 'text/plain; charset=utf-8', Buffer.from('Not Found'));
      return;
    }

    const parsed = parseHubPath(pathname);
    if (!parsed) {
      if (/\/(resolve|tree)\//.test(pathname) || pathname.startsWith('/api/')) throw new HttpError(400, 'Invalid path', 'InvalidPath');
      throw new HttpError(404, 'Not found');
    }
    if (parsed.kind === 'tree') {
      const recursive = ['true', '1'].includes(query.get('recursive') ?? '');
      return sendTree(res, record, parsed, recursive);
    }
    return sendFile(req, res, record, parsed);
  }

  /** Resolves a path under root, following symlinks, and refuses anything that lands outside root. */
  async function safeResolve(...segments: string[]): Promise<{ abs: string; stats: Stats } | null> {
    const joined = path.join(root, ...segments);
    let real: string;
    try {
      real = await realpath(joined);
    } catch {
      return null;
    }
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    try {
      return { abs: real, stats: await stat(real) };
    } catch {
      return null;
    }
  }

  async function repoDir(repoId: string): Promise<string> {
    const dir = await safeResolve(...repoId.split('/'));
    if (!dir?.stats.isDirectory()) throw repoNotFound();
    return dir.abs;
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    record: MirrorRequestRecord,
    parsed: Extract<ParsedHubPath, { kind: 'resolve' }>,
  ): Promise<void> {
    await repoDir(parsed.repoId);
    const file = await safeResolve(...parsed.repoId.split('/'), ...parsed.filePath.split('/'));
    if (!file?.stats.isFile()) throw entryNotFound();
    const { size, mtimeMs } = file.stats;
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Type', parsed.filePath.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    // huggingface_hub's Python client refuses responses without a commit header.
    res.setHeader('X-Repo-Commit', commitFor(parsed.repoId, parsed.revision));

    if (req.headers['if-none-match'] === etag) {
      writeHead(res, record, 304);
      res.end();
      return;
    }

    let range: { start: number; end: number } | null = null;
    const rangeHeader = req.headers.range;
    const ifRange = req.headers['if-range'];
    if (rangeHeader && (ifRange === undefined || ifRange === etag)) {
      const parsedRange = parseRange(rangeHeader, size);
      if (parsedRange === 'unsatisfiable') {
        writeHead(res, record, 416, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
        res.end();
        return;
      }
      range = parsedRange;
    }

    const ctx: MirrorFileContext = { req, res, record, repoId: parsed.repoId, filePath: parsed.filePath, absPath: file.abs, size, range };
    if (options.faults?.beforeFile && (await options.faults.beforeFile(ctx))) return;

    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    const headers: Record<string, string> = { 'Content-Length': String(length) };
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    writeHead(res, record, range ? 206 : 200, headers);
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }

    // Streamed: model files can be several GB.
    let body: Readable = createReadStream(file.abs, { start, end });
    if (options.faults?.wrapBody) body = options.faults.wrapBody(body, ctx);
    body.on('data', (chunk: Buffer) => {
      record.bytes += chunk.length;
    });
    pipeline(body, res, () => {
      // Errors here are client aborts or read failures after the head went out; the socket is already gone.
    });
  }

  async function sendTree(
    res: ServerResponse,
    record: MirrorRequestRecord,
    parsed: Extract<ParsedHubPath, { kind: 'tree' }>,
    recursive: boolean,
  ): Promise<void> {
    const repoRoot = await repoDir(parsed.repoId);
    let startDir = repoRoot;
    if (parsed.subPath) {
      const sub = await safeResolve(...parsed.repoId.split('/'), ...parsed.subPath.split('/'));
      if (!sub?.stats.isDirectory()) throw entryNotFound();
      startDir = sub.abs;
    }
    const entries: HubTreeEntry[] = [];
    // Symlinked directories could loop back to an ancestor.
    const visited = new Set<string>();
    const walk = async (dir: string, rel: string): Promise<void> => {
      if (visited.has(dir)) return;
      visited.add(dir);
      const names = (await readdir(dir)).filter((n) => n !== '.git').sort();
      for (const name of names) {
        const relPath = rel ? `${rel}/${name}` : name;
        const item = await safeResolve(path.relative(root, path.join(dir, name)));
        if (!item) continue;
        if (item.stats.isDirectory()) {
          entries.push({ type: 'directory', path: relPath, size: 0 });
          if (recursive) await walk(item.abs, relPath);
        } else if (item.stats.isFile()) {
          entries.push(await hasher.entry(item.abs, relPath, item.stats));
        }
      }
    };
    await walk(startDir, parsed.subPath);
    sendJson(res, record, 200, entries);
  }

  async function sendIndex(req: IncomingMessage, res: ServerResponse, record: MirrorRequestRecord): Promise<void> {
    const repos = await listRepos(root);
    if ((req.headers.accept ?? '').includes('text/html')) {
      const items = repos.map((r) => `<li>${escapeHtml(r)}</li>`).join('\n');
      const html = `<!doctype html><meta charset="utf-8"><title>Model mirror</title>\n<h1>Model mirror</h1>\n<p>${repos.length} repositories. Use <code>?hub=${escapeHtml(baseUrl)}</code> in the app.</p>\n<ul>\n${items}\n</ul>\n`;
      send(res, record, 200, 'text/html; charset=utf-8', Buffer.from(html));
      return;
    }
    sendJson(res, record, 200, { repos });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function writeHead(res: ServerResponse, record: MirrorRequestRecord, status: number, headers: Record<string, string> = {}): void {
  record.status = status;
  res.writeHead(status, headers);
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  // Lets pages with COEP require-corp (needed for threaded wasm) load the weights.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

function send(res: ServerResponse, record: MirrorRequestRecord, status: number, type: string, body: Buffer, code?: string): void {
  const headers: Record<string, string> = { 'Content-Type': type, 'Content-Length': String(body.length) };
  if (code) headers['X-Error-Code'] = code;
  writeHead(res, record, status, headers);
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  record.bytes += body.length;
  res.end(body);
}

function sendJson(res: ServerResponse, record: MirrorRequestRecord, status: number, value: unknown, code?: string): void {
  send(res, record, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(value)), code);
}

/**
 * Single byte range per RFC 9110. Returns null (serve the whole file) for syntax we ignore, such as
 * multiple ranges or last < first, and 'unsatisfiable' for a well-formed range past the end.
 */
export function parseRange(header: string, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  if (m[2] !== '' && end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** A stable fake commit so clients that pin X-Repo-Commit see the same value for the same revision. */
function commitFor(repoId: string, revision: string): string {
  if (/^[0-9a-f]{40}$/.test(revision)) return revision;
  return createHash('sha1').update(`mirror:${repoId}@${revision}`).digest('hex');
}

export async function listRepos(root: string): Promise<string[]> {
  const repos: string[] = [];
  for (const org of (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    const names = await readdir(path.join(root, org.name), { withFileTypes: true }).catch(() => []);
    for (const name of names) {
      const id = `${org.name}/${name.name}`;
      if (name.isDirectory() && isValidRepoId(id)) repos.push(id);
    }
  }
  return repos.sort();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Hashes files the way the hub reports them: git blob sha1 as `oid`, and for LFS-sized files the
 * sha256 in `lfs.oid` with `oid` being the blob sha1 of the LFS pointer. Memoized by path+size+mtime
 * because hashing GB-sized weights takes seconds; the promise is cached so concurrent requests share it.
 */
class HashCache {
  private cache = new Map<string, Promise<HubTreeEntry>>();

  entry(abs: string, relPath: string, stats: Stats): Promise<HubTreeEntry> {
    const key = `${abs}\0${stats.size}\0${stats.mtimeMs}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(abs, stats.size);
      hit.catch(() => this.cache.delete(key));
      this.cache.set(key, hit);
    }
    return hit.then((e) => ({ ...e, path: relPath, ...(e.lfs ? { lfs: { ...e.lfs } } : {}) }));
  }

  private async compute(abs: string, size: number): Promise<HubTreeEntry> {
    if (size > LFS_THRESHOLD) {
      const sha256 = await hashFile(abs, createHash('sha256'));
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
      return {
        type: 'file',
        path: '',
        size,
        oid: gitBlobSha1(Buffer.from(pointer)),
        lfs: { oid: sha256, size, pointerSize: Buffer.byteLength(pointer) },
      };
    }
    const blob = createHash('sha1').update(`blob ${size}\0`);
    return { type: 'file', path: '', size, oid: await hashFile(abs, blob) };
  }
}

function gitBlobSha1(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function hashFile(abs: string, hash: ReturnType<typeof createHash>): Promise<string> {
  return new Promise((resolve, reject) => {
    createReadStream(abs)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
