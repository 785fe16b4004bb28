// The batch a long table shows per frame follows the frame time: it grows (at most doubling) while
// frames are quick, shrinks in proportion when a frame runs over its budget, and stays in bounds.
import { describe, expect, it } from 'vitest';
import { FRAME_BUDGET_MS, nextBatch } from '../../src/lib/render/reveal-pace';

const bounds = { min: 10, max: 400 };

describe('nextBatch', () => {
  it('doubles the batch after a quick frame, never more', () => {
    expect(nextBatch(40, 16.7, bounds)).toBe(80);
    expect(nextBatch(40, 1, bounds)).toBe(80);
    expect(nextBatch(40, 0, bounds)).toBe(80);
  });

  it('shrinks the batch in proportion when a frame took longer than the budget', () => {
    expect(nextBatch(100, FRAME_BUDGET_MS * 2, bounds)).toBe(50);
    expect(nextBatch(100, FRAME_BUDGET_MS, bounds)).toBe(100);
  });

  it('stays between the smallest and largest batch', () => {
    expect(nextBatch(40, 10_000, bounds)).toBe(10);
    expect(nextBatch(300, 16.7, bounds)).toBe(400);
  });
});
