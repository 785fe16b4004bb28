// Sets headers on a response the service worker serves: the security headers of
// src/lib/security/response-headers.ts (cross-origin isolation, the workers' policies) on any host.

/** The response with `extra` headers set (replacing any of the same name). */
export function withHeaders(response: Response, extra: Readonly<Record<string, string>>): Response {
  // Opaque and redirect-filtered responses cannot be rebuilt (status 0); they pass as they are.
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
