// Merges the two views of this app's network requests: the page's Resource Timing (its own requests
// only; workers keep their own timeline) and the service worker's fetch events (the page and the
// workers it controls). A request both saw is counted once.
import type { AnsweredFrom, ClientKind, ServiceWorkerRequest } from './sw-protocol';

export type RequestView = 'page' | 'service worker';

/** One request from the page's Resource Timing, in epoch milliseconds. */
export interface PageRequest {
  url: string;
  startMs: number;
  endMs: number;
  /** Resource Timing's workerStart > 0: a service worker got a fetch event for it. */
  viaServiceWorker: boolean;
  answeredFrom: AnsweredFrom;
}

export interface SeenRequest {
  url: string;
  timeMs: number;
  seenBy: RequestView[];
  answeredFrom: AnsweredFrom;
  clientKind: ClientKind;
}

/** The Resource Timing fields this needs (a PerformanceResourceTiming has them all). */
export interface ResourceTimingLike {
  name: string;
  startTime: number;
  responseEnd: number;
  workerStart: number;
  transferSize: number;
  decodedBodySize: number;
  deliveryType?: string;
}

/**
 * How far apart the two clocks may put the same request: the page's performance clock (monotonic,
 * anchored at timeOrigin) and the service worker's Date.now(), plus the time a stopped service
 * worker takes to start before it sees the event.
 */
export const CLOCK_SLACK_MS = 1000;

/** Only requests that can leave the device count: data: and blob: URLs never do. */
export function isNetworkUrl(url: string): boolean {
  return url.startsWith('http:') || url.startsWith('https:');
}

export function fromResourceTiming(entry: ResourceTimingLike, timeOrigin: number): PageRequest {
  return {
    url: withoutFragment(entry.name),
    startMs: timeOrigin + entry.startTime,
    endMs: timeOrigin + Math.max(entry.responseEnd, entry.startTime),
    viaServiceWorker: entry.workerStart > 0,
    answeredFrom: pageAnsweredFrom(entry),
  };
}

/**
 * Cross-origin responses without Timing-Allow-Origin report zero sizes: then nothing can be told.
 * A body with no bytes transferred came from the HTTP cache.
 */
function pageAnsweredFrom(entry: ResourceTimingLike): AnsweredFrom {
  if (entry.deliveryType === 'cache') return 'http cache';
  if (entry.transferSize > 0) return 'network';
  if (entry.decodedBodySize > 0) return 'http cache';
  return 'unknown';
}

export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * Pairs every page request that went through the service worker with the service worker's record
 * of it (same URL, inside the request's lifetime give or take CLOCK_SLACK_MS, nearest first). Page
 * requests without a partner and service worker requests without one (a worker's, or one whose page
 * entry is still in flight) each stay one request. Requests from another window of the app
 * (`otherWindow` says which) are left out; non-network URLs too.
 */
export function mergeRequestViews(
  page: readonly PageRequest[],
  serviceWorker: readonly ServiceWorkerRequest[],
  otherWindow: (clientId: string) => boolean = () => false,
): SeenRequest[] {
  const unmatched = serviceWorker.filter(
    (r) => isNetworkUrl(r.url) && !(r.clientKind === 'window' && r.clientId !== '' && otherWindow(r.clientId)),
  );
  const merged: SeenRequest[] = [];
  for (const request of [...page].sort((a, b) => a.startMs - b.startMs)) {
    if (!isNetworkUrl(request.url)) continue;
    const partner = request.viaServiceWorker ? nearestPartner(request, unmatched) : -1;
    if (partner === -1) {
      merged.push({ url: request.url, timeMs: request.startMs, seenBy: ['page'], answeredFrom: request.answeredFrom, clientKind: 'window' });
      continue;
    }
    const [seen] = unmatched.splice(partner, 1);
    merged.push({
      url: request.url,
      timeMs: request.startMs,
      seenBy: ['page', 'service worker'],
      // The page's sizes then describe the service worker's answer, not the network: trust the service worker.
      answeredFrom: seen.answeredFrom,
      clientKind: 'window',
    });
  }
  for (const seen of unmatched) {
    merged.push({ url: withoutFragment(seen.url), timeMs: seen.timeMs, seenBy: ['service worker'], answeredFrom: seen.answeredFrom, clientKind: seen.clientKind });
  }
  return merged.sort((a, b) => a.timeMs - b.timeMs);
}

function nearestPartner(request: PageRequest, candidates: readonly ServiceWorkerRequest[]): number {
  let best = -1;
  let bestDistance = Infinity;
  candidates.forEach((candidate, index) => {
    if (withoutFragment(candidate.url) !== request.url || candidate.clientKind === 'worker' || candidate.clientKind === 'sharedworker') return;
    if (candidate.timeMs < request.startMs - CLOCK_SLACK_MS || candidate.timeMs > request.endMs + CLOCK_SLACK_MS) return;
    const distance = Math.abs(candidate.timeMs - request.startMs);
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

export interface RequestCount {
  total: number;
  /** Not answered by this device's caches (or not known to have been). */
  leftDevice: number;
}

export function countRequests(requests: readonly SeenRequest[]): RequestCount {
  return {
    total: requests.length,
    leftDevice: requests.filter((r) => r.answeredFrom === 'network' || r.answeredFrom === 'unknown').length,
  };
}

/** Requests from `sinceMs` on (the moment counting started). */
export function requestsSince(requests: readonly SeenRequest[], sinceMs: number): SeenRequest[] {
  return requests.filter((r) => r.timeMs >= sinceMs);
}
