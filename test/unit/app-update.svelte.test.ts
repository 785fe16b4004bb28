// The update prompt's state: offline-ready once, a waiting version activated only on the user's word.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';
import { AppUpdate, OFFLINE_READY_NOTICE_MS, TAKEOVER_ATTEMPTS, TAKEOVER_CHECK_MS } from '../../src/state/app-update.svelte';

function fakeRegistration() {
  let options: RegisterSWOptions = {};
  const activateWaiting = vi.fn(async (_reloadPage?: boolean) => {});
  const register = (given: RegisterSWOptions) => {
    options = given;
    return activateWaiting;
  };
  return { register, activateWaiting, events: () => options };
}

/** A browser with one waiting worker: its messages, the frames the page loads, and reloads. */
function fakeBrowser() {
  const waiting = { postMessage: vi.fn() };
  const registration: { waiting: typeof waiting | null } = { waiting };
  const serviceWorker = Object.assign(new EventTarget(), { getRegistration: async () => registration });
  const frames: { src: string; hidden: boolean; removed: boolean }[] = [];
  const document = {
    baseURI: 'https://app.test/?hub=x',
    createElement: () => {
      const listeners: (() => void)[] = [];
      const frame = {
        src: '',
        hidden: false,
        removed: false,
        setAttribute: () => {},
        addEventListener: (_type: string, listener: () => void) => listeners.push(listener),
        remove: () => (frame.removed = true),
        load: () => listeners.forEach((listener) => listener()),
      };
      return frame;
    },
    body: {
      append: (frame: { src: string; hidden: boolean; removed: boolean; load: () => void }) => {
        frames.push(frame);
        queueMicrotask(frame.load);
      },
    },
  };
  const location = { reload: vi.fn() };
  vi.stubGlobal('navigator', { serviceWorker });
  vi.stubGlobal('document', document);
  vi.stubGlobal('location', location);
  return { waiting, registration, serviceWorker, frames, reload: location.reload };
}

describe('AppUpdate', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('activates a waiting version only when the user chooses Reload', async () => {
    const sw = fakeRegistration();
    const update = new AppUpdate(true);
    update.register(sw.register);
    sw.events().onNeedRefresh?.();
    expect(update.updateAvailable).toBe(true);
    expect(sw.activateWaiting).not.toHaveBeenCalled();

    await update.applyUpdate();
    expect(sw.activateWaiting).toHaveBeenCalledOnce();
    expect(update.updateAvailable).toBe(false);
  });

  it('keeps the current version on Later, for the rest of the visit', () => {
    const sw = fakeRegistration();
    const update = new AppUpdate(true);
    update.register(sw.register);
    sw.events().onNeedRefresh?.();
    update.postponeUpdate();
    expect(update.updateAvailable).toBe(false);
    // The same waiting version is reported again ('waiting' follows 'installed').
    sw.events().onNeedRefresh?.();
    expect(update.updateAvailable).toBe(false);
    expect(sw.activateWaiting).not.toHaveBeenCalled();
  });

  it('says when the app works offline, and whether a reload would bring WASM threads', () => {
    const sw = fakeRegistration();
    const onStaticHost = new AppUpdate(false);
    onStaticHost.register(sw.register);
    expect(onStaticHost.offlineReady).toBe(false);
    sw.events().onOfflineReady?.();
    expect(onStaticHost.offlineReady).toBe(true);
    expect(onStaticHost.isolatedAfterReload).toBe(true);
    onStaticHost.dismissOfflineReady();
    expect(onStaticHost.offlineReady).toBe(false);
    expect(new AppUpdate(true).isolatedAfterReload).toBe(false);
  });

  it('lets "Ready to work offline" go by itself when there is no reload to offer, and keeps it when there is', () => {
    vi.useFakeTimers();
    try {
      const isolated = new AppUpdate(true);
      const onStaticHost = new AppUpdate(false);
      const [a, b] = [fakeRegistration(), fakeRegistration()];
      isolated.register(a.register);
      onStaticHost.register(b.register);
      a.events().onOfflineReady?.();
      b.events().onOfflineReady?.();
      vi.advanceTimersByTime(OFFLINE_READY_NOTICE_MS - 1);
      expect(isolated.offlineReady).toBe(true);
      vi.advanceTimersByTime(1);
      expect(isolated.offlineReady).toBe(false);
      expect(onStaticHost.offlineReady).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks again each second, with a document load in scope, until the new version takes over; then reloads once', async () => {
    vi.useFakeTimers();
    const browser = fakeBrowser();
    const sw = fakeRegistration();
    const update = new AppUpdate(true);
    update.register(sw.register);
    sw.events().onNeedRefresh?.();

    const applying = update.applyUpdate();
    await vi.advanceTimersByTimeAsync(0);
    expect(sw.activateWaiting).toHaveBeenCalledOnce();
    expect(browser.waiting.postMessage).not.toHaveBeenCalled();

    // Chromium may leave the old worker running after the first SKIP_WAITING: ask again.
    await vi.advanceTimersByTimeAsync(2 * TAKEOVER_CHECK_MS);
    expect(browser.waiting.postMessage).toHaveBeenCalledTimes(2);
    expect(browser.waiting.postMessage).toHaveBeenLastCalledWith({ type: 'SKIP_WAITING' });
    expect(browser.frames.map(({ src, hidden, removed }) => ({ src, hidden, removed }))).toEqual([
      { src: 'https://app.test/favicon.svg', hidden: true, removed: true },
      { src: 'https://app.test/favicon.svg', hidden: true, removed: true },
    ]);

    browser.serviceWorker.dispatchEvent(new Event('controllerchange'));
    expect(browser.reload).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(5 * TAKEOVER_CHECK_MS);
    await applying;
    expect(browser.waiting.postMessage).toHaveBeenCalledTimes(2);
    expect(browser.frames).toHaveLength(2);
    expect(browser.reload).toHaveBeenCalledOnce();
  });

  it('does not ask again while the new version is activating, and gives up after a while', async () => {
    vi.useFakeTimers();
    const browser = fakeBrowser();
    browser.registration.waiting = null;
    const update = new AppUpdate(true);
    update.register(fakeRegistration().register);

    const applying = update.applyUpdate();
    await vi.advanceTimersByTimeAsync(TAKEOVER_ATTEMPTS * TAKEOVER_CHECK_MS);
    await applying;
    expect(browser.frames).toEqual([]);
    expect(browser.reload).not.toHaveBeenCalled();
  });
});
