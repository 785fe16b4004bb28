import { describe, expect, it } from 'vitest';
import { GenerationClock, tokensPerSecond } from '../../src/lib/metrics/generation-clock';
import { median } from '../../src/lib/metrics/statistics';
import { answersToCsv } from '../../src/lib/export/answers-table';

function fakeClock(times: number[]) {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)];
}

describe('GenerationClock', () => {
  it('splits prefill (to first token) from decode (first to last token)', () => {
    // start 0, tokens at 200, 250, 300, 350, finish at 360
    const clock = new GenerationClock(fakeClock([0, 200, 250, 300, 350, 360]));
    clock.start();
    for (let i = 0; i < 4; i++) clock.tokenArrived();
    const m = clock.finish({ promptTokens: 120, cachedTokens: 20 }, 'eos');
    expect(m.prefillTokens).toBe(100);
    expect(m.timeToFirstTokenMs).toBe(200);
    expect(m.prefillTokensPerSecond).toBe(500);
    expect(m.generatedTokens).toBe(4);
    expect(m.decodeMs).toBe(150);
    expect(m.decodeTokensPerSecond).toBeCloseTo(20, 10); // 3 tokens after the first, in 150 ms
    expect(m.totalMs).toBe(360);
    expect(m.stopReason).toBe('eos');
  });
  it('reports zero rates instead of dividing by zero', () => {
    const clock = new GenerationClock(fakeClock([0, 10, 10]));
    clock.start();
    clock.tokenArrived();
    const m = clock.finish({ promptTokens: 5, cachedTokens: 0 }, 'max-tokens');
    expect(m.decodeTokensPerSecond).toBe(0);
    expect(tokensPerSecond(0, 100)).toBe(0);
    expect(tokensPerSecond(10, 0)).toBe(0);
  });
  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('answersToCsv', () => {
  it('writes a header and quotes cells that need it', () => {
    const csv = answersToCsv([
      {
        answer: 1,
        model: 'org/a,b',
        metrics: {
          promptTokens: 10, cachedTokens: 2, prefillTokens: 8, prefillMs: 40, prefillTokensPerSecond: 200,
          timeToFirstTokenMs: 40, generatedTokens: 5, decodeMs: 100, decodeTokensPerSecond: 40, totalMs: 141.234, stopReason: 'eos',
        },
      },
    ]);
    const [header, row] = csv.trim().split('\n');
    expect(header.split(',')).toContain('decode_tokens_per_s');
    // No pictures: 0 image tokens, 0 ms encoding.
    expect(row).toBe('1,"org/a,b",10,2,8,40,200,5,40,141.23,eos,0,0');
  });
  it('gives the image tokens and the vision encoder time of an answer about a picture', () => {
    const metrics = {
      promptTokens: 230, cachedTokens: 0, prefillTokens: 230, prefillMs: 400, prefillTokensPerSecond: 575,
      timeToFirstTokenMs: 400, generatedTokens: 5, decodeMs: 100, decodeTokensPerSecond: 40, totalMs: 500, stopReason: 'eos' as const,
      imageTokens: 196, imageEncodeMs: 123.456,
    };
    const [header, row] = answersToCsv([{ answer: 1, model: 'm', metrics }]).trim().split(/\r?\n/);
    expect(header.split(',').slice(-2)).toEqual(['image_tokens', 'image_encode_ms']);
    expect(row.split(',').slice(-2)).toEqual(['196', '123.46']);
  });
});
