// Bounds on what a YAML text may cost to read, shared by files mode and the repository's source
// pre-pass: go-yaml's rule against alias bombs, a nesting bound, and binary content refused
// before a parser sees it.
import type { Document, LineCounter } from 'yaml';
import type { Finding } from '../../../kube/index.ts';
import { Y } from '../../../kube/yaml-lazy.ts';

/** Nesting a validator may walk (ajv and the field tree recurse): js-yaml bounds the text, this the aliases' expansion. */
export const MAX_DEPTH = 100;

/**
 * Could the text hold an alias (to an anchor: an alias without one is a syntax error)? A superset test: a false
 * yes only costs the exact path. An alias token alone is not enough: CRD descriptions often hold `*word*`
 * markdown; so an anchor token is asked for too, one whose name does not start with `&` (CEL's `a && b` is not
 * one) — or else the alias of an anchor whose name does, `*&…`. Found with indexOf, not a regular expression:
 * this runs on every file, and the sigils are rare.
 */
export const mayAlias = (text: string): boolean =>
  (hasToken(text, '&', (c) => c !== '&') || hasToken(text, '*', (c) => c === '&')) && hasToken(text, '*', () => true);

/** A `sigil` at the start of a line or after a space or `[{,`, followed by a character a name may start with. */
function hasToken(text: string, sigil: '&' | '*', first: (c: string) => boolean): boolean {
  for (let i = text.indexOf(sigil); i >= 0; i = text.indexOf(sigil, i + 1)) {
    const c = text[i + 1];
    if (c !== undefined && !/[\s,[\]{}]/.test(c) && first(c) && (i === 0 || /[\s[{,]/.test(text[i - 1]!))) return true;
  }
  return false;
}

/** Text that may nest past what the `yaml` library parses safely (its recursion runs out of memory on a few thousand levels): a superset test. */
export const looksDeep = (text: string): boolean => /[[{](\s*[[{]){49}/.test(text) || /^ {400}/m.test(text);

/** A NUL byte: not a text file (an image, an archive), refused at the line it is on. */
export function binaryFinding(file: string, text: string): Finding | undefined {
  const nul = text.indexOf('\0');
  if (nul < 0) return undefined;
  const line = text.slice(0, nul).split('\n').length;
  return { rule: 'yaml/syntax', severity: 'error', file, line, column: 1, message: 'binary content (a NUL byte): not a YAML or JSON text file', hint: 'point validate at manifest files only' };
}

/**
 * go-yaml's rule against alias bombs, ported (gopkg.in/yaml.v3 decode.go: decoder.unmarshal
 * counts decodeCount and aliasCount; allowedAliasRatio; "document contains excessive aliasing"),
 * applied to js-yaml's value, where an alias is a second reference to the same object. The walk
 * stops as soon as the rule or the depth bound fires, so a bomb costs a few thousand steps.
 */
export function excessiveAliasing(value: unknown): string | undefined {
  const low = 400_000;
  const high = 4_000_000;
  const allowedAliasRatio = (decodeCount: number): number =>
    decodeCount <= low ? 0.99 : decodeCount >= high ? 0.1 : 0.99 - 0.89 * ((decodeCount - low) / (high - low));
  let decodeCount = 0;
  let aliasCount = 0;
  const seen = new Set<object>();
  const stack: [unknown, boolean, number][] = [[value, false, 0]];
  while (stack.length) {
    const [v, inAlias, depth] = stack.pop()!;
    decodeCount++;
    if (inAlias) aliasCount++;
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) return 'contains excessive aliasing (an alias bomb)';
    if (!v || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return `nests deeper than ${MAX_DEPTH} levels once its aliases are expanded`;
    const aliased = inAlias || seen.has(v);
    seen.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, aliased, depth + 1]);
  }
  return undefined;
}

/** Line and column of the first alias in document `d`, for the finding. */
export function firstAlias(parsed: { readonly docs: Document.Parsed[]; readonly lines: LineCounter }, d: number): { line: number; column: number } | undefined {
  const doc = parsed.docs[d];
  if (!doc) return undefined;
  let at: number | undefined;
  Y.visit(doc, { Alias: (_k, node) => ((at = node.range?.[0]), Y.visit.BREAK) });
  const { line, col } = parsed.lines.linePos(at ?? doc.range[0]);
  return { line, column: col };
}

