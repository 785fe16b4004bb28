// Service worker: serves the precached app shell (offline) and gives every same-origin response the
// cross-origin isolation headers, so WASM threads work on hosts that cannot set headers, and offline.
// Model weights are not its business: they are cross-origin and cached by the app in `transformers-cache`.
/// <reference lib="webworker" />
import { cleanupOutdatedCaches, matchPrecache, precache } from 'workbox-precaching';
import { withIsolationHeaders } from './isolation-headers';

declare const self: ServiceWorkerGlobalScope;

// Only the build's own files: index.html, JS/CSS (worker and engine chunks too), ORT's .wasm/.mjs,
// icons and the manifest. Workbox only ever deletes its own "-precache-" caches.
precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// A new version waits until the page's "Reload" button asks for it (registerType 'prompt').
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Take the open page on first install, so it is offline-ready without a reload. Updates only
// activate after SKIP_WAITING, and the page then reloads itself.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Cross-origin requests (hubs, mirrors) go straight to the network, untouched and uncached.
  if (new URL(request.url).origin !== self.location.origin || request.method !== 'GET') return;
  event.respondWith(respond(request).then(withIsolationHeaders));
});

async function respond(request: Request): Promise<Response> {
  const cached =
    (await matchPrecache(request)) ??
    // A single-page app: any other navigation gets the shell, whatever the query (?hub=, ?model=).
    (request.mode === 'navigate' ? await matchPrecache('index.html') : undefined);
  return cached ?? fetch(request);
}
