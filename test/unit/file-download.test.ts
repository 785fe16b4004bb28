// One file, fetched whole or not at all, against the real mirror over loopback HTTP with its
// faults switched on: resume with Range, retries, size and sha256 checks, cancel, 404s.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRepoMirror } from './support/repo-mirror';
import { createServer } from 'node:http';
import { UNSIZED_FILE_LIMIT, downloadFile, type FileSink, type RemoteFile } from '../../src/lib/models/download/file-download';

const REPO = 'org/model';
const weights = randomBytes(300_000);
const sha = createHash('sha256').update(weights).digest('hex');
const mirror = useRepoMirror(REPO, { 'onnx/model.onnx': weights, 'config.json': '{"model_type":"qwen3"}' });

function file(overrides: Partial<RemoteFile> = {}): RemoteFile {
  return { path: 'onnx/model.onnx', url: `${mirror.server.url}/${REPO}/resolve/main/onnx/model.onnx`, size: weights.length, sha256: sha, ...overrides };
}

/** Collects what a download writes, and whether it was committed or thrown away. */
class MemorySink implements FileSink {
  chunks: Uint8Array[] = [];
  state: 'open' | 'committed' | 'aborted' = 'open';
  constructor(readonly size: number | null) {}
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

function options(extra: { signal?: AbortSignal } = {}) {
  const deltas: number[] = [];
  const sinks: MemorySink[] = [];
  return {
    deltas,
    sinks,
    opts: {
      repoId: REPO,
      fetch: globalThis.fetch.bind(globalThis),
      signal: extra.signal ?? new AbortController().signal,
      onBytes: (d: number) => deltas.push(d),
      openSink: (size: number | null) => {
        const sink = new MemorySink(size);
        sinks.push(sink);
        return sink;
      },
      sleep: () => Promise.resolve(), // no real backoff in tests
    },
  };
}

/** The bytes of the one committed sink; fails if none or several were committed. */
function committed(sinks: MemorySink[]): Buffer {
  const done = sinks.filter((s) => s.state === 'committed');
  expect(done).toHaveLength(1);
  return done[0].bytes;
}

describe('downloadFile', () => {
  it('fetches a file and reports every byte once', async () => {
    const { deltas, sinks, opts } = options();
    expect(await downloadFile(file(), opts)).toMatchObject({ size: weights.length });
    expect(committed(sinks).equals(weights)).toBe(true);
    expect(sinks[0].size).toBe(weights.length);
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(weights.length);
  });

  it('resumes a dropped connection with Range from the bytes it has', async () => {
    mirror.server.setFaults([{ kind: 'drop-after-bytes', bytes: 100_000 }]);
    const { deltas, sinks, opts } = options();
    await downloadFile(file(), opts);
    expect(committed(sinks).equals(weights)).toBe(true);
    // One sink throughout: the resumed bytes continue the same file.
    expect(sinks).toHaveLength(1);
    const gets = mirror.server.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
    expect(gets[1].status).toBe(206);
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(weights.length);
  });

  it('retries 5xx answers and gives up after five in a row with a clear message', async () => {
    mirror.server.setFaults([{ kind: 'status', status: 503, times: 2 }]);
    const { sinks, opts } = options();
    await downloadFile(file(), opts);
    expect(committed(sinks).equals(weights)).toBe(true);

    mirror.server.setFaults([{ kind: 'status', status: 500, times: Infinity }]);
    await expect(downloadFile(file(), options().opts)).rejects.toMatchObject({
      name: 'NetworkError',
      message: expect.stringContaining('failed 5 times in a row (the server answered 500)'),
    });
  });

  it('does not retry answers that will not change', async () => {
    mirror.server.setFaults([{ kind: 'status', status: 403, times: Infinity }]);
    await expect(downloadFile(file(), options().opts)).rejects.toMatchObject({ name: 'NetworkError' });
    expect(mirror.server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('rejects a corrupted body by its sha256 and throws the bytes away', async () => {
    mirror.server.setFaults([{ kind: 'corrupt', bytes: 3 }]);
    const { sinks, opts } = options();
    await expect(downloadFile(file(), opts)).rejects.toMatchObject({
      name: 'CorruptDownloadError',
      message: expect.stringContaining('arrived damaged (sha256'),
    });
    expect(sinks.map((s) => s.state)).toEqual(['aborted']);
  });

  it('passes a failure to store through at once, without retrying', async () => {
    const { opts } = options();
    const full = new DOMException('Quota exceeded.', 'QuotaExceededError');
    const failing = { ...opts, openSink: () => ({ write: () => Promise.reject(full), close: async () => {}, abort: async () => {} }) };
    await expect(downloadFile(file(), failing)).rejects.toBe(full);
    expect(mirror.server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('completes a body cut short as if whole by asking for the rest', async () => {
    mirror.server.setFaults([{ kind: 'truncate', bytes: 1000 }]);
    const { sinks, opts } = options();
    await downloadFile(file(), opts);
    expect(committed(sinks).equals(weights)).toBe(true);
    expect(mirror.server.requests.filter((r) => r.method === 'GET').map((r) => r.range)).toEqual([undefined, `bytes=${weights.length - 1000}-`]);
  });

  it('rejects a file whose size differs from the listing, naming both sizes, and keeps nothing', async () => {
    const longer = options();
    await expect(downloadFile(file({ size: weights.length + 10, sha256: null }), longer.opts)).rejects.toMatchObject({
      name: 'CorruptDownloadError',
      message: `"onnx/model.onnx" arrived damaged (the hub listed ${weights.length + 10} bytes, the server has ${weights.length}). It was not saved; press Load to download it again.`,
    });
    const shorter = options();
    await expect(downloadFile(file({ size: weights.length - 10, sha256: null }), shorter.opts)).rejects.toMatchObject({
      name: 'CorruptDownloadError',
      message: expect.stringContaining(`(the hub listed ${weights.length - 10} bytes, the server announced ${weights.length})`),
    });
    for (const { sinks } of [longer, shorter]) expect(sinks.map((s) => s.state)).toEqual(['aborted']);
  });

  it('stops when cancelled, mid-body', async () => {
    mirror.server.setFaults([{ kind: 'throttle', bytesPerSecond: 100_000, times: Infinity }]);
    const controller = new AbortController();
    const { sinks, opts } = options({ signal: controller.signal });
    const pending = downloadFile(file(), { ...opts, onBytes: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ name: 'DownloadCancelledError' });
    expect(sinks.every((s) => s.state === 'aborted')).toBe(true);
  });

  it('names a missing file, and skips a missing optional one', async () => {
    const missing = file({ path: 'tokenizer.json', url: `${mirror.server.url}/${REPO}/resolve/main/tokenizer.json`, size: null, sha256: null });
    await expect(downloadFile(missing, options().opts)).rejects.toMatchObject({
      name: 'ModelFileMissingError',
      message: `Model "${REPO}" has no file "tokenizer.json".`,
    });
    expect(await downloadFile({ ...missing, optional: true }, options().opts)).toBeNull();
  });

  it('shows the Content-Length of an unlisted file as its size, but stores the file unsized: the body decides', async () => {
    const config = file({ path: 'config.json', url: `${mirror.server.url}/${REPO}/resolve/main/config.json`, size: null, sha256: null });
    const { sinks, opts } = options();
    const announced: number[] = [];
    const result = await downloadFile(config, { ...opts, onAnnouncedSize: (size) => announced.push(size) });
    expect(committed(sinks).toString()).toBe('{"model_type":"qwen3"}');
    expect(announced).toEqual([22]);
    expect(sinks[0].size).toBeNull();
    expect(result).toMatchObject({ size: 22, contentType: expect.stringContaining('json') });
  });

  it('an answer announcing more than it sends loses nothing: the listed bytes are all in, checked, with no second request', async () => {
    mirror.server.setFaults([{ kind: 'content-length', path: 'model.onnx', bytes: 5000 }]);
    const { sinks, opts } = options();
    await downloadFile(file(), opts);
    expect(committed(sinks).equals(weights)).toBe(true);
    expect(mirror.server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('an unlisted file whose answer announced more than it had is stored whole once the server shows it has no more', async () => {
    mirror.server.setFaults([{ kind: 'content-length', path: 'model.onnx', bytes: 5000 }]);
    const { sinks, opts } = options();
    const result = await downloadFile(file({ size: null, sha256: null }), opts);
    expect(committed(sinks).equals(weights)).toBe(true);
    expect(result!.size).toBe(weights.length);
    // The resume asked for what follows the last byte, and the server said there is nothing.
    expect(mirror.server.requests.filter((r) => r.method === 'GET').map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      [`bytes=${weights.length}-`, 416],
    ]);
  });

  it('stops an unsized tokenizer past 64 MB whatever larger Content-Length its server announces', async () => {
    const announced = UNSIZED_FILE_LIMIT + (32 << 20);
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(announced) });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let left = announced / chunk.length;
      const more = () => {
        while (!res.destroyed && left > 0) {
          left--;
          if (!res.write(chunk)) break;
        }
        if (left === 0) res.end();
        else if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const claimed = file({ path: 'tokenizer.json', url: `http://127.0.0.1:${port}/${REPO}/resolve/main/tokenizer.json`, size: null, sha256: null });
      const { sinks, deltas, opts } = options();
      await expect(downloadFile(claimed, opts)).rejects.toMatchObject({ name: 'FileTooLargeError' });
      expect(sinks.every((sink) => sink.state === 'aborted')).toBe(true);
      expect(deltas.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(UNSIZED_FILE_LIMIT + (2 << 20));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('stops an unsized non-weight file that never ends, names it, and saves nothing', async () => {
    // A hostile mirror: chunked, no Content-Length, never done.
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const endless = file({ path: 'tokenizer.json', url: `http://127.0.0.1:${port}/${REPO}/resolve/main/tokenizer.json`, size: null, sha256: null });
      const { sinks, deltas, opts } = options();
      await expect(downloadFile(endless, opts)).rejects.toMatchObject({
        name: 'FileTooLargeError',
        message: expect.stringMatching(/^"tokenizer\.json" kept arriving past 64 MB with no size given by the hub/),
      });
      expect(sinks.every((sink) => sink.state === 'aborted')).toBe(true);
      const received = deltas.reduce((a, b) => a + b, 0);
      expect(received).toBeGreaterThan(UNSIZED_FILE_LIMIT);
      expect(received).toBeLessThanOrEqual(UNSIZED_FILE_LIMIT + (2 << 20));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
