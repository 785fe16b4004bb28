// The app refuses to run under a window of another origin, at any depth, readable or not.
import { describe, expect, it } from 'vitest';
import { framedByOtherOrigin, type FramedWindow } from '../../src/lib/security/frame-guard';

/** A chain of windows, top first; a window of another origin throws on `location`, as in a browser. */
function frames(...origins: (string | 'unreadable')[]): FramedWindow {
  let parent: FramedWindow | null = null;
  for (const origin of origins) {
    const win: { parent: FramedWindow; location: { origin: string } } = {
      parent: null as unknown as FramedWindow,
      get location() {
        if (origin === 'unreadable') throw new DOMException('Blocked a frame from accessing a cross-origin frame.', 'SecurityError');
        return { origin };
      },
    } as never;
    win.parent = parent ?? win;
    parent = win;
  }
  return parent!;
}

describe('framedByOtherOrigin', () => {
  const app = 'https://playground.example';
  it('lets the app run as the top window and in frames of its own origin', () => {
    expect(framedByOtherOrigin(frames(app))).toBe(false);
    expect(framedByOtherOrigin(frames(app, app, app))).toBe(false);
  });
  it('refuses a parent of another origin, whether it throws on access or not', () => {
    expect(framedByOtherOrigin(frames('unreadable', app))).toBe(true);
    expect(framedByOtherOrigin(frames('https://other.example', app))).toBe(true);
  });
  it('refuses another origin anywhere above, even with its own origin on top', () => {
    expect(framedByOtherOrigin(frames(app, 'unreadable', app))).toBe(true);
  });
});
