// The pure parts of the download manager: hashing, speed/ETA, retry timing, storage budget,
// and reading model locations back out of stored URLs.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256Hashing } from '../../src/lib/models/download/hashing-worker';
import { TransferRate } from '../../src/lib/models/download/transfer-rate';
import { backoffDelayMs, isRetryableStatus, sleep } from '../../src/lib/models/download/retry-policy';
import { assertFits, freeBytes, isQuotaError, isStorageRefusal, storageRefusedMessage } from '../../src/lib/models/download/storage-budget';
import { locateFileUrl } from '../../src/lib/models/model-store';
import { resolveFileUrl } from '../../src/lib/models/hub-urls';
import { formatDuration, formatSpeed } from '../../src/lib/render/format';

const nodeSha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('streaming sha256 (hash-wasm)', () => {
  const hashing = new Sha256Hashing(() => null);
  const digestOf = (chunks: Uint8Array[]) => {
    const hash = hashing.start();
    for (const chunk of chunks) hash.update(chunk.slice());
    return hash.digest();
  };

  it('matches node for every length around the block and padding boundaries', async () => {
    const data = randomBytes(300);
    for (let length = 0; length <= 200; length++) {
      const part = data.subarray(0, length);
      expect(await digestOf([part]), `length ${length}`).toBe(nodeSha(part));
    }
  });

  it('gives the same digest however the input is chunked', async () => {
    const data = randomBytes(200_003);
    const expected = nodeSha(data);
    for (const chunk of [7, 63, 64, 65, 4096, 65_537]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < data.length; i += chunk) chunks.push(data.subarray(i, i + chunk));
      expect(await digestOf(chunks), `chunks of ${chunk}`).toBe(expected);
    }
  });

  it('knows the standard test vector and refuses a second digest', async () => {
    const hash = hashing.start();
    hash.update(new TextEncoder().encode('abc'));
    expect(await hash.digest()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    await expect(hash.digest()).rejects.toThrow('the hash has ended');
  });
});

describe('TransferRate', () => {
  it('measures bytes per second over the recent window and forgets older samples', () => {
    let now = 0;
    const rate = new TransferRate(3000, () => now);
    expect(rate.bytesPerSecond).toBeNull();
    rate.add(0);
    for (let t = 1; t <= 10; t++) {
      now = t * 1000;
      rate.add(1000); // 1 KB/s for 10 s
    }
    expect(rate.bytesPerSecond).toBeCloseTo(1000, 0);
    for (let t = 11; t <= 16; t++) {
      now = t * 1000;
      rate.add(10_000); // then 10 KB/s
    }
    // Only the last 3 s (all at the new speed) count.
    expect(rate.bytesPerSecond).toBeCloseTo(10_000, 0);
    expect(rate.etaSeconds(50_000)).toBeCloseTo(5, 1);
    expect(rate.etaSeconds(0)).toBe(0);
  });

  it('has no ETA when nothing moves', () => {
    let now = 0;
    const rate = new TransferRate(3000, () => now);
    rate.add(0);
    now = 5000;
    rate.add(0);
    expect(rate.etaSeconds(100)).toBeNull();
  });
});

describe('retry policy', () => {
  it('retries only statuses that mean "try later"', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(status), String(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 410, 416]) expect(isRetryableStatus(status), String(status)).toBe(false);
  });

  it('backs off exponentially within [half, full] of the step, capped', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(250);
    expect(backoffDelayMs(1, () => 1)).toBe(500);
    expect(backoffDelayMs(3, () => 1)).toBe(2000);
    expect(backoffDelayMs(20, () => 1)).toBe(8000);
  });

  it('sleep rejects as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });
});

describe('storage budget', () => {
  it('passes when it fits and when the browser does not say', () => {
    expect(() => assertFits('m', 100, { quota: 1000, usage: 900 })).not.toThrow();
    expect(() => assertFits('m', 100, {})).not.toThrow();
    expect(freeBytes({ quota: 1000, usage: 1200 })).toBe(0);
  });

  it('says how much is needed and how much is free', () => {
    let error: unknown;
    try {
      assertFits('"Qwen3"', 600 * 1024 * 1024, { quota: 1024 * 1024 * 1024, usage: 900 * 1024 * 1024 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'QuotaExceededError', neededBytes: 600 * 1024 * 1024, freeBytes: 124 * 1024 * 1024 });
    expect((error as Error).message).toContain('needs 600 MB');
    expect((error as Error).message).toContain('only 124 MB is free');
    expect(isQuotaError(error)).toBe(true);
    expect(isQuotaError(new Error('other'))).toBe(false);
  });

  it("recognises Chromium's refusal of a large Cache API entry and names the file", () => {
    const refusal = new DOMException("Failed to execute 'put' on 'Cache': Unexpected internal error.", 'UnknownError');
    expect(isStorageRefusal(refusal)).toBe(true);
    expect(isStorageRefusal(new DOMException('The user aborted a request.', 'AbortError'))).toBe(false);
    expect(isStorageRefusal(new Error('Unexpected internal error'))).toBe(false);
    const message = storageRefusedMessage('"Qwen3 0.6B"', 'onnx/model_quantized.onnx', 720 * 1024 * 1024);
    expect(message).toContain('onnx/model_quantized.onnx (720 MB) of "Qwen3 0.6B"');
    expect(message).toMatch(/private \(incognito\) window/);
  });
});

describe('locateFileUrl', () => {
  it('reads hub, repo, revision and path back from what resolveFileUrl builds', () => {
    for (const hub of ['https://huggingface.co', 'http://127.0.0.1:5181', 'https://mirror.example/models/hf']) {
      const url = resolveFileUrl(hub, 'onnx-community/Qwen3-0.6B-ONNX', 'main', 'onnx/model_q4f16.onnx');
      expect(locateFileUrl(url)).toEqual({ hub, repoId: 'onnx-community/Qwen3-0.6B-ONNX', revision: 'main', path: 'onnx/model_q4f16.onnx' });
    }
  });

  it('returns null for URLs that are not hub file URLs', () => {
    expect(locateFileUrl('https://example.com/app.js')).toBeNull();
    expect(locateFileUrl('not a url')).toBeNull();
  });
});

describe('download figures', () => {
  it('formats speed and time left', () => {
    expect(formatSpeed(2.5 * 1024 * 1024)).toBe('2.5 MB/s');
    expect(formatSpeed(null)).toBe('–');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(3720)).toBe('1 h 2 min');
    expect(formatDuration(null)).toBe('–');
  });
});
