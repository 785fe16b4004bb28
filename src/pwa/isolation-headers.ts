// Adds the cross-origin isolation headers (COOP/COEP/CORP) to a response the service worker serves.
// They are what makes `crossOriginIsolated` true (SharedArrayBuffer, WASM threads) on any static host.

import { ISOLATION_HEADERS } from '../lib/security/response-headers';

export { ISOLATION_HEADERS };

export function withIsolationHeaders(response: Response): Response {
  return withHeaders(response, ISOLATION_HEADERS);
}

/** The response with `extra` headers set (replacing any of the same name). */
export function withHeaders(response: Response, extra: Readonly<Record<string, string>>): Response {
  // Opaque and redirect-filtered responses cannot be rebuilt (status 0); they pass as they are.
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
