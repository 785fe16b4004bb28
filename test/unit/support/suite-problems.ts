// The problems parseSuite names for a suite it must reject (fails the test if it accepts it).
import { expect } from 'vitest';
import { parseSuite, SuiteFormatError } from '../../../src/lib/scorecard/parse-suite';

export function suiteProblems(input: unknown): string[] {
  try {
    parseSuite(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteFormatError);
    return (error as SuiteFormatError).problems;
  }
  throw new Error('expected the suite to be rejected');
}
