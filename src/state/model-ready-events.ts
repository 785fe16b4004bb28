// Any session (chat, benchmark, scorecard, side-by-side) announces here when its model is ready,
// so the privacy counter can count network requests from that moment on.
type Listener = (repoId: string) => void;
const listeners = new Set<Listener>();

export function announceModelReady(repoId: string): void {
  for (const listener of listeners) listener(repoId);
}

export function onModelReady(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
