import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInterruptFlag, isInterruptRaised, raiseInterrupt } from '../../src/lib/engines/interrupt-flag';

afterEach(() => vi.unstubAllGlobals());

describe('interrupt flag', () => {
  it('is shared memory when the page is cross-origin isolated', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    const flag = createInterruptFlag()!;
    expect(flag.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(isInterruptRaised(flag)).toBe(false);
    raiseInterrupt(flag);
    expect(isInterruptRaised(flag)).toBe(true);
  });
  it('is absent without isolation, and an absent flag is never raised', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(createInterruptFlag()).toBeNull();
    expect(isInterruptRaised(null)).toBe(false);
  });
});
