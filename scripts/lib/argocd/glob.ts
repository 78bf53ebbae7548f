// The three pattern languages Argo CD uses, reimplemented for the offline preview:
// - gobwas/glob (AppProject sourceRepos, destinations): * ? [..] [!..] {a,b} \, `**`;
//   `*` stops at the given separators only (none for destinations, '/' for sourceRepos).
// - Go's path.Match (git directories generator, Kind/Group/name in resource lists): * ? [..] [^..] \.
// - git pathspec globs (git files generator, Argo CD's default `git ls-files -- <glob>`): `*` crosses '/'.
// Plus AppProject negation (`!pattern`) and git.NormalizeGitURL.

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export class PatternError extends Error {}

function classToRe(body: string, negate: boolean): string {
  // body is the raw class content without the negation marker
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[++i];
      if (n === undefined) throw new PatternError('trailing \\ in character class');
      out += escapeRe(n);
    } else if (c === '-' && out && i + 1 < body.length) out += '-';
    else out += c === ']' || c === '^' || c === '\\' ? `\\${c}` : c;
  }
  if (!out) throw new PatternError('empty character class');
  return `[${negate ? '^' : ''}${out}]`;
}

/** gobwas/glob → RegExp. `separators` are the characters `*` and `?` do not cross. */
export function gobwasRegExp(pattern: string, separators = ''): RegExp {
  const sep = separators ? `[^${escapeRe(separators)}]` : '[\\s\\S]';
  let i = 0;
  const parse = (inAlt: boolean): string => {
    let out = '';
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (inAlt && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') {
        if (i >= pattern.length) throw new PatternError(`trailing \\ in "${pattern}"`);
        out += escapeRe(pattern[i++]!);
      } else if (c === '*') {
        if (pattern[i] === '*') {
          i++;
          out += '[\\s\\S]*';
        } else out += `${sep}*`;
      } else if (c === '?') out += sep;
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) throw new PatternError(`unclosed [ in "${pattern}"`);
        const negate = pattern[i] === '!';
        out += classToRe(pattern.slice(negate ? i + 1 : i, end), negate);
        i = end + 1;
      } else if (c === '{') {
        const alts: string[] = [];
        for (;;) {
          alts.push(parse(true));
          const d = pattern[i++];
          if (d === '}') break;
          if (d !== ',') throw new PatternError(`unclosed { in "${pattern}"`);
        }
        out += `(?:${alts.join('|')})`;
      } else out += escapeRe(c);
    }
    if (inAlt) throw new PatternError(`unclosed { in "${pattern}"`);
    return out;
  };
  return new RegExp(`^${parse(false)}$`);
}

/** Argo CD's glob.Match: a pattern that does not compile matches nothing. */
export function globMatch(pattern: string, value: string, separators = ''): boolean {
  try {
    return gobwasRegExp(pattern, separators).test(value);
  } catch {
    return false;
  }
}

/** Argo CD's AppProject globMatch with negation: `!p` matches whatever `p` does not; `*` matches everything. */
export function projectGlobMatch(pattern: string, value: string, separators = ''): boolean {
  if (pattern.startsWith('!')) return !globMatch(pattern.slice(1), value, separators);
  if (pattern === '*') return true;
  return globMatch(pattern, value, separators);
}

export const isDenyPattern = (p: string | undefined): boolean => !!p && p.startsWith('!');

/** How one glob language reads `*`, `?`, `[...]` and a backslash (the two below differ only in these). */
interface Wildcards {
  /** what `*` and `?` stand for one character of */
  readonly any: string;
  /** characters that negate a class after `[` */
  readonly negations: string;
  /** a `]` right after `[` (or its negation) belongs to the class, as in fnmatch */
  readonly leadingBracket: boolean;
  /** an unclosed `[` or a trailing backslash is an error (Go's ErrBadPattern) rather than a literal */
  readonly strict: boolean;
}

/** `pattern` as an anchored RegExp in one glob language. */
function wildcardRegExp(pattern: string, w: Wildcards): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += `${w.any}*`;
    else if (c === '?') re += w.any;
    else if (c === '\\') {
      if (i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
      else if (w.strict) throw new PatternError(`bad pattern "${pattern}": trailing \\`);
      else re += escapeRe(c);
    } else if (c === '[') {
      const next = pattern[i + 1];
      const negate = next !== undefined && w.negations.includes(next);
      const start = i + 1 + (negate ? 1 : 0);
      const end = pattern.indexOf(']', w.leadingBracket ? start + 1 : start);
      if (end < 0) {
        if (w.strict) throw new PatternError(`bad pattern "${pattern}": unclosed [`);
        re += '\\[';
        continue;
      }
      re += classToRe(pattern.slice(start, end), negate);
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

/** Go's path.Match. Throws PatternError for a malformed pattern (Go returns ErrBadPattern). */
export function pathMatch(pattern: string, name: string): boolean {
  return wildcardRegExp(pattern, { any: '[^/]', negations: '^', leadingBracket: false, strict: true }).test(name);
}

/**
 * git pathspec glob (fnmatch without FNM_PATHNAME, as `git ls-files -- <glob>`):
 * `*` and `?` also match '/', `**` likewise; a pattern without wildcards matches
 * the path itself or anything below it.
 */
export function pathspecMatch(pattern: string, path: string): boolean {
  const p = pattern.replace(/^\/+/, '');
  if (!/[*?[]/.test(p)) return path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`);
  return wildcardRegExp(p, { any: '[\\s\\S]', negations: '!^', leadingBracket: true, strict: false }).test(path);
}

/** Argo CD's git.NormalizeGitURL: trimmed, lower-case, scp-style SSH to URL form, no trailing `.git`, no `ssh://`. */
export function normalizeGitURL(url: string): string {
  let u = url.trim().toLowerCase();
  const scp = /^([a-z0-9_.-]+@)?([a-z0-9_.-]+):(?!\/\/)(.*)$/.exec(u);
  if (scp && !u.includes('://')) u = `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  if (u.endsWith('.git')) u = u.slice(0, -4);
  return u.startsWith('ssh://') ? u.slice('ssh://'.length) : u;
}
