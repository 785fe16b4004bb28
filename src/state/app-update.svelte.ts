// The service worker as the user sees it: the app became available offline, or a new version is
// waiting and reloads only when the user says so (vite-plugin-pwa registerType 'prompt').
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';

/** `registerSW` from 'virtual:pwa-register'; passed in so the class runs without a browser. */
export type RegisterServiceWorker = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>;

/** How long "Reload" waits for the new version before asking the browser again, and how often. */
export const TAKEOVER_CHECK_MS = 1000;
export const TAKEOVER_ATTEMPTS = 30;

/** How long "Ready to work offline" stays when there is nothing to do about it: it would cover controls. */
export const OFFLINE_READY_NOTICE_MS = 8000;

export class AppUpdate {
  /** A new version is installed and waiting for the user's go-ahead. */
  updateAvailable = $state(false);
  /** The app shell is cached: the app now opens without a network. */
  offlineReady = $state(false);
  /**
   * The page was opened before the service worker existed and without isolation headers (a static
   * host): one reload puts it behind the worker's COOP/COEP, which turns WASM threads on.
   */
  readonly isolatedAfterReload: boolean;
  #activateWaiting: (() => Promise<void>) | null = null;
  #postponed = false;

  constructor(crossOriginIsolated = globalThis.crossOriginIsolated === true) {
    this.isolatedAfterReload = !crossOriginIsolated;
  }

  register(registerSW: RegisterServiceWorker): void {
    const activate = registerSW({
      // workbox-window reports one waiting version more than once ('installed', then 'waiting');
      // "Later" holds until the next visit.
      onNeedRefresh: () => (this.updateAvailable = !this.#postponed),
      onOfflineReady: () => {
        this.offlineReady = true;
        // With "Reload for WASM threads" to offer it stays until dismissed; otherwise it is news for a moment.
        if (!this.isolatedAfterReload) setTimeout(() => this.dismissOfflineReady(), OFFLINE_READY_NOTICE_MS);
      },
      // The app works without its worker (online only); say why offline will not work.
      onRegisterError: (error) => console.warn('Service worker registration failed; the app will not work offline.', error),
    });
    this.#activateWaiting = () => activate(true);
  }

  /**
   * Lets the waiting version take over; the page reloads once, as soon as the new version controls it.
   *
   * SKIP_WAITING alone is not enough in Chromium. It swaps versions once the old worker has stopped,
   * and tells the old worker to stop when next idle only when the first SKIP_WAITING arrives (later
   * ones change nothing) or when a document in its scope loads. If a request from this page reaches
   * the old worker while it stops, Chromium starts it again without that order, and the new version
   * waits until the old worker idles out (30 s; never while DevTools is attached, as in the e2e
   * tests). So until the new version takes over, a hidden frame loads a precached file each second.
   */
  async applyUpdate(): Promise<void> {
    this.updateAvailable = false;
    const serviceWorker = globalThis.navigator?.serviceWorker;
    let tookOver = false;
    serviceWorker?.addEventListener(
      'controllerchange',
      () => {
        tookOver = true;
        location.reload();
      },
      { once: true },
    );
    await this.#activateWaiting?.();
    for (let attempt = 0; serviceWorker && !tookOver && attempt < TAKEOVER_ATTEMPTS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, TAKEOVER_CHECK_MS));
      // Activating already (no waiting worker): the controllerchange is on its way.
      const waiting = tookOver ? null : (await serviceWorker.getRegistration())?.waiting;
      if (!waiting) continue;
      waiting.postMessage({ type: 'SKIP_WAITING' });
      await loadInScope();
    }
  }

  postponeUpdate(): void {
    this.#postponed = true;
    this.updateAvailable = false;
  }

  dismissOfflineReady(): void {
    this.offlineReady = false;
  }
}

/** Loads a small precached file as a document in the service worker's scope, in a hidden frame. */
function loadInScope(): Promise<void> {
  if (typeof document === 'undefined') return Promise.resolve();
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    const done = () => {
      clearTimeout(timer);
      frame.remove();
      resolve();
    };
    const timer = setTimeout(done, TAKEOVER_CHECK_MS);
    frame.hidden = true;
    frame.setAttribute('aria-hidden', 'true');
    frame.addEventListener('load', done, { once: true });
    frame.src = new URL('favicon.svg', document.baseURI).href;
    document.body.append(frame);
  });
}

/** The one instance: main.ts registers the worker, UpdatePrompt shows its state. */
export const appUpdate = new AppUpdate();
