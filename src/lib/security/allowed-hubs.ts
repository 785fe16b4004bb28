// The connect-src sources of this build's Content-Security-Policy ("'self'" and the hub origins),
// fixed at build time by scripts/vite-csp-plugin.ts. Pair with isHubAllowedByPolicy().
export const ALLOWED_CONNECT_SOURCES: readonly string[] = (import.meta.env.VITE_ALLOWED_HUBS ?? '')
  .split(' ')
  .filter(Boolean);
