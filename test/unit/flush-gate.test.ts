import { describe, expect, it } from 'vitest';
import { FlushGate } from '../../src/lib/engines/flush-gate';

describe('FlushGate', () => {
  it('passes the first call, then at most once per interval', () => {
    let now = 1000;
    const gate = new FlushGate(50, () => now);
    expect(gate.pass()).toBe(true);
    now += 10;
    expect(gate.pass()).toBe(false);
    now += 39;
    expect(gate.pass()).toBe(false);
    now += 1;
    expect(gate.pass()).toBe(true);
    now += 49;
    expect(gate.pass()).toBe(false);
  });
});
