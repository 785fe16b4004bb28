// A suite's JSON-schema `pattern` runs on the page, against text a model wrote. JavaScript's regex
// engine backtracks, so a pattern such as ^(a+)+$ takes exponential time on a string that almost
// matches and freezes the page. Such patterns are refused when the suite is read, and the text a
// pattern is tried on is capped, which keeps the remaining (polynomial) cases to milliseconds.

/** Longest string a pattern is tried on; longer values fail the check with a reason. */
export const PATTERN_MAX_INPUT = 2000;

/**
 * Why `pattern` could take exponential time, or null. Refused: a quantified group that itself
 * contains a quantifier (`(a+)+`, `(\w*)*`, `(x{2,})+`), and back-references (`\1`, `\k<name>`).
 */
export function catastrophicPatternProblem(pattern: string): string | null {
  // For each open group: whether something inside it is quantified.
  const groups: boolean[] = [];
  let inClass = false;
  let lastClosedGroupHadQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'it uses a back-reference, which can make matching take exponential time';
      i++;
      lastClosedGroupHadQuantifier = false;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      lastClosedGroupHadQuantifier = false;
      continue;
    }
    if (ch === '(') {
      groups.push(false);
      lastClosedGroupHadQuantifier = false;
      continue;
    }
    if (ch === ')') {
      lastClosedGroupHadQuantifier = groups.pop() ?? false;
      // The group's own quantifier (checked below) makes its parent contain one too.
      if (lastClosedGroupHadQuantifier && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    }
    const repeats = ch === '*' || ch === '+' || (ch === '{' && /^\{\d*,\d*\}|^\{\d+\}/.test(pattern.slice(i)) && repeatsMoreThanOnce(pattern.slice(i)));
    if (repeats) {
      if (lastClosedGroupHadQuantifier) {
        return 'a repeated group contains a repeat itself (like (a+)+), which can make matching take exponential time';
      }
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
    if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end > i && /^\{\d*,?\d*\}$/.test(pattern.slice(i, end + 1))) i = end;
    }
    // A lazy or possessive marker right after a quantifier keeps the state for the next character.
    if (!(ch === '?' && i > 0 && /[*+}?]/.test(pattern[i - 1]))) lastClosedGroupHadQuantifier = false;
  }
  return null;
}

function repeatsMoreThanOnce(braces: string): boolean {
  const match = /^\{(\d*)(,?)(\d*)\}/.exec(braces);
  if (!match) return false;
  const [, low, comma, high] = match;
  if (!comma) return Number(low) > 1;
  return high === '' || Number(high) > 1;
}
