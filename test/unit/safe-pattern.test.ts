// Suite patterns that could freeze the page are refused when the suite is read; long text is not tried.
import { describe, expect, it } from 'vitest';
import { PATTERN_MAX_INPUT, catastrophicPatternProblem } from '../../src/lib/scorecard/safe-pattern';
import { schemaProblems, validateJson } from '../../src/lib/scorecard/json-schema';

describe('catastrophicPatternProblem', () => {
  it.each(['^(a+)+$', '(\\w*)*x', '^(x{2,})+$', '((ab)+c)*', '(a|b+)+', '^(\\d+)\\1$', '(?<n>a)\\k<n>'])('refuses %s', (pattern) => {
    expect(catastrophicPatternProblem(pattern)).not.toBeNull();
  });
  it.each(['^[A-Z]{3}-\\d{4}$', '^(ab)+$', '^[a+]+$', '^\\(a+\\)+$', '^(?:INV|PO)-\\d+$', '^a{1}(b)+$', '^\\d+(\\.\\d+)?$', '(a+?)'])('keeps %s', (pattern) => {
    expect(catastrophicPatternProblem(pattern)).toBeNull();
  });
});

describe('patterns in a suite', () => {
  it('are refused at import with the reason', () => {
    expect(schemaProblems({ type: 'string', pattern: '^(a+)+$' })).toEqual([
      'schema.pattern is refused: a repeated group contains a repeat itself (like (a+)+), which can make matching take exponential time',
    ]);
  });
  it('are not tried on text longer than the cap, and fail it with a reason', () => {
    const long = 'a'.repeat(PATTERN_MAX_INPUT + 1);
    expect(validateJson(long, { type: 'string', pattern: '^a+$' })).toEqual([`$: ${long.length} characters, too long to check against the pattern (at most ${PATTERN_MAX_INPUT})`]);
    expect(validateJson('aaa', { type: 'string', pattern: '^a+$' })).toEqual([]);
  });
  it('never run a refused pattern, even if one reaches the checker', () => {
    // Tried, this string would backtrack for minutes and the test would time out instead of failing here.
    expect(validateJson(`${'a'.repeat(40)}!`, { type: 'string', pattern: '^(a+)+$' })).toEqual([
      `$: "${'a'.repeat(40)}!" does not match the pattern /^(a+)+$/`,
    ]);
  });
});
