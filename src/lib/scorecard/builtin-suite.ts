// The suite the scorecard runs unless the user imports another: written as data in
// builtin-suite.json (also what "Download the suite as a template" saves) and read by parseSuite,
// so it obeys the same rules as an imported suite.
import suiteJson from './builtin-suite.json' with { type: 'json' };
import { parseSuite } from './parse-suite';
import type { ScorecardSuite } from './suite-types';

export const BUILTIN_SUITE: ScorecardSuite = parseSuite(suiteJson);

/** The built-in suite as the JSON file a user can edit and import again. */
export function builtinSuiteTemplate(): string {
  return `${JSON.stringify(BUILTIN_SUITE, null, 2)}\n`;
}
