import { describe, expect, it } from 'vitest';
import { DeviceClaim } from '../../src/state/device-claim.svelte';

describe('DeviceClaim', () => {
  it('lets one holder at a time run, says who holds it, and frees it only for that holder', () => {
    const device = new DeviceClaim();
    expect(device.blockedFor('The chat')).toBeNull();
    expect(device.take('The benchmark')).toBe(true);
    expect(device.take('The benchmark')).toBe(true);
    expect(device.take('The scorecard')).toBe(false);
    expect(device.blockedFor('The chat')).toMatch(/^The benchmark is running on this device/);
    expect(device.blockedFor('The benchmark')).toBeNull();
    device.release('The scorecard');
    expect(device.holder).toBe('The benchmark');
    device.release('The benchmark');
    expect(device.holder).toBeNull();
    expect(device.take('The scorecard')).toBe(true);
  });
});
