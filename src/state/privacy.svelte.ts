// The privacy counter: every network request this app makes from the moment a model became ready,
// seen from the page (Resource Timing) and from the service worker (the page's and its workers'
// fetches), merged so a request both saw counts once.
import { onModelReady } from './model-ready-events';
import {
  CLOCK_SLACK_MS,
  countRequests,
  fromResourceTiming,
  mergeRequestViews,
  requestsSince,
  type PageRequest,
  type SeenRequest,
} from '../lib/privacy/request-views';
import { PRIVACY_HELLO, PRIVACY_LOG, PRIVACY_REQUEST, isPrivacyMessage, type ServiceWorkerRequest } from '../lib/privacy/sw-protocol';

export class NetworkWatch {
  /** Date.now() when counting started (a model became ready); null before that. */
  since = $state<number | null>(null);
  /** The model whose readiness started the count. */
  modelId = $state<string | null>(null);
  /** Whether the service worker controls this page (and so sees the workers' requests). */
  serviceWorkerInControl = $state(false);
  /** Whether this browser gives the page a Resource Timing observer at all. */
  readonly pageTimingAvailable: boolean;

  #page = $state.raw<PageRequest[]>([]);
  #serviceWorker = $state.raw<ServiceWorkerRequest[]>([]);
  #clientId = $state<string | null>(null);
  #stop: (() => void)[] = [];

  readonly requests: SeenRequest[] = $derived.by(() => {
    if (this.since === null) return [];
    const mine = this.#clientId;
    return requestsSince(mergeRequestViews(this.#page, this.#serviceWorker, (id) => mine !== null && id !== mine), this.since);
  });
  readonly count = $derived(countRequests(this.requests));

  constructor() {
    this.pageTimingAvailable = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('resource') === true;
    this.#stop.push(onModelReady((repoId) => this.startCounting(repoId)));
    this.#observePage();
    this.#listenToServiceWorker();
  }

  /** Counts from now on: the earlier requests (the model download) are dropped. */
  startCounting(repoId: string, now = Date.now()): void {
    this.since = now;
    this.modelId = repoId;
    // Keep a margin before the start so a request near it still finds its other half.
    const keepFrom = now - 2 * CLOCK_SLACK_MS;
    this.#page = this.#page.filter((r) => r.endMs >= keepFrom);
    this.#serviceWorker = this.#serviceWorker.filter((r) => r.timeMs >= keepFrom);
  }

  dispose(): void {
    for (const stop of this.#stop) stop();
    this.#stop = [];
  }

  #observePage(): void {
    if (!this.pageTimingAvailable) return;
    const observer = new PerformanceObserver((list) => {
      const added = (list.getEntries() as PerformanceResourceTiming[]).map((entry) => fromResourceTiming(entry, performance.timeOrigin));
      if (added.length) this.#page = [...this.#page, ...added];
    });
    // buffered: the entries from before this observer existed (the app's own start-up) too.
    observer.observe({ type: 'resource', buffered: true });
    this.#stop.push(() => observer.disconnect());
  }

  #listenToServiceWorker(): void {
    const container = globalThis.navigator?.serviceWorker;
    if (!container) return;
    const onMessage = (event: MessageEvent) => {
      if (isPrivacyMessage(event.data) && event.data.type === PRIVACY_REQUEST) this.#addServiceWorker([event.data.request]);
    };
    const hello = () => {
      const controller = container.controller;
      this.serviceWorkerInControl = controller !== null;
      if (!controller) return;
      const channel = new MessageChannel();
      channel.port1.onmessage = (event: MessageEvent) => {
        if (!isPrivacyMessage(event.data) || event.data.type !== PRIVACY_LOG) return;
        this.#clientId = event.data.clientId || null;
        this.#addServiceWorker(event.data.requests);
        channel.port1.close();
      };
      controller.postMessage({ type: PRIVACY_HELLO }, [channel.port2]);
    };
    container.addEventListener('message', onMessage);
    container.addEventListener('controllerchange', hello);
    // Messages wait in a queue until the page says it is listening.
    container.startMessages();
    hello();
    this.#stop.push(() => {
      container.removeEventListener('message', onMessage);
      container.removeEventListener('controllerchange', hello);
    });
  }

  #addServiceWorker(requests: ServiceWorkerRequest[]): void {
    const known = new Set(this.#serviceWorker.map((r) => r.id));
    const since = this.since === null ? -Infinity : this.since - 2 * CLOCK_SLACK_MS;
    const added = requests.filter((r) => !known.has(r.id) && r.timeMs >= since);
    if (added.length) this.#serviceWorker = [...this.#serviceWorker, ...added];
  }
}
