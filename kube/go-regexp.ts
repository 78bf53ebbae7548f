// Regular expressions as Go's regexp reads them (RE2 syntax), for what Go programs match: the API server checks a
// CRD's `pattern` with regexp.MatchString (kube-openapi pkg/validation/validate, Pattern) and kustomize selects
// patch targets by name with regexp (api/types/selector.go). So `(?i)`, `\z` and `[[:alpha:]]` work and look-arounds
// do not, unlike JavaScript's RegExp. re2js is a port of RE2/J: the same syntax, linear-time matching.
import { RE2JS } from 're2js';

/** A compiled pattern, or null when Go's regexp would not compile it. */
export interface GoRegexp {
  /** Go's MatchString: the pattern matches anywhere in `s` (anchor it with ^…$ to match the whole). */
  test(s: string): boolean;
  /**
   * Go's FindAllString(s, n): the successive leftmost-first matches, at most n of them (all when n < 0). An empty match
   * right after a match is skipped (regexp.go allMatches), which Java-style matchers do not do.
   */
  findAll(s: string, n: number): string[];
}

const compiled = new Map<string, GoRegexp | Error>();
/** Distinct patterns kept compiled (a file of CRDs holds a few hundred). */
const MAX_PATTERNS = 10_000;

/** Go's regexp.Compile: throws Go's error ("error parsing regexp: …") for a pattern Go would not compile. */
export function compileGoRegexp(pattern: string): GoRegexp {
  let r = compiled.get(pattern);
  if (r === undefined) {
    try {
      const re = RE2JS.compile(pattern);
      r = { test: (s) => re.matcher(s).find(), findAll: (s, n) => findAll(re, s, n) };
    } catch (e) {
      r = e as Error;
    }
    if (compiled.size >= MAX_PATTERNS) compiled.clear();
    compiled.set(pattern, r);
  }
  if (r instanceof Error) throw r;
  return r;
}

export function goRegexp(pattern: string): GoRegexp | null {
  try {
    return compileGoRegexp(pattern);
  } catch {
    return null;
  }
}

/** regexp.go allMatches, over UTF-16 positions (re2js reports those; an empty match moves on by one code point). */
function findAll(re: RE2JS, s: string, n: number): string[] {
  const m = re.matcher(s);
  const out: string[] = [];
  if (n < 0) n = s.length + 1;
  for (let pos = 0, prevMatchEnd = -1; out.length < n && pos <= s.length; ) {
    if (!m.find(pos)) break;
    const [start, end] = [m.start(), m.end()];
    let accept = true;
    if (end === pos) {
      if (start === prevMatchEnd) accept = false;
      pos = pos < s.length ? pos + (s.codePointAt(pos)! > 0xffff ? 2 : 1) : s.length + 1;
    } else pos = end;
    prevMatchEnd = end;
    if (accept) out.push(s.slice(start, end));
  }
  return out;
}
