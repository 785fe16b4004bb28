// A hub-compatible model mirror over plain files (root/<org>/<name>/<file>), for air-gapped teams and the tests.
// Optional fault injection (dropped connections, error statuses, throttling, short or corrupt bodies, compressed
// bodies, sizes that lie) lets tests exercise the app's download retry and verification against a real server.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { isValidRepoId, parseHubPath, type HubTreeEntry, type ParsedHubPath } from '../src/lib/models/hub-urls';

export interface MirrorRequestRecord {
  method: string;
  path: string;
  /** 0 until the response head is written. */
  status: number;
  range?: string;
  /** Body bytes sent so far (0 for HEAD). */
  bytes: number;
  /** The fault kinds applied to this request; absent when it was served normally. */
  faults?: MirrorFaultKind[];
}

/** Which requests a fault rule affects. */
export interface MirrorFaultTarget {
  /** A substring of, or pattern for, the repo-relative file path ('onnx/model_quantized.onnx'); every file when absent. */
  path?: string | RegExp;
  /** Only files of this repo ('org/name'); any repo when absent. */
  repo?: string;
  /** How many matching requests the rule affects before it goes quiet: 1 unless given; Infinity for all. */
  times?: number;
}

/** Sends the head as usual, then cuts the connection after `bytes` body bytes. */
export interface MirrorDropFault extends MirrorFaultTarget {
  kind: 'drop-after-bytes';
  bytes: number;
}

/** Answers this status (default 500) with an empty body instead of the file. */
export interface MirrorStatusFault extends MirrorFaultTarget {
  kind: 'status';
  status?: number;
}

/** Paces the body to this rate. */
export interface MirrorThrottleFault extends MirrorFaultTarget {
  kind: 'throttle';
  bytesPerSecond: number;
}

/**
 * Serves a body `bytes` shorter than asked for as if complete: Content-Length and Content-Range
 * match the short body and the announced total is `bytes` less, so only a size check notices.
 */
export interface MirrorTruncateFault extends MirrorFaultTarget {
  kind: 'truncate';
  bytes: number;
}

/** Inverts `bytes` body bytes (default 1), spread evenly: the length stays right, the sha256 does not. */
export interface MirrorCorruptFault extends MirrorFaultTarget {
  kind: 'corrupt';
  bytes?: number;
}

/**
 * Sends the whole file gzip-compressed with `Content-Encoding: gzip`, whatever Range asked for, as a
 * server compressing on the fly does: `gzip-unsized` with no Content-Length (chunked), `gzip-sized`
 * with the Content-Length of the compressed body. The client sees the file's bytes once decoded.
 */
export interface MirrorGzipFault extends MirrorFaultTarget {
  kind: 'gzip-unsized' | 'gzip-sized';
}

/** Announces a Content-Length `bytes` off (either sign) the body actually sent, then closes the connection. */
export interface MirrorContentLengthFault extends MirrorFaultTarget {
  kind: 'content-length';
  bytes: number;
}

/**
 * The tree listing reports the file's size `bytes` off (either sign), in `size` and `lfs.size`; the
 * sha256 stays the real one. `times` counts listings that carry the lie.
 */
export interface MirrorLieSizeFault extends MirrorFaultTarget {
  kind: 'lie-size';
  bytes: number;
}

/**
 * One declarative fault. Only GET bodies of resolve paths are faulted, and the tree listing only by
 * `lie-size`: HEAD stays truthful, so a client can still learn the real size. Several rules can hit
 * one request (the first matching rule of each kind); a `status` rule then wins and the others stay
 * unused, and a gzip rule sends the whole file, so `truncate` and `drop-after-bytes` keep their turn.
 */
export type MirrorFaultRule =
  | MirrorDropFault
  | MirrorStatusFault
  | MirrorThrottleFault
  | MirrorTruncateFault
  | MirrorCorruptFault
  | MirrorGzipFault
  | MirrorContentLengthFault
  | MirrorLieSizeFault;
export type MirrorFaultKind = MirrorFaultRule['kind'];
export type MirrorFaults = readonly MirrorFaultRule[];

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

/** Low-level seam for faults the declarative rules can't express. */
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
  /** Fault rules active from the start; none by default. */
  faults?: MirrorFaults;
  faultHooks?: MirrorFaultHooks;
  /**
   * Answer /__mirror/faults (POST a JSON rule array to replace the rules, DELETE to clear them) and
   * /__mirror/requests (GET the request log, DELETE to empty it). Off by default: anyone who can
   * reach the port could break downloads with it. Calls must send `Authorization: Bearer <controlToken>`
   * and come from a script, not a web page: no CORS headers, and a request with an Origin is refused.
   */
  controlEndpoint?: boolean;
  /** The token control calls must present; a random one (see `MirrorServer.controlToken`) when absent. */
  controlToken?: string;
}

export interface MirrorServer {
  url: string;
  port: number;
  requests: MirrorRequestRecord[];
  /** What control calls send as `Authorization: Bearer <token>`; null when the control endpoint is off. */
  controlToken: string | null;
  /** Replaces the fault rules; their `times` counts start afresh. Throws on an invalid rule. */
  setFaults(rules: MirrorFaults): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** The hub stores files above this size in LFS, and its tree API then reports their sha256. */
export const LFS_THRESHOLD = 10 * 1024 * 1024;
/** Weight files the hub's default .gitattributes puts in LFS whatever their size. */
const LFS_PATTERN = /\.(onnx|onnx_data(_\d+)?|safetensors|gguf)$/;

export function isLfsFile(path: string, size: number): boolean {
  return size > LFS_THRESHOLD || LFS_PATTERN.test(path);
}

const EXPOSE_HEADERS = 'Content-Length, Content-Range, Accept-Ranges, ETag, X-Repo-Commit, X-Linked-Size, X-Linked-Etag';
const DEFAULT_ALLOW_HEADERS = 'Range, Content-Type, Authorization, If-None-Match, If-Range';

const CONTROL_PREFIX = '/__mirror/';
const FAULTS_PATH = '/__mirror/faults';
const REQUESTS_PATH = '/__mirror/requests';
const CONTROL_METHODS: Partial<Record<string, string[]>> = { [FAULTS_PATH]: ['POST', 'DELETE'], [REQUESTS_PATH]: ['GET', 'DELETE'] };
/** Rule lists are small; this only stops a stray upload from filling memory. */
const MAX_CONTROL_BODY = 1024 * 1024;

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
  const faults = new FaultBook();
  faults.set(options.faults ?? []);
  const controlEndpoint = options.controlEndpoint ?? false;
  if (options.controlToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(options.controlToken)) {
    throw new Error('The mirror control token must be at least 16 printable ASCII characters with no spaces.');
  }
  const controlToken = controlEndpoint ? (options.controlToken ?? randomBytes(24).toString('base64url')) : null;

  const server = createServer((req, res) => {
    const record: MirrorRequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, bytes: 0 };
    if (typeof req.headers.range === 'string') record.range = req.headers.range;
    // Control calls stay out of the log so tests reading it see only the traffic they caused.
    if (!(controlEndpoint && isControlPath(splitUrl(record.path).pathname))) requests.push(record);
    const started = Date.now();
    res.on('close', () => {
      if (res.headersSent) record.status = res.statusCode;
      if (options.log) {
        const range = record.range ? ` range=${record.range}` : '';
        const fault = record.faults ? ` fault=${record.faults.join(',')}` : '';
        const aborted = res.writableFinished ? '' : ' (aborted)';
        console.log(`${record.method} ${record.path} ${record.status} ${record.bytes}B${range}${fault} ${Date.now() - started}ms${aborted}`);
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
    const method = req.method ?? 'GET';
    const { pathname, query } = splitUrl(req.url ?? '/');
    // No CORS here, ever: a page on any site could otherwise break or read this mirror's traffic.
    if (isControlPath(pathname)) {
      if (!controlToken) throw new HttpError(404, 'Not found');
      return handleControl(req, res, record, pathname, controlToken);
    }
    setCommonHeaders(res);
    if (method === 'OPTIONS') return sendPreflight(req, res, record, ['GET', 'HEAD']);
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      throw new HttpError(405, 'Method not allowed');
    }

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
    // Dot-files (.git/config with a token in its remote URL, .env) are never part of a model.
    if (hasHiddenSegment(parsed.kind === 'tree' ? parsed.subPath : parsed.filePath)) throw entryNotFound();
    if (parsed.kind === 'tree') {
      const recursive = ['true', '1'].includes(query.get('recursive') ?? '');
      return sendTree(res, record, parsed, recursive);
    }
    return sendFile(req, res, record, parsed);
  }

  /**
   * Resolves a path under root, following symlinks, and refuses anything that lands outside root
   * or on a dot-file inside it (a symlink to .git/config is as much a leak as the path itself).
   */
  async function safeResolve(...segments: string[]): Promise<{ abs: string; stats: Stats } | null> {
    const joined = path.join(root, ...segments);
    let real: string;
    try {
      real = await realpath(joined);
    } catch {
      return null;
    }
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    if (hasHiddenSegment(path.relative(root, real).split(path.sep).join('/'))) return null;
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
    const hooks = options.faultHooks;
    if (hooks?.beforeFile && (await hooks.beforeFile(ctx))) return;

    const start = range?.start ?? 0;
    const asked = size === 0 ? 0 : (range?.end ?? size - 1) - start + 1;
    const plan = req.method === 'GET' ? faults.take(parsed.repoId, parsed.filePath, asked) : NO_FAULTS;
    if (plan.kinds.length) record.faults = plan.kinds;
    if (plan.status !== undefined) return sendFaultStatus(res, record, plan.status);
    if (plan.gzip) return sendGzipped(res, record, ctx, plan);

    // Without a truncate fault, `cut` is 0 and this is the plain response.
    const length = Math.max(0, asked - plan.cut);
    const total = size - plan.cut;
    if (range && length === 0) {
      // What a file that much shorter would answer to a range past its end.
      writeHead(res, record, 416, { 'Content-Range': `bytes */${Math.max(0, total)}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const headers: Record<string, string> = { 'Content-Length': String(Math.max(0, length + plan.lengthOffset)) };
    if (range) headers['Content-Range'] = `bytes ${start}-${start + length - 1}/${total}`;
    writeHead(res, record, range ? 206 : 200, headers);
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }

    const sent = plan.dropAfter ?? length;
    // Streamed: model files can be several GB.
    let body: Readable = sent === 0 ? Readable.from([]) : createReadStream(file.abs, { start, end: start + sent - 1 });
    if (plan.flips) body = Readable.from(flipBytes(body, length, plan.flips), { objectMode: false });
    if (plan.bytesPerSecond) body = Readable.from(throttle(body, plan.bytesPerSecond), { objectMode: false });
    if (hooks?.wrapBody) body = hooks.wrapBody(body, ctx);
    sendBody(body, res, record, plan.dropAfter !== undefined || plan.lengthOffset !== 0);
  }

  /** The whole file gzip-compressed, flipped bytes and pace applied as for a plain body. */
  async function sendGzipped(res: ServerResponse, record: MirrorRequestRecord, ctx: MirrorFileContext, plan: FaultPlan): Promise<void> {
    let raw: Readable = createReadStream(ctx.absPath);
    if (plan.flips) raw = Readable.from(flipBytes(raw, ctx.size, plan.flips), { objectMode: false });
    const headers: Record<string, string> = { 'Content-Encoding': 'gzip' };
    let body: Readable;
    if (plan.gzip === 'sized') {
      // The length of the compressed body is known only once it is all compressed.
      const compressed = gzipSync(plan.flips ? Buffer.concat(await raw.toArray()) : await readFile(ctx.absPath));
      headers['Content-Length'] = String(compressed.length);
      body = Readable.from([compressed]);
    } else {
      body = raw.pipe(createGzip());
    }
    if (plan.bytesPerSecond) body = Readable.from(throttle(body, plan.bytesPerSecond), { objectMode: false });
    if (options.faultHooks?.wrapBody) body = options.faultHooks.wrapBody(body, ctx);
    writeHead(res, record, 200, headers);
    sendBody(body, res, record, false);
  }

  /** The opt-in test control API under /__mirror/, for scripts holding the token. */
  async function handleControl(req: IncomingMessage, res: ServerResponse, record: MirrorRequestRecord, pathname: string, token: string): Promise<void> {
    const allowed = CONTROL_METHODS[pathname];
    if (!allowed) throw new HttpError(404, 'Not found');
    // Browsers always send Origin on the POST/DELETE/preflight a page could make; scripts don't.
    if (req.headers.origin !== undefined) throw new HttpError(403, 'The mirror control endpoint does not answer web pages.', 'ControlForbidden');
    if (!bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'The mirror control endpoint needs "Authorization: Bearer <token>" with the token the mirror printed at start.', 'ControlUnauthorized');
    }
    const method = req.method ?? 'GET';
    if (!allowed.includes(method)) {
      res.setHeader('Allow', allowed.join(', '));
      throw new HttpError(405, 'Method not allowed');
    }
    if (pathname === REQUESTS_PATH) {
      // Emptied in place: `server.requests` is the same array.
      if (method === 'DELETE') requests.length = 0;
      return sendJson(res, record, 200, requests);
    }
    if (method === 'DELETE') {
      faults.clear();
    } else {
      const rules = await readJsonBody(req);
      try {
        faults.set(rules);
      } catch (err) {
        throw new HttpError(400, (err as Error).message, 'InvalidFaults');
      }
    }
    sendJson(res, record, 200, { rules: faults.size });
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
      const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
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
    const lieFor = faults.listingLies(parsed.repoId);
    for (const entry of entries) {
      const offset = entry.type === 'file' ? lieFor(entry.path) : 0;
      if (offset === 0) continue;
      entry.size = Math.max(0, entry.size + offset);
      if (entry.lfs) entry.lfs.size = Math.max(0, entry.lfs.size + offset);
      record.faults = ['lie-size'];
    }
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
    controlToken,
    setFaults: (rules) => faults.set(rules),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

/** Splits by hand: `new URL('//x/y', base)` would treat the path as a host. */
function splitUrl(rawUrl: string): { pathname: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  return { pathname: q === -1 ? rawUrl : rawUrl.slice(0, q), query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)) };
}

function isControlPath(pathname: string): boolean {
  return pathname.startsWith(CONTROL_PREFIX);
}

/** True when any `/`-separated part starts with a dot: dot-files and dot-folders, `.` and `..` included. */
function hasHiddenSegment(relPath: string): boolean {
  return relPath.split('/').some((segment) => segment.startsWith('.'));
}

/** Compares digests so the time taken says nothing about how much of the token was right. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

function sendPreflight(req: IncomingMessage, res: ServerResponse, record: MirrorRequestRecord, methods: string[]): void {
  // Echoing the asked-for headers is what lets a browser send Authorization too ("*" does not cover it).
  const asked = req.headers['access-control-request-headers'];
  writeHead(res, record, 204, {
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': asked && /^[\w\-, ]+$/.test(asked) ? asked : DEFAULT_ALLOW_HEADERS,
    'Access-Control-Max-Age': '86400',
    Vary: 'Access-Control-Request-Headers',
  });
  res.end();
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Request body is not JSON', 'InvalidJson');
  }
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
    if (isLfsFile(abs, size)) {
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

/** What the fault rules decided for one file response. */
interface FaultPlan {
  kinds: MirrorFaultKind[];
  status?: number;
  dropAfter?: number;
  /** Bytes a truncate fault takes off the end; 0 without one. */
  cut: number;
  bytesPerSecond?: number;
  flips?: number;
  gzip?: 'sized' | 'unsized';
  /** How far the announced Content-Length is off the body sent; 0 without a content-length fault. */
  lengthOffset: number;
}

const NO_FAULTS: FaultPlan = { kinds: [], cut: 0, lengthOffset: 0 };

/** A validated rule with its number parameter resolved and its remaining uses. */
interface ActiveFault {
  kind: MirrorFaultKind;
  amount: number;
  path?: string | RegExp;
  repo?: string;
  left: number;
}

/** Each kind's number parameter (none for the gzip kinds), its default (none: required) and its allowed range. */
const FAULT_PARAMS: Record<MirrorFaultKind, { key?: string; fallback?: number; min: number; max?: number }> = {
  'drop-after-bytes': { key: 'bytes', min: 0 },
  status: { key: 'status', fallback: 500, min: 200, max: 599 },
  throttle: { key: 'bytesPerSecond', min: 1 },
  truncate: { key: 'bytes', min: 1 },
  corrupt: { key: 'bytes', fallback: 1, min: 1 },
  'gzip-unsized': { min: 0 },
  'gzip-sized': { min: 0 },
  'content-length': { key: 'bytes', min: Number.MIN_SAFE_INTEGER },
  'lie-size': { key: 'bytes', min: Number.MIN_SAFE_INTEGER },
};

/** The active fault rules and how often each may still fire. */
class FaultBook {
  private active: ActiveFault[] = [];

  get size(): number {
    return this.active.length;
  }

  /** Validates everything before replacing anything, so a bad list leaves the old rules in place. */
  set(rules: unknown): void {
    if (!Array.isArray(rules)) throw new Error('Fault rules must be an array.');
    this.active = rules.map((rule, i) => toActiveFault(rule, i));
  }

  clear(): void {
    this.active = [];
  }

  /** Picks the faults for a GET of `length` body bytes and uses up one of each picked rule's times. */
  take(repoId: string, filePath: string, length: number): FaultPlan {
    const live = this.active.filter((f) => f.left > 0 && faultMatches(f, repoId, filePath));
    const find = (kind: MirrorFaultKind) => live.find((f) => f.kind === kind);
    const plan: FaultPlan = { kinds: [], cut: 0, lengthOffset: 0 };
    const use = (f: ActiveFault): number => {
      f.left -= 1;
      plan.kinds.push(f.kind);
      return f.amount;
    };

    const status = find('status');
    if (status) {
      plan.status = use(status);
      return plan;
    }
    // An empty body has nothing to drop, slow down or damage.
    if (length === 0) return plan;
    const gzip = live.find((f) => f.kind === 'gzip-unsized' || f.kind === 'gzip-sized');
    if (gzip) {
      use(gzip);
      plan.gzip = gzip.kind === 'gzip-sized' ? 'sized' : 'unsized';
    } else {
      const truncate = find('truncate');
      if (truncate) plan.cut = use(truncate);
      const drop = find('drop-after-bytes');
      // A body no longer than the drop point would arrive whole, so the rule keeps its turn for a later request.
      if (drop && drop.amount < length - plan.cut) plan.dropAfter = use(drop);
      const misannounce = find('content-length');
      if (misannounce) plan.lengthOffset = use(misannounce);
    }
    const throttle = find('throttle');
    if (throttle) plan.bytesPerSecond = use(throttle);
    const corrupt = find('corrupt');
    if (corrupt) plan.flips = use(corrupt);
    return plan;
  }

  /**
   * How far each file's size is off in one tree listing of `repoId` (0: truthful). A `lie-size` rule
   * uses up one of its times per listing it lies in.
   */
  listingLies(repoId: string): (filePath: string) => number {
    const rules = this.active.filter((f) => f.kind === 'lie-size' && f.left > 0);
    const used = new Set<ActiveFault>();
    return (filePath) => {
      const rule = rules.find((f) => faultMatches(f, repoId, filePath));
      if (!rule) return 0;
      if (!used.has(rule)) {
        used.add(rule);
        rule.left -= 1;
      }
      return rule.amount;
    };
  }
}

function faultMatches(fault: ActiveFault, repoId: string, filePath: string): boolean {
  if (fault.repo !== undefined && fault.repo !== repoId) return false;
  if (fault.path === undefined) return true;
  // search() ignores a /g pattern's lastIndex, which test() would carry over between requests.
  return typeof fault.path === 'string' ? filePath.includes(fault.path) : filePath.search(fault.path) !== -1;
}

/** Checks a rule from code or from JSON, where Infinity can't be written: `times` null (what JSON.stringify makes of it) or "Infinity". */
function toActiveFault(raw: unknown, index: number): ActiveFault {
  const fail = (why: string): never => {
    throw new Error(`Fault rule ${index}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be an object.');
  const rule = raw as Record<string, unknown>;
  const kind = rule.kind as MirrorFaultKind;
  const param = Object.hasOwn(FAULT_PARAMS, String(kind)) ? FAULT_PARAMS[kind] : undefined;
  if (!param) return fail(`unknown kind ${JSON.stringify(rule.kind)}; use one of ${Object.keys(FAULT_PARAMS).join(', ')}.`);
  // Unknown keys are most likely misspelt parameters that would silently fall back to defaults.
  const unknown = Object.keys(rule).filter((k) => !['kind', 'path', 'repo', 'times', param.key].includes(k));
  if (unknown.length) fail(`unknown field ${unknown.join(', ')} for kind ${kind}.`);

  const { path: match, repo } = rule;
  if (match !== undefined && typeof match !== 'string' && !(match instanceof RegExp)) fail('path must be a string or RegExp.');
  if (repo !== undefined && typeof repo !== 'string') fail('repo must be a string.');
  const times = rule.times === undefined ? 1 : rule.times === null || rule.times === 'Infinity' ? Infinity : rule.times;
  if (!(times === Infinity || (Number.isInteger(times) && (times as number) >= 1))) fail('times must be a positive integer or Infinity.');
  const amount = param.key === undefined ? 0 : (rule[param.key] ?? param.fallback);
  if (amount === undefined) fail(`${kind} needs ${param.key}.`);
  if (!Number.isInteger(amount) || (amount as number) < param.min || (amount as number) > (param.max ?? Number.MAX_SAFE_INTEGER)) {
    const range = param.min === Number.MIN_SAFE_INTEGER ? 'any integer' : `an integer from ${param.min}${param.max === undefined ? ' up' : ` to ${param.max}`}`;
    fail(`${param.key} must be ${range}.`);
  }
  return { kind, amount: amount as number, path: match as string | RegExp | undefined, repo: repo as string | undefined, left: times as number };
}

/** Streams a body, counting it; `thenClose` ends the connection after it, as a failed or lying server does. */
function sendBody(body: Readable, res: ServerResponse, record: MirrorRequestRecord, thenClose: boolean): void {
  body.on('data', (chunk: Buffer) => {
    record.bytes += chunk.length;
  });
  if (thenClose) {
    void sendThenDrop(body, res);
    return;
  }
  pipeline(body, res, () => {
    // Errors here are client aborts or read failures after the head went out; the socket is already gone.
  });
}

function sendFaultStatus(res: ServerResponse, record: MirrorRequestRecord, status: number): void {
  // An error answer describes no file; a client must not pair the file's validators with it.
  for (const name of ['ETag', 'Accept-Ranges', 'Content-Type', 'X-Repo-Commit']) res.removeHeader(name);
  writeHead(res, record, status, { 'Content-Length': '0' });
  res.end();
}

/** Writes the already shortened body, then ends the connection as a network failure would. */
async function sendThenDrop(body: Readable, res: ServerResponse): Promise<void> {
  // Node holds the head back until the first body write, which a drop at 0 bytes never makes.
  res.flushHeaders();
  try {
    await pipelineAsync(body, res, { end: false });
  } catch {
    return; // The client left first.
  }
  const socket = res.socket;
  // end() before destroy() so the bytes already written reach the client and the cut lands exactly there.
  socket?.end(() => socket.destroy());
}

/** Paces a body to `bytesPerSecond`, in slices of about 50 ms so progress moves smoothly. */
async function* throttle(source: AsyncIterable<Buffer>, bytesPerSecond: number): AsyncGenerator<Buffer> {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  const started = performance.now();
  let sent = 0;
  for await (const chunk of source) {
    for (let i = 0; i < chunk.length; i += slice) {
      const part = chunk.subarray(i, i + slice);
      sent += part.length;
      // Each part waits until the rate allows its last byte out.
      const wait = started + (sent / bytesPerSecond) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      yield part;
    }
  }
}

/** Inverts `count` bytes spread evenly over a body of `length` bytes. */
async function* flipBytes(source: AsyncIterable<Buffer>, length: number, count: number): AsyncGenerator<Buffer> {
  const n = Math.min(count, length);
  const offsets = Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * length) / n));
  let pos = 0;
  let next = 0;
  for await (const chunk of source) {
    let out = chunk;
    while (next < offsets.length && offsets[next] < pos + chunk.length) {
      if (out === chunk) out = Buffer.from(chunk);
      out[offsets[next] - pos] ^= 0xff;
      next += 1;
    }
    pos += chunk.length;
    yield out;
  }
}
