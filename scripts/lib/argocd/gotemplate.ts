// A strict subset of Go's text/template with the Sprig and Argo CD functions that
// ApplicationSets use, evaluated with Go's semantics. Whatever is outside the
// subset is an error naming the construct; it never renders a guess.
//
// Supported:
//   actions {{ pipeline }}, trim markers {{- -}}, comments {{/* */}}
//   {{ if }} / {{ else if }} / {{ else }} / {{ end }}, {{ with }} / {{ else with }}, {{ range }} (no variables)
//   fields .a.b, dot ., root $ and $.a, string ("…", `…`), integer, true/false/nil literals,
//   parenthesised pipelines, pipes (|)
//   Go builtins: and or not eq ne lt le gt ge len index printf (%s %d %v %q %%) print
//   Sprig: default empty coalesce lower upper trim trimPrefix trimSuffix trunc replace
//          contains hasPrefix hasSuffix quote squote join toString get first last
//   Argo CD: normalize slugify
// A function Argo CD defines (template-functions.ts, taken from upstream) but the subset
// lacks is an error when the template is parsed, called or not ("function X is not
// supported by marquee's offline emulation"); a name neither defines is a parse error,
// as in Go (`function "x" not defined`).
// Options: missingkey=error (a missing map key is an error, as in Argo CD);
// otherwise a missing key renders "<no value>" as Go does.
// Stricter than Go on purpose: printing a nil value (e.g. `index` of a missing key),
// a list or a map is an error instead of "<no value>" / "[a b]" / "map[…]".

import { renderFastDeep } from './fasttemplate.ts';
import { definedFunctions } from './template-functions.ts';

export class TemplateError extends Error {}

/**
 * A parameter the offline preview cannot compute exactly (e.g. a slug of a
 * non-ASCII branch name). Rendering it is an error; carrying it around is not.
 */
export class Unsupported {
  constructor(readonly reason: string) {}
}

type Value = unknown;

interface TextNode { readonly t: 'text'; readonly text: string }
interface ActionNode { readonly t: 'action'; readonly pipe: Pipe }
/** {{if}}, {{with}} and {{range}}: a pipeline, a body and an {{else}} body. */
interface IfNode { readonly t: 'if' | 'with' | 'range'; readonly pipe: Pipe; readonly then: Node[]; readonly else: Node[] }
type Node = TextNode | ActionNode | IfNode;

type Operand =
  | { readonly k: 'field'; readonly base: 'dot' | 'root'; readonly path: readonly string[] }
  | { readonly k: 'ident'; readonly name: string }
  | { readonly k: 'lit'; readonly value: Value }
  | { readonly k: 'paren'; readonly pipe: Pipe };
type Command = readonly Operand[];
type Pipe = readonly Command[];

// ---------------------------------------------------------------- lexing

interface Tok { readonly k: 'field' | 'var' | 'ident' | 'str' | 'num' | 'pipe' | 'lparen' | 'rparen' | 'assign'; readonly v: string }

function lexAction(src: string, where: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '|') { toks.push({ k: 'pipe', v: c }); i++; continue; }
    if (c === '(') { toks.push({ k: 'lparen', v: c }); i++; continue; }
    if (c === ')') { toks.push({ k: 'rparen', v: c }); i++; continue; }
    if (c === ':' && src[i + 1] === '=') { toks.push({ k: 'assign', v: ':=' }); i += 2; continue; }
    if (c === '=' ) { toks.push({ k: 'assign', v: '=' }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let out = '';
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\') {
          const e = src[++j];
          const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', r: '\r' };
          if (e === undefined || !(e in map)) throw new TemplateError(`${where}: unsupported escape \\${e ?? ''} in string literal`);
          out += map[e];
        } else out += src[j];
      }
      if (j >= src.length) throw new TemplateError(`${where}: unterminated string literal`);
      toks.push({ k: 'str', v: out });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`${where}: unterminated raw string`);
      toks.push({ k: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const word = /^[^\s|()]+/.exec(src.slice(i))![0];
    i += word.length;
    if (word === '.' || /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(word)) toks.push({ k: 'field', v: word });
    else if (/^\$([A-Za-z_][A-Za-z0-9_]*)?(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(word)) toks.push({ k: 'var', v: word });
    else if (/^-?\d+$/.test(word)) toks.push({ k: 'num', v: word });
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) toks.push({ k: 'ident', v: word });
    else throw new TemplateError(`${where}: unsupported syntax "${word}"`);
  }
  return toks;
}

// ---------------------------------------------------------------- parsing

const unsupportedKeywords = new Set(['define', 'template', 'block', 'break', 'continue']);

function parsePipe(toks: Tok[], where: string): Pipe {
  let pos = 0;
  const pipe = (): Pipe => {
    const cmds: Command[] = [];
    let cmd: Operand[] = [];
    while (pos < toks.length) {
      const t = toks[pos]!;
      if (t.k === 'rparen') break;
      pos++;
      if (t.k === 'pipe') {
        if (!cmd.length) throw new TemplateError(`${where}: missing command before |`);
        cmds.push(cmd);
        cmd = [];
        continue;
      }
      if (t.k === 'assign') throw new TemplateError(`${where}: variable declarations ($x := …) are not supported`);
      if (t.k === 'lparen') {
        const inner = pipe();
        if (toks[pos]?.k !== 'rparen') throw new TemplateError(`${where}: unclosed (`);
        pos++;
        cmd.push({ k: 'paren', pipe: inner });
        continue;
      }
      if (t.k === 'field') cmd.push({ k: 'field', base: 'dot', path: t.v === '.' ? [] : t.v.slice(1).split('.') });
      else if (t.k === 'var') {
        const [name, ...path] = t.v.split('.');
        if (name !== '$') throw new TemplateError(`${where}: variables other than $ are not supported (${name})`);
        cmd.push({ k: 'field', base: 'root', path });
      } else if (t.k === 'str') cmd.push({ k: 'lit', value: t.v });
      else if (t.k === 'num') cmd.push({ k: 'lit', value: Number(t.v) });
      else if (t.v === 'true' || t.v === 'false') cmd.push({ k: 'lit', value: t.v === 'true' });
      else if (t.v === 'nil') cmd.push({ k: 'lit', value: null });
      else if (!definedFunctions.has(t.v)) throw new TemplateError(`${where}: function "${t.v}" not defined`);
      else if (!implemented(t.v)) throw unsupportedFunction(t.v, where);
      else cmd.push({ k: 'ident', name: t.v });
    }
    if (!cmd.length) throw new TemplateError(`${where}: empty ${cmds.length ? 'command after |' : 'pipeline'}`);
    cmds.push(cmd);
    return cmds;
  };
  const p = pipe();
  if (pos !== toks.length) throw new TemplateError(`${where}: unexpected )`);
  return p;
}

function parse(src: string, where: string): Node[] {
  // Split into text and actions, honouring trim markers and comments.
  type Piece = { text: string } | { action: string };
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      pieces.push({ text });
      break;
    }
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 2;
    }
    pieces.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError(`${where}: unclosed action {{`);
    let end = close;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) {
      end = close - 2;
      trimNext = true;
    }
    const body = src.slice(start, end).trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) pieces.push({ action: body });
    i = close + 2;
  }

  let pos = 0;
  const list = (terminators: readonly string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if ('text' in p) {
        if (p.text) nodes.push({ t: 'text', text: p.text });
        continue;
      }
      const a = p.action;
      const kw = /^([a-z]+)\b/.exec(a)?.[1];
      if (kw === 'end' || kw === 'else') {
        if (!terminators.length) throw new TemplateError(`${where}: unexpected {{${a}}}`);
        return { nodes, end: a };
      }
      if (kw && unsupportedKeywords.has(kw)) throw new TemplateError(`${where}: {{${kw}}} is not supported by the offline preview`);
      if (kw === 'if' || kw === 'with' || kw === 'range') nodes.push(control(kw, a.slice(kw.length)));
      else nodes.push({ t: 'action', pipe: parsePipe(lexAction(a, where), where) });
    }
    if (terminators.length) throw new TemplateError(`${where}: missing {{end}}`);
    return { nodes, end: '' };
  };
  // Go's parseControl: {{else if}} chains only after {{if}}, {{else with}} only after {{with}}.
  const control = (kind: IfNode['t'], cond: string): IfNode => {
    if (kind === 'range' && /^\s*\$[A-Za-z0-9_]*\s*(,|:=|=)/.test(cond)) throw new TemplateError(`${where}: range variables ({{range $i, $x := …}}) are not supported by the offline preview`);
    const pipe = parsePipe(lexAction(cond, where), where);
    const then = list(['end', 'else']);
    if (then.end === 'end') return { t: kind, pipe, then: then.nodes, else: [] };
    const rest = then.end.slice(4).trim();
    if (rest.startsWith(`${kind} `) && kind !== 'range') return { t: kind, pipe, then: then.nodes, else: [control(kind, rest.slice(kind.length))] };
    if (rest) throw new TemplateError(`${where}: unsupported {{else ${rest}}} in {{${kind}}}`);
    const els = list(['end']);
    if (els.end !== 'end') throw new TemplateError(`${where}: {{else}} after {{else}}`);
    return { t: kind, pipe, then: then.nodes, else: els.nodes };
  };
  return list([]).nodes;
}

// ---------------------------------------------------------------- evaluation

const NO_VALUE = Symbol('no value');

const isMap = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unsupported);
const typeName = (v: Value): string =>
  v === null || v === undefined ? 'nil' : Array.isArray(v) ? 'list' : isMap(v) ? 'map' : typeof v === 'number' ? 'int' : typeof v === 'boolean' ? 'bool' : 'string';

/** Go's notion of "true" in if/and/or/not, and Sprig's `empty`. */
export function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === NO_VALUE) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Argo CD's `normalize` (utils.SanitizeName): lower-case, [^-a-z0-9.] → '-', max 253, trim '-' and '.'. */
export function sanitizeName(s: string): string {
  let n = s.toLowerCase().replace(/[^-a-z0-9.]/g, '-');
  if (n.length > 253) n = n.slice(0, 253);
  return n.replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * gosimple/slug's Make (slug.go MakeLang + smartTruncate, gosimple/slug
 * 0448e1031e120d606e9d21a77452402fb1d21584) for ASCII input (the subset Argo CD's slugs can be computed
 * for offline): '&' → "and", '@' → "at", lower-case, runs of anything but
 * [a-z0-9_-] → '-', trimmed of '-' and '_', then cut to `maxLength` — at the last
 * '-' at or before it with smart truncation (slug.smartTruncate), else hard.
 * Non-ASCII input needs unidecode's tables: Unsupported.
 */
export function gosimpleSlug(s: string, maxLength: number, smartTruncate: boolean): string | Unsupported {
  if (!/^[\x20-\x7e]*$/.test(s)) return new Unsupported(`slug of "${s}" needs gosimple/slug's transliteration tables`);
  // Newer gosimple/slug releases drop quotes (defaultSub) where older ones make them '-': version-dependent.
  if (/["']/.test(s)) return new Unsupported(`slug of "${s}": gosimple/slug releases differ on quotes`);
  let slug = s.trim().replace(/&/g, 'and').replace(/@/g, 'at').toLowerCase();
  if (!smartTruncate && slug.length >= maxLength) slug = slug.slice(0, Math.max(0, maxLength));
  slug = slug.replace(/[^a-z0-9_-]/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (smartTruncate && maxLength > 0 && slug.length > maxLength) {
    const cut = slug.lastIndexOf('-', maxLength);
    slug = cut >= 0 ? slug.slice(0, cut) : slug.slice(0, maxLength);
  }
  return slug;
}

/**
 * Go's %v of a float64 (fmt → strconv 'g' with the shortest digits, where exponent form starts
 * at a decimal exponent below -4 or at 6 and above: strconv/ftoa.go formatDigits), for the
 * range where it equals JavaScript's own shortest form: 0 and 1e-4 ≤ |v| < 1e6. Outside it,
 * undefined (Go prints 1e+06 where JavaScript prints 1000000).
 */
export function goFloatString(v: number): string | undefined {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return Number.isFinite(v) && a >= 1e-4 && a < 1e6 ? String(v) : undefined;
}

function str(v: Value, fn: string, where: string): string {
  if (typeof v === 'string') return v;
  throw new TemplateError(`${where}: ${fn} expects a string, got ${typeName(v)}${typeof v === 'number' ? ` (${v})` : ''}`);
}
function int(v: Value, fn: string, where: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new TemplateError(`${where}: ${fn} expects an integer, got ${typeName(v)}`);
}

function printf(format: string, args: Value[], where: string): string {
  let n = 0;
  const out = format.replace(/%([%sdvq])|%./g, (m, verb: string | undefined) => {
    if (!verb) throw new TemplateError(`${where}: printf verb ${m} is not supported (use %s %d %v %q)`);
    if (verb === '%') return '%';
    if (n >= args.length) throw new TemplateError(`${where}: printf "${format}" has more verbs than arguments`);
    const a = args[n++];
    if (verb === 'd') return String(int(a, 'printf %d', where));
    if (verb === 'q') return JSON.stringify(str(a, 'printf %q', where));
    if (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean') {
      if (verb === 's' && typeof a !== 'string') throw new TemplateError(`${where}: printf %s expects a string, got ${typeName(a)} (Go prints %!s(${typeName(a)}=${a}))`);
      if (typeof a === 'number') {
        const printed = goFloatString(a);
        if (printed === undefined) throw new TemplateError(`${where}: printf %v of the number ${a} (a float64 in Argo CD) prints in exponent form, which this preview does not reproduce`);
        return printed;
      }
      return String(a);
    }
    throw new TemplateError(`${where}: printf %${verb} of a ${typeName(a)} is not supported`);
  });
  if (n < args.length) throw new TemplateError(`${where}: printf "${format}" has ${args.length - n} argument(s) too many (Go appends %!(EXTRA …))`);
  return out;
}

function compare(a: Value, b: Value, where: string): number {
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number'))
    throw new TemplateError(`${where}: incompatible types for comparison (${typeName(a)}, ${typeName(b)})`);
  return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
}

function eqBasic(a: Value, b: Value, where: string): boolean {
  const basic = (v: Value) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null;
  if (!basic(a) || !basic(b)) throw new TemplateError(`${where}: eq/ne compare only strings, integers and booleans (got ${typeName(a)}, ${typeName(b)})`);
  if (a !== null && b !== null && typeof a !== typeof b) throw new TemplateError(`${where}: incompatible types for comparison (${typeName(a)}, ${typeName(b)})`);
  return a === b;
}

type Fn = (args: Value[], where: string) => Value;

const functions: Record<string, Fn> = {
  not: ([a]) => !truthy(a),
  eq: (args, w) => {
    if (args.length < 2) throw new TemplateError(`${w}: eq needs at least two arguments`);
    return args.slice(1).some((b) => eqBasic(args[0], b, w));
  },
  ne: ([a, b], w) => !eqBasic(a, b, w),
  lt: ([a, b], w) => compare(a, b, w) < 0,
  le: ([a, b], w) => compare(a, b, w) <= 0,
  gt: ([a, b], w) => compare(a, b, w) > 0,
  ge: ([a, b], w) => compare(a, b, w) >= 0,
  len: ([a], w) => {
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (isMap(a)) return Object.keys(a).length;
    throw new TemplateError(`${w}: len of ${typeName(a)}`);
  },
  index: (args, w) => {
    let v = args[0];
    for (const k of args.slice(1)) {
      if (Array.isArray(v)) {
        const i = int(k, 'index', w);
        if (i < 0 || i >= v.length) throw new TemplateError(`${w}: index out of range: ${i} (length ${v.length})`);
        v = v[i];
      } else if (isMap(v)) {
        // Go returns the zero value (nil) for a missing key, even with missingkey=error.
        v = Object.prototype.hasOwnProperty.call(v, str(k, 'index', w)) ? v[k as string] : null;
      } else throw new TemplateError(`${w}: can't index item of type ${typeName(v)}`);
    }
    return v;
  },
  printf: ([f, ...rest], w) => printf(str(f, 'printf', w), rest, w),
  // fmt.Sprint: a space between operands when neither is a string.
  print: (args, w) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + render(a, w)).join(''),
  default: ([d, ...given]) => (given.length && truthy(given[0]) ? given[0] : d),
  empty: ([a]) => !truthy(a),
  coalesce: (args) => args.find(truthy) ?? null,
  lower: ([s], w) => str(s, 'lower', w).toLowerCase(),
  upper: ([s], w) => str(s, 'upper', w).toUpperCase(),
  trim: ([s], w) => str(s, 'trim', w).trim(),
  trimPrefix: ([p, s], w) => { const v = str(s, 'trimPrefix', w); const x = str(p, 'trimPrefix', w); return v.startsWith(x) ? v.slice(x.length) : v; },
  trimSuffix: ([p, s], w) => { const v = str(s, 'trimSuffix', w); const x = str(p, 'trimSuffix', w); return x && v.endsWith(x) ? v.slice(0, -x.length) : v; },
  trunc: ([n, s], w) => {
    const c = int(n, 'trunc', w);
    const v = str(s, 'trunc', w);
    if (c < 0 && v.length + c > 0) return v.slice(v.length + c);
    if (c >= 0 && v.length > c) return v.slice(0, c);
    return v;
  },
  replace: ([o, n, s], w) => str(s, 'replace', w).split(str(o, 'replace', w)).join(str(n, 'replace', w)),
  contains: ([sub, s], w) => str(s, 'contains', w).includes(str(sub, 'contains', w)),
  hasPrefix: ([p, s], w) => str(s, 'hasPrefix', w).startsWith(str(p, 'hasPrefix', w)),
  hasSuffix: ([p, s], w) => str(s, 'hasSuffix', w).endsWith(str(p, 'hasSuffix', w)),
  quote: (args, w) => args.filter((a) => a !== null).map((a) => JSON.stringify(render(a, w))).join(' '),
  squote: (args, w) => args.filter((a) => a !== null).map((a) => `'${render(a, w)}'`).join(' '),
  join: ([sep, list], w) => {
    if (!Array.isArray(list)) throw new TemplateError(`${w}: join expects a list, got ${typeName(list)}`);
    return list.map((a) => render(a, w)).join(str(sep, 'join', w));
  },
  toString: (([a], w) => render(a, w)) as Fn,
  // Sprig's get: a missing key is "" (not nil).
  get: ([m, k], w) => {
    if (!isMap(m)) throw new TemplateError(`${w}: get expects a map, got ${typeName(m)}`);
    const key = str(k, 'get', w);
    return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : '';
  },
  // Sprig's first/last: nil for an empty list.
  first: ([l], w) => {
    if (!Array.isArray(l)) throw new TemplateError(`${w}: first expects a list, got ${typeName(l)}`);
    return l.length ? l[0] : null;
  },
  last: ([l], w) => {
    if (!Array.isArray(l)) throw new TemplateError(`${w}: last expects a list, got ${typeName(l)}`);
    return l.length ? l[l.length - 1] : null;
  },
  normalize: ([s], w) => sanitizeName(str(s, 'normalize', w)),
  // Argo CD's SlugifyName(args...): [maxSize=50] [smartTruncate=true] name, the name sanitized first.
  slugify: (args, w) => {
    if (!args.length || args.length > 3) throw new TemplateError(`${w}: slugify takes [maxSize] [smartTruncate] name`);
    const name = str(args[args.length - 1], 'slugify', w);
    const max = args.length >= 2 ? int(args[0], 'slugify', w) : 50;
    const smart = args.length === 3 ? args[1] : true;
    if (typeof smart !== 'boolean') throw new TemplateError(`${w}: slugify's smartTruncate must be a boolean, got ${typeName(smart)}`);
    const slug = gosimpleSlug(sanitizeName(name), max, smart);
    if (slug instanceof Unsupported) throw new TemplateError(`${w}: value not available offline: ${slug.reason}`);
    return slug;
  },
};

/** Functions the offline preview implements (for docs and error messages). */
export const supportedFunctions = Object.freeze(['and', 'or', ...Object.keys(functions)].sort());

const implemented = (name: string): boolean => name === 'and' || name === 'or' || Object.hasOwn(functions, name);

/**
 * A function Argo CD defines (template-functions.ts) that this emulation does not implement:
 * an error when the template is parsed, whether or not the call would run, never a guessed value.
 */
const unsupportedFunction = (name: string, where: string): TemplateError =>
  new TemplateError(`${where}: function ${name} is not supported by marquee's offline emulation (Argo CD defines it; implemented: ${supportedFunctions.join(', ')})`);

/** Go's fmt of a value in an action, minus the forms that would hide a mistake. */
function render(v: Value, where: string): string {
  if (v === NO_VALUE) return '<no value>';
  if (v instanceof Unsupported) throw new TemplateError(`${where}: value not available offline: ${v.reason}`);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const printed = goFloatString(v);
    if (printed === undefined)
      throw new TemplateError(`${where}: the number ${v} is a float64 in Argo CD (parameters come from JSON/YAML) and prints in exponent form (%v), which this preview does not reproduce; quote it in the generator`);
    return printed;
  }
  if (v === null || v === undefined)
    throw new TemplateError(`${where}: the value is nil (index of a missing key?); Argo CD would render "<no value>" — use default`);
  throw new TemplateError(`${where}: cannot print a ${typeName(v)} directly (use index, join or a field)`);
}

interface Ctx {
  readonly root: Value;
  readonly dot: Value;
  readonly missingKeyError: boolean;
  readonly where: string;
}

function field(ctx: Ctx, base: Value, path: readonly string[], shown: string): Value {
  let v = base;
  let at = shown;
  for (const key of path) {
    if (isMap(v)) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) {
        if (ctx.missingKeyError) throw new TemplateError(`${ctx.where}: map has no entry for key "${key}" (in ${at}.${key}; missingkey=error)`);
        return NO_VALUE;
      }
      v = v[key];
      if (v instanceof Unsupported) throw new TemplateError(`${ctx.where}: ${at}.${key} is not available offline: ${v.reason}`);
    } else if (v === NO_VALUE || v === null || v === undefined) {
      if (ctx.missingKeyError) throw new TemplateError(`${ctx.where}: nil pointer evaluating ${at}.${key}`);
      return NO_VALUE;
    } else throw new TemplateError(`${ctx.where}: can't evaluate field ${key} in type ${typeName(v)} (${at})`);
    at = `${at}.${key}`;
  }
  return v;
}

function evalOperand(ctx: Ctx, op: Operand): Value {
  switch (op.k) {
    case 'lit':
      return op.value;
    case 'field':
      return field(ctx, op.base === 'dot' ? ctx.dot : ctx.root, op.path, op.base === 'dot' ? '' : '$');
    case 'paren':
      return evalPipe(ctx, op.pipe);
    case 'ident':
      return call(ctx, op.name, [], undefined);
  }
}

function call(ctx: Ctx, name: string, argOps: readonly Operand[], piped: { v: Value } | undefined): Value {
  if (name === 'and' || name === 'or') {
    const ops = [...argOps];
    const n = ops.length + (piped ? 1 : 0);
    if (n < 1) throw new TemplateError(`${ctx.where}: ${name} needs arguments`);
    let last: Value = null;
    for (let i = 0; i < n; i++) {
      last = i < ops.length ? evalOperand(ctx, ops[i]!) : piped!.v;
      if (name === 'and' ? !truthy(last) : truthy(last)) return last;
    }
    return last;
  }
  const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
  if (!fn) throw unsupportedFunction(name, ctx.where);
  const args = argOps.map((o) => evalOperand(ctx, o));
  if (piped) args.push(piped.v);
  return fn(args, ctx.where);
}

function evalPipe(ctx: Ctx, pipe: Pipe): Value {
  let piped: { v: Value } | undefined;
  for (const cmd of pipe) {
    const [head, ...rest] = cmd;
    let v: Value;
    if (head!.k === 'ident') v = call(ctx, head!.name, rest, piped);
    else {
      if (rest.length || piped) throw new TemplateError(`${ctx.where}: can't give arguments to a non-function value`);
      v = evalOperand(ctx, head!);
    }
    piped = { v };
  }
  return piped!.v;
}

function exec(ctx: Ctx, nodes: readonly Node[]): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'action') out += render(evalPipe(ctx, n.pipe), ctx.where);
    else if (n.t === 'if') out += exec(ctx, truthy(evalPipe(ctx, n.pipe)) ? n.then : n.else);
    else if (n.t === 'with') {
      const v = evalPipe(ctx, n.pipe);
      out += truthy(v) ? exec({ ...ctx, dot: v }, n.then) : exec(ctx, n.else);
    } else {
      const items = rangeItems(evalPipe(ctx, n.pipe), ctx.where);
      out += items.length ? items.map((dot) => exec({ ...ctx, dot }, n.then)).join('') : exec(ctx, n.else);
    }
  }
  return out;
}

/** What {{range}} visits (Go's walkRange): list elements, map values by sorted key, 0..n-1; nothing for nil. */
function rangeItems(v: Value, where: string): Value[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v).sort().map((k) => v[k]);
  if (typeof v === 'number' && Number.isInteger(v)) return Array.from({ length: Math.max(0, v) }, (_, i) => i);
  if (v === null || v === undefined || v === NO_VALUE) return [];
  throw new TemplateError(`${where}: range can't iterate over ${typeof v === 'string' ? v : typeName(v)}`);
}

const cache = new Map<string, Node[]>();

export interface TemplateOptions {
  /** Argo CD's goTemplateOptions, e.g. ["missingkey=error"]. */
  readonly options?: readonly string[];
  /** Where the template is, for error messages (e.g. `ApplicationSet/marquee-dev spec.template.metadata.name`). */
  readonly where?: string;
}

/** Render one string with Go template semantics (the subset above). Throws TemplateError. */
export function renderTemplate(src: string, data: Value, opts: TemplateOptions = {}): string {
  const where = opts.where ?? 'template';
  if (!src.includes('{{')) return src;
  let missingKeyError = false;
  for (const o of opts.options ?? []) {
    if (o === 'missingkey=error') missingKeyError = true;
    else if (o === 'missingkey=default' || o === 'missingkey=invalid') missingKeyError = false;
    else throw new TemplateError(`${where}: goTemplateOptions "${o}" is not supported (only missingkey=error|default)`);
  }
  let nodes = cache.get(src);
  if (!nodes) {
    try {
      nodes = parse(src, where);
    } catch (e) {
      throw e instanceof TemplateError ? new TemplateError(`${e.message} in "${src}"`) : e;
    }
    cache.set(src, nodes);
  }
  try {
    return exec({ root: data, dot: data, missingKeyError, where }, nodes);
  } catch (e) {
    throw e instanceof TemplateError ? new TemplateError(`${e.message} in "${src}"`) : e;
  }
}

/**
 * Render every string of a value, map keys included, as Argo CD's Render.deeplyReplace
 * does (keys are templated too: utils_test.go TestRenderTemplateKeys). With no
 * parameters at all Argo CD returns the template untouched (RenderTemplateParams,
 * RenderGeneratorParams: `len(params) == 0`).
 */
export function renderDeep<T>(value: T, data: Value, opts: TemplateOptions & { readonly path?: string } = {}): T {
  if (isMap(data) && Object.keys(data).length === 0) return value;
  const at = (path: string) => `${opts.where ?? 'template'} ${path}`.trim();
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return renderTemplate(v, data, { ...opts, where: at(path) });
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (isMap(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = renderTemplate(k, data, { ...opts, where: `${at(path)} (key "${k}")` });
        if (Object.prototype.hasOwnProperty.call(out, key))
          throw new TemplateError(`${at(path)}: keys "${k}" and another key both render to "${key}" (Argo CD would keep one of them at random)`);
        out[key] = walk(x, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return v;
  };
  return walk(value, opts.path ?? '') as T;
}

/**
 * Argo CD's Render.RenderTemplateParams (applicationset/utils/utils.go, e9537cd0):
 * the ApplicationSet's template rendered with one parameter set, plus the
 * `resources-finalizer.argocd.argoproj.io` finalizer when the template has none and
 * the ApplicationSet's syncPolicy does not preserve resources on deletion. With no
 * parameters the template comes back untouched (no finalizer either).
 */
export function renderTemplateParams<T extends { metadata?: Record<string, any> }>(
  template: T,
  params: Record<string, unknown>,
  opts: TemplateOptions & {
    readonly syncPolicy?: { readonly preserveResourcesOnDeletion?: boolean } | null;
    /** The ApplicationSet's spec.goTemplate: false renders with fasttemplate (fasttemplate.ts). @default true */
    readonly goTemplate?: boolean;
  } = {},
): T {
  if (Object.keys(params).length === 0) return template;
  const out = opts.goTemplate === false ? renderFastDeep(template, params, opts.where) : renderDeep(template, params, opts);
  if (!opts.syncPolicy?.preserveResourcesOnDeletion && !(out.metadata?.finalizers?.length > 0))
    (out as { metadata?: Record<string, any> }).metadata = { ...out.metadata, finalizers: ['resources-finalizer.argocd.argoproj.io'] };
  return out;
}
