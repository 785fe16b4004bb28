// A GGUF repo whose architecture llama.cpp can't run is refused from the file's first bytes on the
// hub, before any download: through the real model mirror (Range, 206), through a redirect like the
// hub's to its CDN, and from a server that ignores Range and starts sending the whole file, whose
// body is read only as far as the header and then cancelled.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMirrorServer, type MirrorServer } from '../../scripts/mirror-server';
import { encodeGguf, gv, layoutGguf } from '../../src/lib/models/gguf/gguf-writer';
import { assertRemoteGgufRunnable, fetchGgufArchitecture } from '../../src/lib/models/gguf/gguf-remote-head';
import { planGgufLoad } from '../../src/lib/models/gguf/gguf-lookup';
import { resolveFileUrl } from '../../src/lib/models/hub-urls';
import { REFUSED_GGUF, refusedGgufPlan } from '../fixtures/tiny-gguf-refused';

const RUNNABLE = { id: 'fixtures/header-only-qwen3-gguf', file: 'header-only-Q8_0.gguf' };

let root: string;
let mirror: MirrorServer;
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gguf-remote-head-'));
  await mkdir(join(root, REFUSED_GGUF.id), { recursive: true });
  await writeFile(join(root, REFUSED_GGUF.id, REFUSED_GGUF.file), encodeGguf(refusedGgufPlan()));
  await mkdir(join(root, RUNNABLE.id), { recursive: true });
  await writeFile(join(root, RUNNABLE.id, RUNNABLE.file), encodeGguf({ metadata: [['general.architecture', gv.str('qwen3')]], tensors: [] }));
  mirror = await createMirrorServer({ root, port: 0 });
});

afterEach(async () => {
  await mirror.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(root, { recursive: true, force: true });
});

const refusedUrl = (hub: string) => resolveFileUrl(hub, REFUSED_GGUF.id, 'main', REFUSED_GGUF.file);

describe('the head of a GGUF file on the hub', () => {
  it('refuses an architecture the app does not run, by name, from one Range request of the first 256 KiB', async () => {
    const refusal = assertRemoteGgufRunnable(refusedUrl(mirror.url));
    await expect(refusal).rejects.toMatchObject({ name: 'GgufUnsupportedArchitectureError', architecture: 'mamba' });
    await expect(refusal).rejects.toThrow(/architecture "mamba" isn't one the app runs with llama.cpp/);
    expect(mirror.requests.map((r) => [r.method, r.range, r.status])).toEqual([['GET', 'bytes=0-262143', 206]]);
    expect(mirror.requests[0]!.bytes).toBe(256 * 1024);

    await expect(assertRemoteGgufRunnable(resolveFileUrl(mirror.url, RUNNABLE.id, 'main', RUNNABLE.file))).resolves.toBeUndefined();
  });

  it('follows a redirect to the file’s host, as the hub sends to its CDN', async () => {
    const hub = await listen(createServer((req, res) => res.writeHead(302, { Location: `${mirror.url}${req.url}` }).end()));
    await expect(assertRemoteGgufRunnable(refusedUrl(hub))).rejects.toMatchObject({ name: 'GgufUnsupportedArchitectureError' });
    expect(mirror.requests.map((r) => r.range)).toEqual(['bytes=0-262143']);
  });

  it('takes only the header from a server that ignores Range, and cancels the rest of the body', async () => {
    // A 1 GiB file whose header is the refused model's and whose data is zeros, sent in 64 KiB writes
    // as fast as the connection drains, until the client goes away.
    const head = layoutGguf(refusedGgufPlan()).head;
    const fileBytes = 1024 ** 3;
    let sent = 0;
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Length': String(fileBytes), 'Content-Type': 'application/octet-stream' });
      const zeros = new Uint8Array(64 * 1024);
      const pump = () => {
        while (sent < fileBytes && !res.destroyed) {
          const chunk = sent === 0 ? head : zeros;
          sent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      res.on('close', () => res.destroy());
      pump();
    });
    const url = await listen(server);
    const { architecture, receivedBytes } = await fetchGgufArchitecture(`${url}/org/model-GGUF/resolve/main/model.gguf`);
    expect(architecture).toBe('mamba');
    // The reader asks for 256 KiB at first and the header fits in it: one network chunk past that at most.
    expect(receivedBytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(receivedBytes).toBeLessThan(512 * 1024);
    // The server writes only as the client reads, so what it sent is what the client took plus what
    // the socket buffers held: a few MiB at most, nowhere near the file.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('leaves a server it cannot read to the download, and refuses a file that is not GGUF', async () => {
    const failing = await listen(createServer((_req, res) => res.writeHead(503).end()));
    await expect(assertRemoteGgufRunnable(`${failing}/a/b-GGUF/resolve/main/x.gguf`)).resolves.toBeUndefined();
    const zip = await listen(createServer((_req, res) => res.writeHead(200).end('PK\u0003\u0004 not a model at all')));
    await expect(assertRemoteGgufRunnable(`${zip}/a/b-GGUF/resolve/main/x.gguf`)).rejects.toMatchObject({ name: 'GgufBadMagicError' });
  });

  it('stops a load of any GGUF repo id before the download, with the architecture named', async () => {
    const plan = planGgufLoad({ repoId: REFUSED_GGUF.id, hub: mirror.url, revision: 'main', backend: 'wasm', entry: null, dtypeOverride: null, store: null });
    await expect(plan).rejects.toMatchObject({ name: 'GgufUnsupportedArchitectureError', message: expect.stringContaining('"mamba"') });
    const file = mirror.requests.filter((r) => r.path.endsWith(`/${REFUSED_GGUF.file}`));
    expect(file.map((r) => [r.range, r.bytes])).toEqual([['bytes=0-262143', 256 * 1024]]);
  });
});
