// Types for build-time values and Vite virtual modules the app uses.
/// <reference types="vite-plugin-pwa/vanillajs" />

interface ImportMetaEnv {
  /** connect-src sources of the built policy, space-separated (see scripts/vite-csp-plugin.ts). */
  readonly VITE_ALLOWED_HUBS?: string;
}
