import { describe, expect, it } from 'vitest';
import {
  countRequests,
  fromResourceTiming,
  mergeRequestViews,
  requestsSince,
  type PageRequest,
} from '../../src/lib/privacy/request-views';
import type { ServiceWorkerRequest } from '../../src/lib/privacy/sw-protocol';

const T0 = 1_700_000_000_000;

function page(url: string, startMs: number, options: Partial<PageRequest> = {}): PageRequest {
  return { url, startMs, endMs: startMs + 40, viaServiceWorker: true, answeredFrom: 'unknown', ...options };
}

let nextId = 0;
function sw(url: string, timeMs: number, options: Partial<ServiceWorkerRequest> = {}): ServiceWorkerRequest {
  return { id: `boot-${nextId++}`, url, method: 'GET', timeMs, clientId: 'me', clientKind: 'window', answeredFrom: 'network', ...options };
}

describe('mergeRequestViews', () => {
  it('counts a page request the service worker also saw once, with the service worker\'s cache verdict', () => {
    const merged = mergeRequestViews([page('https://app.test/a.js', T0)], [sw('https://app.test/a.js', T0 + 5, { answeredFrom: 'precache' })]);
    expect(merged).toEqual([{ url: 'https://app.test/a.js', timeMs: T0, seenBy: ['page', 'service worker'], answeredFrom: 'precache', clientKind: 'window' }]);
  });

  it("keeps a worker's request, which only the service worker sees", () => {
    const merged = mergeRequestViews([], [sw('https://hub.test/model.onnx', T0, { clientKind: 'worker', clientId: 'w1' })]);
    expect(merged).toEqual([{ url: 'https://hub.test/model.onnx', timeMs: T0, seenBy: ['service worker'], answeredFrom: 'network', clientKind: 'worker' }]);
  });

  it('does not pair a worker request with a page request for the same URL', () => {
    const merged = mergeRequestViews([page('https://hub.test/c.json', T0)], [sw('https://hub.test/c.json', T0 + 1, { clientKind: 'worker' })]);
    expect(merged).toHaveLength(2);
  });

  it('pairs repeated fetches of one URL one to one, by time', () => {
    const url = 'https://app.test/manifest.webmanifest?x=1';
    const merged = mergeRequestViews(
      [page(url, T0), page(url, T0 + 5000)],
      [sw(url, T0 + 5003), sw(url, T0 + 2)],
    );
    expect(merged).toHaveLength(2);
    expect(merged.every((r) => r.seenBy.length === 2)).toBe(true);
  });

  it("takes the service worker's word on where a request it handled was answered from", () => {
    // The page sees no bytes transferred for anything its service worker answered.
    const merged = mergeRequestViews([page('https://app.test/m', T0, { answeredFrom: 'http cache' })], [sw('https://app.test/m', T0 + 1)]);
    expect(merged[0].answeredFrom).toBe('network');
  });

  it('does not pair requests further apart than the clock slack', () => {
    const url = 'https://app.test/x';
    expect(mergeRequestViews([page(url, T0)], [sw(url, T0 + 5000)])).toHaveLength(2);
  });

  it('a page request the service worker never handled stays a page request, even if a same-URL record exists', () => {
    const url = 'https://app.test/x';
    const merged = mergeRequestViews([page(url, T0, { viaServiceWorker: false, answeredFrom: 'network' })], [sw(url, T0 + 1)]);
    expect(merged.map((r) => r.seenBy)).toEqual([['page'], ['service worker']]);
  });

  it("leaves out another window's requests and URLs that never leave the device", () => {
    const merged = mergeRequestViews(
      [page('blob:https://app.test/123', T0), page('data:text/plain,hi', T0)],
      [sw('https://app.test/other-tab', T0, { clientId: 'tab2' }), sw('https://app.test/mine', T0, { clientId: 'me' })],
      (id) => id !== 'me',
    );
    expect(merged.map((r) => r.url)).toEqual(['https://app.test/mine']);
  });
});

describe('counting', () => {
  it('counts from the moment counting started and tells cache answers apart', () => {
    const merged = mergeRequestViews(
      [page('https://app.test/old', T0 - 10), page('https://app.test/new', T0 + 10, { viaServiceWorker: false, answeredFrom: 'http cache' })],
      [sw('https://hub.test/w', T0 + 20, { clientKind: 'worker' }), sw('https://app.test/p', T0 + 30, { answeredFrom: 'precache', clientKind: 'worker' })],
    );
    const since = requestsSince(merged, T0);
    expect(since.map((r) => r.url)).toEqual(['https://app.test/new', 'https://hub.test/w', 'https://app.test/p']);
    expect(countRequests(since)).toEqual({ total: 3, leftDevice: 1 });
    expect(countRequests([])).toEqual({ total: 0, leftDevice: 0 });
  });
});

describe('fromResourceTiming', () => {
  const entry = { name: 'https://app.test/a#frag', startTime: 100, responseEnd: 150, workerStart: 0, transferSize: 0, decodedBodySize: 0 };
  it('turns the page clock into epoch time and reads where the answer came from', () => {
    expect(fromResourceTiming(entry, T0)).toEqual({ url: 'https://app.test/a', startMs: T0 + 100, endMs: T0 + 150, viaServiceWorker: false, answeredFrom: 'unknown' });
    expect(fromResourceTiming({ ...entry, workerStart: 101, transferSize: 300 }, T0)).toMatchObject({ viaServiceWorker: true, answeredFrom: 'network' });
    expect(fromResourceTiming({ ...entry, decodedBodySize: 10 }, T0).answeredFrom).toBe('http cache');
    expect(fromResourceTiming({ ...entry, deliveryType: 'cache', transferSize: 5 }, T0).answeredFrom).toBe('http cache');
  });
});
