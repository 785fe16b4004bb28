// Puts the page under its security headers before the app starts, on hosts that don't send them.
// Cross-origin isolation (COOP/COEP) and each worker's Content-Security-Policy are response
// headers: the built <meta> policy can carry neither. On a host that sends them the page is
// isolated from the start. On one that doesn't, only the service worker (sw.ts) can add them, and
// only to pages it serves: so on the first visit it is installed, and the page reloads once under
// it. Where no service worker can be installed (a private window that disables them, a browser
// setting, an address that isn't https), the app runs on the page's own <meta> policy, with the
// workers it allows (src/lib/security/worker-gate.ts), and says what is lost.
import { degradedProtection, type PageProtection } from '../lib/security/worker-gate';

/** Set just before the one reload, so a page that is still not isolated after it doesn't reload for ever. */
const RELOAD_MARK = 'playground:reloaded-for-headers';

export class ServiceWorkerSetupError extends Error {
  override name = 'ServiceWorkerSetupError';
}

/**
 * Resolves with the page's protection, or reloads the page (and never resolves) once the service
 * worker is there to serve it with its headers. `onSetup` is called when that install begins, so
 * the page can say why it waits.
 */
export async function protectPage(onSetup: () => void): Promise<PageProtection> {
  const reloaded = takeReloadMark();
  if (globalThis.crossOriginIsolated) return { level: 'full' };
  const fallback = (reason: string) => degradedProtection(reason, pagePolicy());
  if (reloaded) return fallback('the page was still not cross-origin isolated after its service worker took over');
  const container = isSecureContext ? navigator.serviceWorker : undefined;
  if (!container) return fallback('this browser offers no service worker here: a private window, a browser setting, or an address that is not https');
  onSetup();
  try {
    await installed(container);
  } catch (error) {
    if (error instanceof ServiceWorkerSetupError) return fallback(error.message);
    return fallback(`the app's service worker could not be registered: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!setReloadMark()) return fallback('this browser keeps no session storage, so the page could not safely reload itself');
  location.reload();
  return new Promise<never>(() => {});
}

/** Registers the app's service worker (the one vite-plugin-pwa builds) and waits until it is active. */
async function installed(container: ServiceWorkerContainer): Promise<void> {
  const base = import.meta.env.BASE_URL;
  // The same script and scope as workbox-window's later registration (virtual:pwa-register), so both are one.
  const registration = (await container.register(`${base}sw.js`, { scope: base, type: 'classic' })) as ServiceWorkerRegistration | undefined;
  // Some blockers stub register() to resolve with nothing.
  if (!registration) throw new ServiceWorkerSetupError("the browser did not register the app's service worker");
  // Already active (a reload that bypassed it, such as Shift+Reload): a plain reload goes through it.
  if (registration.active) return;
  const worker = registration.installing ?? registration.waiting;
  if (!worker) throw new ServiceWorkerSetupError("the app's service worker did not start installing");
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      // A navigation waits for an activating worker, so the reload may go ahead.
      if (worker.state === 'activating' || worker.state === 'activated') resolve();
      // Its install failed: a precached file could not be fetched or stored (quota).
      else if (worker.state === 'redundant') reject(new ServiceWorkerSetupError("the app's service worker could not store the app for offline use"));
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

/** The built index.html's <meta> policy: the only one the page has without headers. */
function pagePolicy(): string | null {
  return document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null;
}

function takeReloadMark(): boolean {
  try {
    const marked = sessionStorage.getItem(RELOAD_MARK) !== null;
    sessionStorage.removeItem(RELOAD_MARK);
    return marked;
  } catch {
    return false;
  }
}

function setReloadMark(): boolean {
  try {
    sessionStorage.setItem(RELOAD_MARK, '1');
    return true;
  } catch {
    return false;
  }
}
