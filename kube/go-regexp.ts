// Regular expressions as Go's regexp reads them (RE2 syntax), for what Go programs match: the API server checks a
// CRD's `pattern` with regexp.MatchString (kube-openapi pkg/validation/validate, Pattern) and kustomize selects
// patch targets by name with regexp (api/types/selector.go). So `(?i)`, `\z` and `[[:alpha:]]` work and look-arounds
// do not, unlike JavaScript's RegExp. re2js is a port of RE2/J: the same syntax, linear-time matching.
import { RE2JS } from 're2js';

/** A compiled pattern, or null when Go's regexp would not compile it. */
export interface GoRegexp {
  /** Go's MatchString: the pattern matches anywhere in `s` (anchor it with ^…$ to match the whole). */
  test(s: string): boolean;
}

const compiled = new Map<string, GoRegexp | null>();
/** Distinct patterns kept compiled (a file of CRDs holds a few hundred). */
const MAX_PATTERNS = 10_000;

export function goRegexp(pattern: string): GoRegexp | null {
  let r = compiled.get(pattern);
  if (r !== undefined) return r;
  try {
    const re = RE2JS.compile(pattern);
    r = { test: (s) => re.matcher(s).find() };
  } catch {
    r = null;
  }
  if (compiled.size >= MAX_PATTERNS) compiled.clear();
  compiled.set(pattern, r);
  return r;
}
