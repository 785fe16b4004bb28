// localStorage, or null where the browser refuses it (a sandboxed frame, storage blocked for the
// site): settings, prices and GPU checks then live for the visit only.
export function safeLocalStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
