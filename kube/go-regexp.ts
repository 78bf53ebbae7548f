// Regular expressions as Go's regexp reads them (RE2 syntax), for what Go programs match: the API server checks a
// CRD's `pattern` with regexp.MatchString (kube-openapi pkg/validation/validate, Pattern) and kustomize selects
// patch targets by name with regexp (api/types/selector.go). So `(?i)`, `\z` and `[[:alpha:]]` work and look-arounds
// do not, unlike JavaScript's RegExp. re2js is a port of RE2/J: the same syntax, linear-time matching. It is loaded
// on the first pattern outside the common subset whose meaning JavaScript shares (nativeEquivalent), which most
// runs never meet.
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let re2js: typeof RE2JS | undefined;
const RE2 = (): typeof RE2JS => (re2js ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS);

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
      const native = nativeEquivalent(pattern);
      if (native) {
        let re: RE2JS | undefined;
        r = { test: (s) => native.test(s), findAll: (s, n) => findAll((re ??= RE2().compile(pattern)), s, n) };
      } else {
        const re = RE2().compile(pattern);
        r = { test: (s) => re.matcher(s).find(), findAll: (s, n) => findAll(re, s, n) };
      }
    } catch (e) {
      r = e as Error;
    }
    if (compiled.size >= MAX_PATTERNS) compiled.clear();
    compiled.set(pattern, r);
  }
  if (r instanceof Error) throw r;
  return r;
}

/**
 * The JavaScript RegExp that means what `pattern` means to Go, when the pattern keeps to a subset where the two agree:
 * literals, classes without POSIX names, `(?:`, quantifiers up to RE2's 1,000, and the escapes of syntax characters
 * and of `\d \w \b` (ASCII in both); an unescaped `.` is written `[^\n]` (Go's `.` stops only at a newline). Anything
 * else (flags, `\s`, `\z`, `\p`, named groups, backreferences), or a pattern JavaScript will not compile, is left
 * to re2js.
 */
export function nativeEquivalent(pattern: string): RegExp | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || !/[-.+*?()[\]{}|^$/\\dwbDWB]/.test(n)) return undefined;
      if (inClass && (n === 'b' || n === 'B')) return undefined; // JavaScript reads [\b] as a backspace
      out += c + n;
      i++;
    } else if (inClass) {
      if (c === '[') return undefined;
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') return undefined;
    } else if (c === '(' && pattern[i + 1] === '?' && pattern[i + 2] !== ':') return undefined;
    else out += c === '.' ? '[^\\n]' : c;
  }
  if (inClass || /\{\s*\d*,?\s*\d{4,}/.test(pattern)) return undefined;
  try {
    return new RegExp(out, 'u');
  } catch {
    return undefined;
  }
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
