// Whether the page is shown inside a frame of another origin. `frame-ancestors` (a header: the
// <meta> policy can't carry it) stops that where the host or the service worker sends it; this is
// the check for every other visit, so another site can never put the app under its own page.

/** The parts of a window the check reads; cross-origin `location` access throws. */
export interface FramedWindow {
  readonly parent: FramedWindow;
  readonly location: { readonly origin: string };
}

/** True when any window above this one (parent, grandparent… top) is of another origin, or can't be read. */
export function framedByOtherOrigin(win: FramedWindow): boolean {
  const origin = win.location.origin;
  for (let current = win; current.parent !== current; ) {
    current = current.parent;
    try {
      if (current.location.origin !== origin) return true;
    } catch {
      // A SecurityError: the ancestor is of another origin (or this frame's origin is opaque).
      return true;
    }
  }
  return false;
}
