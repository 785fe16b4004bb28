// Streaming SHA-256 for downloads: hash-wasm jobs that can be saved mid-file and continued, and a
// download that writes every chunk without waiting for the hash, commits only on a matching
// digest, and carries the hash across a cut connection. The jobs run in place here (node has no
// Web Worker); the e2e downloads spec runs them in the real hashing worker.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRepoMirror } from './support/repo-mirror';
import { downloadFile, type FileSink, type RemoteFile } from '../../src/lib/models/download/file-download';
import { Sha256Hashing, type HashPort } from '../../src/lib/models/download/hashing-worker';
import { Sha256Jobs, type HashReply, type HashRequest } from '../../src/lib/models/download/sha256-jobs';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Real jobs behind a port that delivers requests only when told to, as a busy worker would. */
class HeldPort implements HashPort {
  onmessage: ((event: MessageEvent<HashReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly requests: HashRequest[] = [];
  #jobs = new Sha256Jobs();
  #held: HashRequest[] = [];
  holding = true;

  postMessage(message: HashRequest): void {
    this.requests.push(message);
    if (this.holding) this.#held.push(message);
    else this.#deliver(message);
  }

  release(): void {
    this.holding = false;
    for (const message of this.#held.splice(0)) this.#deliver(message);
  }

  terminate(): void {}

  #deliver(message: HashRequest): void {
    this.#jobs.handle(message, (reply) => this.onmessage?.({ data: reply } as MessageEvent<HashReply>));
  }
}

describe('streaming sha256', () => {
  const file = randomBytes(1_000_003);

  it('a hash saved mid-file and continued from its state gives the same digest as one pass', async () => {
    const hashing = new Sha256Hashing(() => null);
    // Not on a 64-byte block boundary: the saved state must carry the partial block too.
    const cut = 400_037;
    const first = hashing.start();
    first.update(file.slice(0, 100_000));
    first.update(file.slice(100_000, cut));
    const state = await first.save();
    first.drop();

    const resumed = hashing.start(state);
    resumed.update(file.slice(cut));
    expect(await resumed.digest()).toBe(sha256(file));

    const onePass = hashing.start();
    onePass.update(file.slice());
    expect(await onePass.digest()).toBe(sha256(file));
    // What a resume that forgot the prefix would get.
    const suffixOnly = hashing.start();
    suffixOnly.update(file.slice(cut));
    expect(await suffixOnly.digest()).not.toBe(sha256(file));
  });

  it('hashes files side by side, each job its own bytes', async () => {
    const hashing = new Sha256Hashing(() => null);
    const other = randomBytes(5_000);
    const a = hashing.start();
    const b = hashing.start();
    const chunk = file.slice(0, 500_000);
    a.update(chunk);
    b.update(other.slice(0, 2_000));
    a.update(file.slice(500_000));
    b.update(other.slice(2_000));
    expect(await Promise.all([a.digest(), b.digest()])).toEqual([sha256(file), sha256(other)]);
    await expect(a.digest()).rejects.toThrow('the hash has ended');
  });
});

const REPO = 'org/model';
const weights = randomBytes(300_000);
const mirror = useRepoMirror(REPO, { 'onnx/model.onnx': weights });

class MemorySink implements FileSink {
  chunks: Uint8Array[] = [];
  state: 'open' | 'committed' | 'aborted' = 'open';
  async write(chunk: Uint8Array) {
    this.chunks.push(chunk);
  }
  async close() {
    this.state = 'committed';
  }
  async abort() {
    this.state = 'aborted';
  }
  get bytes() {
    return Buffer.concat(this.chunks);
  }
}

function download(port: HeldPort, overrides: Partial<RemoteFile> = {}) {
  const sinks: MemorySink[] = [];
  const done = downloadFile(
    { path: 'onnx/model.onnx', url: `${mirror.server.url}/${REPO}/resolve/main/onnx/model.onnx`, size: weights.length, sha256: sha256(weights), ...overrides },
    {
      repoId: REPO,
      fetch: globalThis.fetch.bind(globalThis),
      signal: new AbortController().signal,
      onBytes: () => {},
      openSink: () => {
        const sink = new MemorySink();
        sinks.push(sink);
        return sink;
      },
      sleep: () => Promise.resolve(),
      hashing: new Sha256Hashing(() => port),
    },
  );
  return { sinks, done };
}

/** Resolves once every byte of the file has reached the sink. */
async function allWritten(sinks: MemorySink[]): Promise<void> {
  while (sinks[0]?.bytes.length !== weights.length) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('downloads hash beside the writes', () => {
  it('writes every chunk without waiting for the hash, and commits only once the digest matches', async () => {
    const port = new HeldPort();
    const { sinks, done } = download(port);
    // No hashing has happened yet, and every byte is already written.
    await allWritten(sinks);
    expect(sinks[0].state).toBe('open');
    port.release();
    await done;
    expect(sinks[0].state).toBe('committed');
    expect(sinks[0].bytes.equals(weights)).toBe(true);
  });

  it('a download cut mid-file continues the hash from its state at the cut, so the digest covers the whole file', async () => {
    mirror.server.setFaults([{ kind: 'drop-after-bytes', bytes: 100_000 }]);
    const port = new HeldPort();
    port.release();
    const { sinks, done } = download(port);
    await done;
    expect(sinks.map((s) => s.state)).toEqual(['committed']);
    const gets = mirror.server.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
    // Two jobs: the first saved at the cut, the second started from that state and digested.
    const starts = port.requests.filter((r) => r.type === 'start');
    expect(starts).toHaveLength(2);
    expect(starts[0].state).toBeNull();
    expect(starts[1].state).toBeInstanceOf(Uint8Array);
    const saved = port.requests.findIndex((r) => r.type === 'save');
    expect(saved).toBeGreaterThan(-1);
    expect(port.requests.findIndex((r) => r === starts[1])).toBeGreaterThan(saved);
    // The resumed job hashed only the bytes after the cut; its digest matched because it began from the state.
    const resumedBytes = port.requests
      .filter((r): r is Extract<HashRequest, { type: 'update' }> => r.type === 'update' && r.job === starts[1].job)
      .reduce((sum, r) => sum + r.chunk.length, 0);
    expect(resumedBytes).toBe(weights.length - 100_000);
  });
});
