// The service worker as the user sees it: the app became available offline, or a new version is
// waiting and reloads only when the user says so (vite-plugin-pwa registerType 'prompt').
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';

/** `registerSW` from 'virtual:pwa-register'; passed in so the class runs without a browser. */
export type RegisterServiceWorker = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>;

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
      onOfflineReady: () => (this.offlineReady = true),
      // The app works without its worker (online only); say why offline will not work.
      onRegisterError: (error) => console.warn('Service worker registration failed; the app will not work offline.', error),
    });
    this.#activateWaiting = () => activate(true);
  }

  /** Lets the waiting version take over; the page reloads as soon as it controls it. */
  async applyUpdate(): Promise<void> {
    this.updateAvailable = false;
    // workbox-window reloads only for a version it saw install in this page, and right after a
    // page load its message can get lost while the browser re-checks the worker script. So ask
    // the waiting worker directly, again every half second until it takes over, and reload then.
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
    for (let attempt = 0; serviceWorker && !tookOver && attempt < 20; attempt++) {
      (await serviceWorker.getRegistration())?.waiting?.postMessage({ type: 'SKIP_WAITING' });
      await new Promise((resolve) => setTimeout(resolve, 500));
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

/** The one instance: main.ts registers the worker, UpdatePrompt shows its state. */
export const appUpdate = new AppUpdate();
