// @vitest-environment node
// The mirror's fault injection over real loopback HTTP: each fault kind, rule matching and `times`,
// what is never faulted, and the opt-in control endpoint.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HubTreeEntry } from '../../src/lib/models/hub-urls';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';

const REPO = 'test-org/tiny-model';
const OTHER_REPO = 'test-org/other-model';
const MODEL = 'onnx/model.onnx';
const model = randomBytes(200_000);
const config = Buffer.from(JSON.stringify({ model_type: 'qwen3' }));

let base: string;
let root: string;
let server: MirrorServer;

const fileUrl = (file: string, repo = REPO, s = server) => `${s.url}/${repo}/resolve/main/${file}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const lastRecord = (file: string, s = server) => s.requests.findLast((r) => r.path.endsWith(`/${file}`));

/** Reads as much of the body as arrives; a cut connection shows up as `error`, not a throw. */
async function download(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Buffer; error?: unknown }> {
  const res = await fetch(url, init);
  const chunks: Buffer[] = [];
  let error: unknown;
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const step = await reader?.read();
      if (!step || step.done) break;
      chunks.push(Buffer.from(step.value));
    }
  } catch (err) {
    error = err;
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(chunks), error };
}

/** The bytes as they crossed the wire, with no decoding: what a compressed answer really sent. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const listing = async (repo = REPO) => (await (await fetch(`${server.url}/api/models/${repo}/tree/main?recursive=true`)).json()) as HubTreeEntry[];

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'mirror-faults-'));
  root = path.join(base, 'root');
  for (const repo of [REPO, OTHER_REPO]) {
    const dir = path.join(root, ...repo.split('/'));
    mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), config);
    writeFileSync(path.join(dir, MODEL), model);
  }
  server = await createMirrorServer({ root, port: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

describe('no faults', () => {
  it('serves normally by default and records no fault', async () => {
    const res = await download(fileUrl(MODEL));
    expect(res.status).toBe(200);
    expect(res.body.equals(model)).toBe(true);
    expect(lastRecord(MODEL)).not.toHaveProperty('faults');
  });
});

describe('drop-after-bytes', () => {
  it('sends the full head, cuts the body, and a Range request gets the rest', async () => {
    server.setFaults([{ kind: 'drop-after-bytes', path: MODEL, bytes: 50_000 }]);
    const first = await download(fileUrl(MODEL));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe(String(model.length));
    expect(first.error).toBeDefined();
    expect(first.body.length).toBe(50_000);
    expect(first.body.equals(model.subarray(0, 50_000))).toBe(true);

    const rest = await download(fileUrl(MODEL), { headers: { Range: `bytes=${first.body.length}-` } });
    expect(rest.status).toBe(206);
    expect(rest.error).toBeUndefined();
    expect(Buffer.concat([first.body, rest.body]).equals(model)).toBe(true);

    expect(server.requests.map((r) => [r.range, r.faults, r.bytes])).toEqual([
      [undefined, ['drop-after-bytes'], 50_000],
      ['bytes=50000-', undefined, model.length - 50_000],
    ]);
  });

  it('counts the drop point from the start of a range', async () => {
    server.setFaults([{ kind: 'drop-after-bytes', path: MODEL, bytes: 100 }]);
    const res = await download(fileUrl(MODEL), { headers: { Range: 'bytes=1000-' } });
    expect(res.status).toBe(206);
    expect(res.error).toBeDefined();
    expect(res.body.equals(model.subarray(1000, 1100))).toBe(true);
  });

  it('can drop right after the head', async () => {
    server.setFaults([{ kind: 'drop-after-bytes', path: MODEL, bytes: 0 }]);
    const res = await download(fileUrl(MODEL));
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(res.body.length).toBe(0);
  });

  it('keeps its turn when a body would end before the drop point', async () => {
    server.setFaults([{ kind: 'drop-after-bytes', path: MODEL, bytes: 1000 }]);
    const short = await download(fileUrl(MODEL), { headers: { Range: 'bytes=0-99' } });
    expect(short.error).toBeUndefined();
    expect(short.body.equals(model.subarray(0, 100))).toBe(true);
    const full = await download(fileUrl(MODEL));
    expect(full.error).toBeDefined();
    expect(full.body.length).toBe(1000);
  });
});

describe('status', () => {
  it('answers 500 with no body once, then serves the file', async () => {
    server.setFaults([{ kind: 'status', path: MODEL }]);
    const failed = await download(fileUrl(MODEL));
    expect(failed.status).toBe(500);
    expect(failed.body.length).toBe(0);
    expect(failed.headers.get('etag')).toBeNull();
    expect(failed.headers.get('access-control-allow-origin')).toBe('*');
    const ok = await download(fileUrl(MODEL));
    expect(ok.status).toBe(200);
    expect(ok.body.equals(model)).toBe(true);
    expect(server.requests.map((r) => [r.status, r.faults])).toEqual([
      [500, ['status']],
      [200, undefined],
    ]);
  });

  it('uses the given status and wins over other faults', async () => {
    server.setFaults([
      { kind: 'corrupt', path: MODEL },
      { kind: 'status', path: MODEL, status: 503 },
    ]);
    expect((await download(fileUrl(MODEL))).status).toBe(503);
    // The corrupt rule was not used up by the 503.
    const next = await download(fileUrl(MODEL));
    expect(next.status).toBe(200);
    expect(sha256(next.body)).not.toBe(sha256(model));
  });
});

describe('throttle', () => {
  it('paces a 200 KB body at 400 KB/s to take at least about half a second', async () => {
    server.setFaults([{ kind: 'throttle', bytesPerSecond: 400_000, times: Infinity }]);
    const started = performance.now();
    const res = await download(fileUrl(MODEL));
    const elapsed = performance.now() - started;
    expect(res.body.equals(model)).toBe(true);
    // Lower bound only: a loaded machine may be slower, never faster.
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(lastRecord(MODEL)?.faults).toEqual(['throttle']);
  });

  it('applies to range bodies and keeps them intact', async () => {
    server.setFaults([{ kind: 'throttle', bytesPerSecond: 100_000, times: Infinity }]);
    const started = performance.now();
    const res = await download(fileUrl(MODEL), { headers: { Range: 'bytes=150000-' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(res.status).toBe(206);
    expect(res.body.equals(model.subarray(150_000))).toBe(true);
  });
});

describe('truncate', () => {
  it('serves a shorter body announced as complete', async () => {
    server.setFaults([{ kind: 'truncate', path: MODEL, bytes: 1234 }]);
    const res = await download(fileUrl(MODEL));
    expect(res.status).toBe(200);
    expect(res.error).toBeUndefined();
    expect(res.body.length).toBe(model.length - 1234);
    expect(res.headers.get('content-length')).toBe(String(res.body.length));
    expect(res.body.equals(model.subarray(0, model.length - 1234))).toBe(true);
    expect(lastRecord(MODEL)?.faults).toEqual(['truncate']);
  });

  it('shortens a range relative to what was asked, with a matching Content-Range', async () => {
    server.setFaults([{ kind: 'truncate', path: MODEL, bytes: 1000 }]);
    const res = await download(fileUrl(MODEL), { headers: { Range: 'bytes=100000-' } });
    expect(res.status).toBe(206);
    const end = model.length - 1 - 1000;
    expect(res.headers.get('content-range')).toBe(`bytes 100000-${end}/${model.length - 1000}`);
    expect(res.headers.get('content-length')).toBe(String(res.body.length));
    expect(res.body.equals(model.subarray(100_000, end + 1))).toBe(true);
  });
});

describe('corrupt', () => {
  it('keeps the length and changes the sha256', async () => {
    server.setFaults([{ kind: 'corrupt', path: MODEL, bytes: 3 }]);
    const res = await download(fileUrl(MODEL));
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(model.length);
    expect(sha256(res.body)).not.toBe(sha256(model));
    const differing = [...res.body].filter((b, i) => b !== model[i]).length;
    expect(differing).toBe(3);
  });

  it('corrupts range bodies too', async () => {
    server.setFaults([{ kind: 'corrupt', path: MODEL }]);
    const res = await download(fileUrl(MODEL), { headers: { Range: 'bytes=0-9999' } });
    expect(res.status).toBe(206);
    expect(res.body.length).toBe(10_000);
    expect(res.body.equals(model.subarray(0, 10_000))).toBe(false);
  });
});

describe('gzip', () => {
  it('gzip-unsized: the whole file compressed, chunked with no Content-Length, whatever the Range', async () => {
    server.setFaults([{ kind: 'gzip-unsized', path: MODEL, times: 2 }]);
    const res = await rawGet(fileUrl(MODEL));
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(gunzipSync(res.body).equals(model)).toBe(true);
    expect(lastRecord(MODEL)).toMatchObject({ faults: ['gzip-unsized'], bytes: res.body.length });

    const ranged = await rawGet(fileUrl(MODEL), { Range: 'bytes=1000-' });
    expect(ranged.status).toBe(200);
    expect(gunzipSync(ranged.body).equals(model)).toBe(true);
  });

  it('gzip-sized: Content-Length is the compressed length; a fetch sees the file once decoded', async () => {
    server.setFaults([{ kind: 'gzip-sized', path: 'config.json', times: 2 }]);
    const raw = await rawGet(fileUrl('config.json'));
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-length']).toBe(String(raw.body.length));
    expect(gunzipSync(raw.body).equals(config)).toBe(true);
    const decoded = await download(fileUrl('config.json'));
    expect(decoded.body.equals(config)).toBe(true);
    expect(decoded.headers.get('content-length')).not.toBe(String(config.length));
  });

  it('leaves truncate and drop for a later request, and compresses flipped bytes', async () => {
    server.setFaults([{ kind: 'gzip-unsized', path: MODEL }, { kind: 'truncate', path: MODEL, bytes: 10 }, { kind: 'corrupt', path: MODEL }]);
    const res = await rawGet(fileUrl(MODEL));
    const body = gunzipSync(res.body);
    expect(body.length).toBe(model.length);
    expect(body.equals(model)).toBe(false);
    expect(lastRecord(MODEL)?.faults).toEqual(['gzip-unsized', 'corrupt']);
    expect((await download(fileUrl(MODEL))).body.length).toBe(model.length - 10);
  });
});

describe('content-length', () => {
  it('announces fewer bytes than the body: the client takes that many as the whole answer', async () => {
    server.setFaults([{ kind: 'content-length', path: MODEL, bytes: -500 }]);
    const res = await download(fileUrl(MODEL));
    expect(res.headers.get('content-length')).toBe(String(model.length - 500));
    expect(res.body.equals(model.subarray(0, model.length - 500))).toBe(true);
    expect(lastRecord(MODEL)?.faults).toEqual(['content-length']);
  });

  it('announces more bytes than the body: the connection closes after the body, short of it', async () => {
    server.setFaults([{ kind: 'content-length', path: MODEL, bytes: 500 }]);
    const res = await download(fileUrl(MODEL));
    expect(res.headers.get('content-length')).toBe(String(model.length + 500));
    expect(res.error).toBeDefined();
    expect(res.body.equals(model)).toBe(true);
  });

  it('applies to a range answer, whose Content-Range stays true', async () => {
    server.setFaults([{ kind: 'content-length', path: MODEL, bytes: 7 }]);
    const res = await download(fileUrl(MODEL), { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-length')).toBe('107');
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${model.length}`);
    expect(res.body.equals(model.subarray(100, 200))).toBe(true);
  });
});

describe('lie-size', () => {
  it('the listing reports the size off by the given bytes, sha256 unchanged; times counts listings', async () => {
    server.setFaults([
      { kind: 'lie-size', path: MODEL, bytes: -1000, times: 1 },
      { kind: 'lie-size', path: 'config.json', bytes: 5, times: 1 },
    ]);
    const lied = await listing();
    const weights = lied.find((e) => e.path === MODEL)!;
    expect(weights.size).toBe(model.length - 1000);
    expect(weights.lfs).toMatchObject({ size: model.length - 1000, oid: sha256(model) });
    expect(lied.find((e) => e.path === 'config.json')?.size).toBe(config.length + 5);
    expect(server.requests.at(-1)?.faults).toEqual(['lie-size']);
    // The file itself is served as it is, and the next listing is truthful.
    expect((await download(fileUrl(MODEL))).body.equals(model)).toBe(true);
    expect((await listing()).find((e) => e.path === MODEL)?.size).toBe(model.length);
    expect((await listing(OTHER_REPO)).find((e) => e.path === MODEL)?.size).toBe(model.length);
  });
});

describe('rule matching', () => {
  it('honours times: a count, then clean; Infinity never runs out', async () => {
    server.setFaults([{ kind: 'status', path: MODEL, times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await download(fileUrl(MODEL))).status);
    expect(statuses).toEqual([500, 500, 200]);

    server.setFaults([{ kind: 'status', path: MODEL, times: Infinity }]);
    for (let i = 0; i < 4; i++) expect((await download(fileUrl(MODEL))).status).toBe(500);
  });

  it('matches by substring, RegExp and repo', async () => {
    server.setFaults([{ kind: 'status', path: /\.onnx$/, repo: OTHER_REPO, times: Infinity }]);
    expect((await download(fileUrl(MODEL))).status).toBe(200);
    expect((await download(fileUrl('config.json', OTHER_REPO))).status).toBe(200);
    expect((await download(fileUrl(MODEL, OTHER_REPO))).status).toBe(500);

    server.setFaults([{ kind: 'status', path: 'config', times: Infinity }]);
    expect((await download(fileUrl('config.json'))).status).toBe(500);
    expect((await download(fileUrl(MODEL))).status).toBe(200);
  });

  it('never faults HEAD or the tree listing, and they do not use up a rule', async () => {
    server.setFaults([{ kind: 'status' }, { kind: 'truncate', bytes: 10 }]);
    const head = await fetch(fileUrl(MODEL), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(model.length));
    const tree = await fetch(`${server.url}/api/models/${REPO}/tree/main?recursive=true`);
    expect(tree.status).toBe(200);
    const entries = (await tree.json()) as HubTreeEntry[];
    expect(entries.find((e) => e.path === MODEL)?.size).toBe(model.length);
    expect(server.requests.every((r) => r.faults === undefined)).toBe(true);
    expect((await download(fileUrl(MODEL))).status).toBe(500);
  });

  it('refuses invalid rules and keeps the old ones', () => {
    server.setFaults([{ kind: 'status', path: MODEL }]);
    const bad: unknown[] = [
      [{ kind: 'explode' }],
      [{ kind: 'drop-after-bytes' }],
      [{ kind: 'truncate', bytes: 0 }],
      [{ kind: 'throttle', bytesPersecond: 10 }],
      [{ kind: 'status', status: 42 }],
      [{ kind: 'corrupt', times: 0 }],
      [{ kind: 'corrupt', path: 3 }],
      [{ kind: 'gzip-unsized', bytes: 3 }],
      [{ kind: 'lie-size' }],
      [{ kind: 'content-length', bytes: 1.5 }],
      { kind: 'status' },
    ];
    for (const rules of bad) expect(() => server.setFaults(rules as never)).toThrow(/fault rule/i);
  });

  it('takes rules at creation', async () => {
    const s = await createMirrorServer({ root, port: 0, faults: [{ kind: 'status', status: 502 }] });
    try {
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(502);
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('control endpoint', () => {
  const TOKEN = 'test-control-token-0123456789';
  const corsHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it('is 404 unless enabled', async () => {
    for (const [method, p] of [
      ['POST', '/__mirror/faults'],
      ['DELETE', '/__mirror/faults'],
      ['GET', '/__mirror/requests'],
      ['OPTIONS', '/__mirror/faults'],
    ]) {
      const res = await fetch(`${server.url}${p}`, { method, body: method === 'POST' ? '[]' : undefined });
      await res.arrayBuffer();
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(corsHeaders(res), `${method} ${p}`).toEqual([]);
    }
  });

  it('replaces and clears rules and returns the request log when enabled, with no CORS headers', async () => {
    const s = await createMirrorServer({ root, port: 0, controlEndpoint: true, controlToken: TOKEN });
    expect(s.controlToken).toBe(TOKEN);
    const control = (method: string, p: string, body?: unknown) =>
      fetch(`${s.url}${p}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      // JSON.stringify turns Infinity into null, which the endpoint reads back as Infinity.
      const set = await control('POST', '/__mirror/faults', [{ kind: 'status', path: 'model.onnx', status: 503, times: Infinity }]);
      expect(set.status).toBe(200);
      expect(corsHeaders(set)).toEqual([]);
      expect(await set.json()).toEqual({ rules: 1 });
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(503);
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(503);

      const log = await control('GET', '/__mirror/requests');
      expect(log.status).toBe(200);
      const records = await log.json();
      expect(records).toEqual([
        { method: 'GET', path: `/${REPO}/resolve/main/${MODEL}`, status: 503, bytes: 0, faults: ['status'] },
        { method: 'GET', path: `/${REPO}/resolve/main/${MODEL}`, status: 503, bytes: 0, faults: ['status'] },
      ]);

      expect(await (await control('DELETE', '/__mirror/faults')).json()).toEqual({ rules: 0 });
      expect((await download(fileUrl(MODEL, REPO, s))).body.equals(model)).toBe(true);

      expect(await (await control('DELETE', '/__mirror/requests')).json()).toEqual([]);
      expect(s.requests).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('refuses calls without the token, and any call from a web page, leaving the rules alone', async () => {
    const s = await createMirrorServer({ root, port: 0, controlEndpoint: true });
    const token = s.controlToken!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    const rules = JSON.stringify([{ kind: 'status', times: Infinity }]);
    try {
      for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${token}`, `Bearer ${token}x`]) {
        const res = await fetch(`${s.url}/__mirror/faults`, { method: 'POST', body: rules, headers: authorization ? { Authorization: authorization } : {} });
        expect(res.status, String(authorization)).toBe(401);
        expect(res.headers.get('x-error-code')).toBe('ControlUnauthorized');
        expect((await res.json()).error).toMatch(/Authorization: Bearer <token>/);
      }
      // What a page's fetch would send: its Origin, even with the right token (stolen or guessed).
      for (const method of ['POST', 'OPTIONS']) {
        const res = await fetch(`${s.url}/__mirror/faults`, {
          method,
          body: method === 'POST' ? rules : undefined,
          headers: { Origin: 'https://evil.example', Authorization: `Bearer ${token}`, 'Access-Control-Request-Method': 'POST' },
        });
        expect(res.status, method).toBe(403);
        expect(corsHeaders(res), method).toEqual([]);
        await res.arrayBuffer();
      }
      const log = await fetch(`${s.url}/__mirror/requests`, { headers: { Origin: 'https://evil.example' } });
      expect(log.status).toBe(403);
      expect(await log.text()).not.toContain('resolve');
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('refuses a short or spaced token at start', async () => {
    await expect(createMirrorServer({ root, port: 0, controlEndpoint: true, controlToken: 'short' })).rejects.toThrow(/at least 16 printable/);
    await expect(createMirrorServer({ root, port: 0, controlEndpoint: true, controlToken: 'has a space in it ok' })).rejects.toThrow(/no spaces/);
  });

  it('rejects bad bodies and wrong methods', async () => {
    const s = await createMirrorServer({ root, port: 0, controlEndpoint: true, controlToken: TOKEN, faults: [{ kind: 'status', times: Infinity }] });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    try {
      const notJson = await fetch(`${s.url}/__mirror/faults`, { method: 'POST', body: '{nope', headers: auth });
      expect(notJson.status).toBe(400);
      const badRule = await fetch(`${s.url}/__mirror/faults`, { method: 'POST', body: JSON.stringify([{ kind: 'melt' }]), headers: auth });
      expect(badRule.status).toBe(400);
      expect((await badRule.json()).error).toMatch(/unknown kind "melt"/);
      // A rejected list leaves the running rules alone.
      expect((await download(fileUrl(MODEL, REPO, s))).status).toBe(500);

      const wrong = await fetch(`${s.url}/__mirror/faults`, { headers: auth });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST, DELETE');
      await wrong.arrayBuffer();
      expect((await fetch(`${s.url}/__mirror/nothing`, { headers: auth })).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
