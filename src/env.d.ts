// Types for build-time values and Vite virtual modules the app uses.
/// <reference types="vite-plugin-pwa/vanillajs" />

/** connect-src sources of the built policy, space-separated (see scripts/vite-csp-plugin.ts). */
declare const __PLAYGROUND_ALLOWED_HUBS__: string | undefined;
