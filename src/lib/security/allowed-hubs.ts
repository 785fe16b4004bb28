// The connect-src sources of this build's Content-Security-Policy ("'self'" and the hub origins),
// fixed at build time by scripts/vite-csp-plugin.ts. Pair with isHubAllowedByPolicy().
import { isHubAllowedByPolicy } from './content-security-policy';
export const ALLOWED_CONNECT_SOURCES: readonly string[] = (typeof __PLAYGROUND_ALLOWED_HUBS__ === 'string' ? __PLAYGROUND_ALLOWED_HUBS__ : '')
  .split(' ')
  .filter(Boolean);

/**
 * Why the page can't reach `hub` under this build's policy, or null when it can. The browser
 * would otherwise block the requests with nothing but a console line to explain it.
 */
export function hubPolicyProblem(
  hub: string,
  allowed: readonly string[] = ALLOWED_CONNECT_SOURCES,
  selfOrigin: string = globalThis.location?.origin ?? '',
): string | null {
  if (allowed.length === 0 || isHubAllowedByPolicy(hub, allowed, selfOrigin)) return null;
  const hubs = allowed.filter((source) => source !== "'self'").join(', ');
  return (
    `This build's security policy only lets the app connect to ${hubs}. ` +
    `To use ${hub}, build the app with PLAYGROUND_HUBS="${new URL(hub).origin}" (see README, "model mirror").`
  );
}
