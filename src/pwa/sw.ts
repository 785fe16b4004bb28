// Service worker: serves the precached app shell (offline) and gives every same-origin response the
// cross-origin isolation and security headers, so WASM threads work and the workers keep their
// policies on hosts that cannot set headers, and offline.
// Model weights are not its business: they are cross-origin and cached by the app in `transformers-cache`.
// It also notes every request it sees (the page's and its workers') for the privacy counter.
/// <reference lib="webworker" />
import { cleanupOutdatedCaches, matchPrecache, precache } from 'workbox-precaching';
import { withHeaders } from './isolation-headers';
import { rangeOf } from './range-response';
import { responseRole, securityHeaders } from '../lib/security/response-headers';
import { ALLOWED_CONNECT_SOURCES } from '../lib/security/allowed-hubs';
import {
  PRIVACY_HELLO,
  PRIVACY_LOG,
  PRIVACY_REQUEST,
  SERVICE_WORKER_LOG_SIZE,
  isPrivacyMessage,
  type ClientKind,
  type PrivacyMessage,
  type ServiceWorkerRequest,
} from '../lib/privacy/sw-protocol';

declare const self: ServiceWorkerGlobalScope;

// Only the build's own files: index.html, JS/CSS (worker and engine chunks too), ORT's .wasm/.mjs,
// icons and the manifest. Workbox only ever deletes its own "-precache-" caches.
precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// A new version waits until the page's "Reload" button asks for it (registerType 'prompt').
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (isPrivacyMessage(event.data) && event.data.type === PRIVACY_HELLO) {
    const reply: PrivacyMessage = { type: PRIVACY_LOG, clientId: (event.source as Client | null)?.id ?? '', requests: [...requestLog] };
    event.ports[0]?.postMessage(reply);
  }
});

// Take the open page on first install, so it is offline-ready without a reload. Updates only
// activate after SKIP_WAITING, and the page then reloads itself.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // A navigation's client is the page it opens.
  const navigation = request.mode === 'navigate';
  const seen = { url: request.url, method: request.method, timeMs: Date.now(), clientId: navigation ? event.resultingClientId : event.clientId, navigation };
  // Cross-origin requests (hubs, mirrors) go straight to the network, untouched and uncached.
  if (new URL(request.url).origin !== self.location.origin || request.method !== 'GET') {
    event.waitUntil(note(seen, 'network'));
    return;
  }
  const answer = respond(request);
  // The same headers the servers send: isolation, and each worker's own policy (a worker doesn't
  // inherit the page's <meta> policy), and who may frame the page.
  const headers = securityHeaders(responseRole(request.destination, new URL(request.url).pathname), ALLOWED_CONNECT_SOURCES);
  event.respondWith(answer.then(({ response }) => withHeaders(response, headers)));
  event.waitUntil(answer.then(({ fromPrecache }) => note(seen, fromPrecache ? 'precache' : 'network'), () => note(seen, 'network')));
});

async function respond(request: Request): Promise<{ response: Response; fromPrecache: boolean }> {
  const cached =
    (await matchPrecache(request)) ??
    // A single-page app: any other navigation gets the shell, whatever the query (?hub=, ?model=).
    (request.mode === 'navigate' ? await matchPrecache('index.html') : undefined);
  // A Range request the network answers itself; one the precache answers is cut here.
  return cached ? { response: await rangeOf(request, cached), fromPrecache: true } : { response: await fetch(request), fromPrecache: false };
}

// The privacy counter's view from here: every fetch event, kept (the last SERVICE_WORKER_LOG_SIZE)
// for a page that asks, and posted to the app's windows as it happens. Only in memory: the browser
// stops an idle service worker, but not while requests or messages keep arriving.
const requestLog: ServiceWorkerRequest[] = [];
const bootId = Date.now().toString(36);
let requestCount = 0;

interface Seen extends Omit<ServiceWorkerRequest, 'id' | 'clientKind' | 'answeredFrom'> {
  navigation: boolean;
}

async function note({ navigation, ...seen }: Seen, answeredFrom: ServiceWorkerRequest['answeredFrom']): Promise<void> {
  const client = !navigation && seen.clientId ? await self.clients.get(seen.clientId) : undefined;
  const clientKind: ClientKind = navigation ? 'window' : !client || client.type === 'all' ? 'unknown' : client.type;
  const record: ServiceWorkerRequest = { ...seen, id: `${bootId}-${requestCount++}`, clientKind, answeredFrom };
  requestLog.push(record);
  if (requestLog.length > SERVICE_WORKER_LOG_SIZE) requestLog.shift();
  const message: PrivacyMessage = { type: PRIVACY_REQUEST, request: record };
  for (const window of await self.clients.matchAll({ type: 'window' })) window.postMessage(message);
}
