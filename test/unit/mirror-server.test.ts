// @vitest-environment node
// The model mirror against a temp folder: file serving, ranges, CORS, tree API, traversal safety.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubTreeEntry } from '../../src/lib/models/hub-urls';
import { LFS_THRESHOLD, createMirrorServer, isLfsFile, parseRange, type MirrorServer } from '../../scripts/mirror-server';

const REPO = 'test-org/tiny-model';
const SECRET = 'TOP-SECRET-OUTSIDE-ROOT';
const DOT_SECRET = 'ghp_TOKEN-IN-A-DOT-FILE';
const config = Buffer.from(JSON.stringify({ model_type: 'qwen3', hidden_size: 64 }));
const small = randomBytes(4096);
const big = randomBytes(10 * 1024 * 1024 + 12345);
const onnx = randomBytes(200_000);

let base: string;
let root: string;
let server: MirrorServer;

/** Sends a raw request path that fetch would normalize away (`/../`). */
function rawGet(p: string): Promise<{ status: number; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: p, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const fileUrl = (file: string, repo = REPO) => `${server.url}/${repo}/resolve/main/${file}`;
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'mirror-test-'));
  root = path.join(base, 'root');
  const repo = path.join(root, ...REPO.split('/'));
  mkdirSync(path.join(repo, 'onnx'), { recursive: true });
  writeFileSync(path.join(repo, 'config.json'), config);
  writeFileSync(path.join(repo, 'small.bin'), small);
  writeFileSync(path.join(repo, 'big.bin'), big);
  writeFileSync(path.join(repo, 'empty.txt'), '');
  writeFileSync(path.join(repo, 'onnx', 'model.onnx'), onnx);
  // Things a traversal would reach: a file next to root, and a symlink inside the repo pointing at it.
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  symlinkSync(path.join(base, 'secret.txt'), path.join(repo, 'leak.txt'));
  // Dot-files a model folder cloned with git (or set up by hand) carries, and a link pointing at one.
  mkdirSync(path.join(repo, '.git'));
  writeFileSync(path.join(repo, '.git', 'config'), `[remote "origin"]\n\turl = https://user:${DOT_SECRET}@huggingface.co/${REPO}\n`);
  writeFileSync(path.join(repo, '.env'), `HF_TOKEN=${DOT_SECRET}\n`);
  writeFileSync(path.join(repo, 'onnx', '.cache'), DOT_SECRET);
  mkdirSync(path.join(repo, '.hidden'));
  writeFileSync(path.join(repo, '.hidden', 'weights.bin'), DOT_SECRET);
  symlinkSync(path.join(repo, '.env'), path.join(repo, 'alias.txt'));
  server = await createMirrorServer({ root, port: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('files', () => {
  it('serves a full file with hub-like headers', async () => {
    const res = await fetch(fileUrl('config.json'));
    expect(res.status).toBe(200);
    expect(await bytesOf(res)).toEqual(config);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-length')).toBe(String(config.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(res.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('serves nested files under any revision as octet-stream', async () => {
    const res = await fetch(`${server.url}/${REPO}/resolve/some-branch/onnx/model.onnx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(await bytesOf(res)).toEqual(onnx);
  });

  it('streams a >10 MB file intact', async () => {
    const res = await fetch(fileUrl('big.bin'));
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect((await bytesOf(res)).equals(big)).toBe(true);
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await fetch(fileUrl('big.bin'), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect((await bytesOf(res)).length).toBe(0);
    const rec = server.requests.findLast((r) => r.method === 'HEAD' && r.path.endsWith('/big.bin'));
    expect(rec).toMatchObject({ status: 200, bytes: 0 });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await fetch(fileUrl('small.bin'), { method: 'HEAD' })).headers.get('etag')!;
    const res = await fetch(fileUrl('small.bin'), { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(304);
  });
});

describe('ranges', () => {
  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=10-99', 10, 99],
    ['bytes=4000-', 4000, 4095],
    ['bytes=-96', 4000, 4095],
    ['bytes=4090-999999', 4090, 4095],
    ['bytes=-999999', 0, 4095],
  ])('%s → 206 with exactly those bytes', async (range, start, end) => {
    const res = await fetch(fileUrl('small.bin'), { headers: { Range: range } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${small.length}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(await bytesOf(res)).toEqual(small.subarray(start, end + 1));
  });

  it('serves ranges deep inside the big file', async () => {
    const start = 10 * 1024 * 1024 - 7;
    const res = await fetch(fileUrl('big.bin'), { headers: { Range: `bytes=${start}-${start + 99}` } });
    expect(res.status).toBe(206);
    expect(await bytesOf(res)).toEqual(big.subarray(start, start + 100));
  });

  it.each(['bytes=4096-', 'bytes=5000-6000', 'bytes=-0'])('%s → 416', async (range) => {
    const res = await fetch(fileUrl('small.bin'), { headers: { Range: range } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${small.length}`);
    await res.arrayBuffer();
  });

  it('answers bytes=0-0 on an empty file with 416, which transformers.js treats as "exists, size 0"', async () => {
    const res = await fetch(fileUrl('empty.txt'), { headers: { Range: 'bytes=0-0' } });
    expect(res.status).toBe(416);
  });

  it('ignores multi-range and malformed ranges (full 200)', async () => {
    for (const range of ['bytes=0-1,5-6', 'bytes=9-3', 'items=0-1']) {
      const res = await fetch(fileUrl('small.bin'), { headers: { Range: range } });
      expect(res.status).toBe(200);
      expect((await bytesOf(res)).length).toBe(small.length);
    }
  });

  it('HEAD with a range gives the range length and no body', async () => {
    const res = await fetch(fileUrl('small.bin'), { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-length')).toBe('10');
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('records ranges and byte counts in the request log', async () => {
    const res = await fetch(fileUrl('onnx/model.onnx'), { headers: { Range: 'bytes=100-199' } });
    await res.arrayBuffer();
    const rec = server.requests.findLast((r) => r.path === `/${REPO}/resolve/main/onnx/model.onnx`);
    expect(rec).toEqual({ method: 'GET', path: `/${REPO}/resolve/main/onnx/model.onnx`, status: 206, range: 'bytes=100-199', bytes: 100 });
  });

  it('parseRange follows RFC 9110 for edge cases', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-5', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=', 10)).toBeNull();
    expect(parseRange('bytes = 2 - 3', 10)).toEqual({ start: 2, end: 3 });
  });
});

describe('CORS and CORP', () => {
  it('sets CORS, exposed headers and CORP on files and errors', async () => {
    for (const url of [fileUrl('config.json'), fileUrl('missing.json')]) {
      const res = await fetch(url, { headers: { Origin: 'http://localhost:5173' } });
      await res.arrayBuffer();
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      const exposed = res.headers.get('access-control-expose-headers') ?? '';
      for (const h of ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag', 'X-Repo-Commit', 'X-Linked-Size', 'X-Linked-Etag']) {
        expect(exposed).toContain(h);
      }
    }
  });

  it('answers a preflight with 204', async () => {
    const res = await fetch(fileUrl('big.bin'), {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('range');
  });

  it('lists Range and Authorization when the preflight names no headers', async () => {
    const res = await fetch(fileUrl('big.bin'), { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('Range');
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });
});

describe('not found', () => {
  it('missing repo → 404 RepoNotFound', async () => {
    const res = await fetch(fileUrl('config.json', 'test-org/nope'));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-error-code')).toBe('RepoNotFound');
    expect(await res.json()).toEqual({ error: 'Repository not found' });
  });

  it('missing file or a directory → 404 EntryNotFound', async () => {
    for (const file of ['nope.json', 'onnx', 'onnx/nope.onnx']) {
      const res = await fetch(fileUrl(file));
      expect(res.status).toBe(404);
      expect(res.headers.get('x-error-code')).toBe('EntryNotFound');
      expect(await res.json()).toEqual({ error: 'Entry not found' });
    }
  });

  it('non-GET methods → 405', async () => {
    const res = await fetch(fileUrl('config.json'), { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});

describe('path traversal', () => {
  it.each([
    `/${REPO}/resolve/main/../../../secret.txt`,
    `/${REPO}/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
    `/${REPO}/resolve/main/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt`,
    `/${REPO}/resolve/main/..%2F..%2F..%2Fsecret.txt`,
    `/${REPO}/resolve/main/..%5C..%5C..%5Csecret.txt`,
    `/test-org/..%2F..%2Fsecret.txt/resolve/main/x`,
    `/../secret.txt`,
    `/%2e%2e/secret.txt`,
    `/api/models/test-org/tiny-model/tree/main/%2e%2e/%2e%2e`,
    `/api/models/test-org/%2e%2e/tree/main`,
    `//etc/passwd`,
    `/${REPO}/resolve/main/leak.txt`,
  ])('%s never returns content from outside root', async (p) => {
    const res = await rawGet(p);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  });

  it('also through fetch-normalized URLs', async () => {
    const res = await fetch(`${server.url}/${REPO}/resolve/main/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt`);
    expect([400, 404]).toContain(res.status);
    expect(await res.text()).not.toContain(SECRET);
  });
});

describe('dot-files', () => {
  it.each([
    `/${REPO}/resolve/main/.git/config`,
    `/${REPO}/resolve/main/.env`,
    `/${REPO}/resolve/main/onnx/.cache`,
    `/${REPO}/resolve/main/.hidden/weights.bin`,
    `/${REPO}/resolve/main/%2egit/config`,
    `/${REPO}/resolve/main/%2Eenv`,
    `/${REPO}/resolve/main/%2egit%2fconfig`,
    `/${REPO}/resolve/main/onnx/%2ecache`,
    `/${REPO}/resolve/main/./.env`,
    `/${REPO}/resolve/main/onnx/../.env`,
    `/${REPO}/resolve/main/alias.txt`,
    `/api/models/${REPO}/tree/main/.git`,
    `/api/models/${REPO}/tree/main/%2egit`,
    `/api/models/${REPO}/tree/main/.hidden?recursive=true`,
  ])('%s is not served', async (p) => {
    const res = await rawGet(p);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain(DOT_SECRET);
    expect(res.body).not.toContain('remote');
  });

  it('answers 404 EntryNotFound, as for a file that is not there, with no CORS-readable content', async () => {
    const res = await fetch(`${server.url}/${REPO}/resolve/main/.git/config`, { headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-error-code')).toBe('EntryNotFound');
    expect(await res.json()).toEqual({ error: 'Entry not found' });
    const head = await fetch(`${server.url}/${REPO}/resolve/main/.env`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-length')).not.toBe(String(`HF_TOKEN=${DOT_SECRET}\n`.length));
  });

  it('are left out of the listing, at any depth', async () => {
    for (const query of ['?recursive=true', '']) {
      const entries = (await (await fetch(`${server.url}/api/models/${REPO}/tree/main${query}`)).json()) as HubTreeEntry[];
      const paths = entries.map((e) => e.path);
      expect(paths.filter((p) => p.split('/').some((part) => part.startsWith('.'))), query).toEqual([]);
      expect(paths, query).not.toContain('alias.txt');
    }
  });
});

describe('tree API', () => {
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

  it('treats ONNX weights as LFS files whatever their size, like the hub', () => {
    expect(isLfsFile('onnx/model_q4.onnx', 100)).toBe(true);
    expect(isLfsFile('onnx/model_q4.onnx_data', 100)).toBe(true);
    expect(isLfsFile('onnx/model.onnx_data_1', 100)).toBe(true);
    expect(isLfsFile('config.json', 100)).toBe(false);
    expect(isLfsFile('config.json', LFS_THRESHOLD + 1)).toBe(true);
  });

  it('lists everything recursively, with hub-style oids and lfs info for big files', async () => {
    const res = await fetch(`${server.url}/api/models/${REPO}/tree/main?recursive=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const entries = (await res.json()) as HubTreeEntry[];
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(['big.bin', 'config.json', 'empty.txt', 'onnx', 'onnx/model.onnx', 'small.bin']);
    expect(byPath.get('onnx')).toMatchObject({ type: 'directory' });
    expect(byPath.get('config.json')).toEqual({ type: 'file', path: 'config.json', size: config.length, oid: gitOid(config) });
    // Small, but ONNX: an LFS file on the hub, so its sha256 is listed.
    expect(byPath.get('onnx/model.onnx')).toEqual(onnxEntry());

    const bigEntry = byPath.get('big.bin')!;
    expect(bigEntry.size).toBe(big.length);
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(big)}\nsize ${big.length}\n`;
    expect(bigEntry.lfs).toEqual({ oid: sha256(big), size: big.length, pointerSize: pointer.length });
    expect(bigEntry.oid).toBe(gitOid(Buffer.from(pointer)));
    expect(byPath.get('small.bin')!.lfs).toBeUndefined();
  });

  it('memoizes hashes: a second listing gives the same answer', async () => {
    const a = await (await fetch(`${server.url}/api/models/${REPO}/tree/main?recursive=true`)).json();
    const b = await (await fetch(`${server.url}/api/models/${REPO}/tree/main?recursive=true`)).json();
    expect(b).toEqual(a);
  });

  it('lists one level without recursive', async () => {
    const entries = (await (await fetch(`${server.url}/api/models/${REPO}/tree/main`)).json()) as HubTreeEntry[];
    expect(entries.map((e) => e.path).sort()).toEqual(['big.bin', 'config.json', 'empty.txt', 'onnx', 'small.bin']);
    expect(entries.find((e) => e.path === 'onnx')).toEqual({ type: 'directory', path: 'onnx', size: 0 });
  });

  it('lists a sub path with repo-relative paths', async () => {
    const entries = (await (await fetch(`${server.url}/api/models/${REPO}/tree/main/onnx`)).json()) as HubTreeEntry[];
    expect(entries).toEqual([onnxEntry()]);
  });

  it('404s for a missing repo or sub path', async () => {
    const repo = await fetch(`${server.url}/api/models/test-org/nope/tree/main?recursive=true`);
    expect(repo.status).toBe(404);
    expect(repo.headers.get('x-error-code')).toBe('RepoNotFound');
    expect(await repo.json()).toEqual({ error: 'Repository not found' });
    const sub = await fetch(`${server.url}/api/models/${REPO}/tree/main/nope`);
    expect(sub.status).toBe(404);
    expect(sub.headers.get('x-error-code')).toBe('EntryNotFound');
  });
});

function onnxEntry(): HubTreeEntry {
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(onnx)}\nsize ${onnx.length}\n`;
  return {
    type: 'file',
    path: 'onnx/model.onnx',
    size: onnx.length,
    oid: gitOid(Buffer.from(pointer)),
    lfs: { oid: sha256(onnx), size: onnx.length, pointerSize: pointer.length },
  };
}

describe('index and options', () => {
  it('GET / lists repos as JSON, or HTML for browsers', async () => {
    expect(await (await fetch(`${server.url}/`)).json()).toEqual({ repos: [REPO] });
    const html = await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain(REPO);
  });

  it('treeEndpoint: false answers the api like a plain static server', async () => {
    const plain = await createMirrorServer({ root, port: 0, treeEndpoint: false });
    try {
      const res = await fetch(`${plain.url}/api/models/${REPO}/tree/main?recursive=true`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
      const file = await fetch(`${plain.url}/${REPO}/resolve/main/config.json`);
      expect(await bytesOf(file)).toEqual(config);
      expect(plain.requests.map((r) => r.status)).toEqual([404, 200]);
    } finally {
      await plain.close();
    }
  });

  it('refuses a root that is not a directory', async () => {
    await expect(createMirrorServer({ root: path.join(base, 'secret.txt') })).rejects.toThrow(/not a directory/);
  });

  it('calls fault hooks: beforeFile can answer, wrapBody can change the body', async () => {
    let failedOnce = false;
    const faulty = await createMirrorServer({
      root,
      port: 0,
      faultHooks: {
        beforeFile: ({ res }) => {
          if (failedOnce) return false;
          failedOnce = true;
          res.writeHead(500).end();
          return true;
        },
        wrapBody: (body) => body.map((chunk: Buffer) => Buffer.alloc(chunk.length, 0)),
      },
    });
    try {
      expect((await fetch(`${faulty.url}/${REPO}/resolve/main/small.bin`)).status).toBe(500);
      const res = await fetch(`${faulty.url}/${REPO}/resolve/main/small.bin`);
      expect(await bytesOf(res)).toEqual(Buffer.alloc(small.length, 0));
      expect(faulty.requests.map((r) => r.status)).toEqual([500, 200]);
    } finally {
      await faulty.close();
    }
  });

  it('close() returns even with keep-alive connections open', async () => {
    const s = await createMirrorServer({ root, port: 0 });
    await (await fetch(`${s.url}/${REPO}/resolve/main/config.json`)).arrayBuffer();
    await s.close();
    await expect(fetch(`${s.url}/`)).rejects.toThrow();
  });
});
