// The update prompt's state: offline-ready once, a waiting version activated only on the user's word.
import { describe, expect, it, vi } from 'vitest';
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';
import { AppUpdate } from '../../src/state/app-update.svelte';

function fakeRegistration() {
  let options: RegisterSWOptions = {};
  const activateWaiting = vi.fn(async (_reloadPage?: boolean) => {});
  const register = (given: RegisterSWOptions) => {
    options = given;
    return activateWaiting;
  };
  return { register, activateWaiting, events: () => options };
}

describe('AppUpdate', () => {
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
});
