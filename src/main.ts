// Starts the app only where it is protected: never inside another site's frame, and never before
// the page runs under its security headers, or knows it can't (src/pwa/page-protection.ts). The
// app's own code is imported only after that, so none of it, no worker in particular, runs earlier.
import { mount, unmount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import { appUpdate } from './state/app-update.svelte';
import { framedByOtherOrigin } from './lib/security/frame-guard';
import { workerGate } from './lib/security/worker-gate';
import { protectPage } from './pwa/page-protection';
import FramedRefusal from './features/protection/FramedRefusal.svelte';
import FirstVisitSetup from './features/protection/FirstVisitSetup.svelte';
import ProtectionNotice from './features/protection/ProtectionNotice.svelte';
import './app.css';

const target = document.getElementById('app')!;

if (framedByOtherOrigin(window)) {
  mount(FramedRefusal, { target, props: { appUrl: new URL(import.meta.env.BASE_URL, location.origin).href } });
} else {
  let setup: ReturnType<typeof mount> | null = null;
  const protection = await protectPage(() => (setup = mount(FirstVisitSetup, { target })));
  if (setup) await unmount(setup);
  workerGate.open(protection);
  const { default: App } = await import('./App.svelte');
  mount(App, { target });
  // Above the app's header, so it covers nothing.
  if (protection.level !== 'full') mount(ProtectionNotice, { target, anchor: target.firstChild ?? undefined, props: { protection } });
  // workbox-window waits for the window's load event, then installs the worker in the background
  // (or finds the one page-protection.ts installed).
  appUpdate.register(registerSW);
}
