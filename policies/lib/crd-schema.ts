// Custom resources validated against their CustomResourceDefinitions, as the API server does it: the one CRD validator
// (validate's schema step, policies and tests use it). A CRD's openAPIV3Schema is a structural schema, walked directly:
// - pruning (apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go): a field the schema does not declare
//   is dropped by the API server; here it is an error, like `kubeconform -strict`, unless the node says
//   x-kubernetes-preserve-unknown-fields; x-kubernetes-embedded-resource also allows apiVersion, kind and metadata
//   (pkg/apiserver/schema/objectmeta/validation.go requires apiVersion and kind there);
// - defaulting (pkg/apiserver/schema/defaulting/algorithm.go Default, prunenulls.go PruneNonNullableNullsWithoutDefaults):
//   defaults are applied before validation, so a defaulted field is never "missing", and a null in a non-nullable field
//   is dropped (then a required field is missing);
// - value validation (kube-openapi pkg/validation/validate: type.go, validator.go, object_validator.go,
//   slice_validator.go, schema_props.go): type (integer also satisfies number), x-kubernetes-int-or-string, enum,
//   format (crd-formats.ts), minimum/maximum (exclusive too), multipleOf, minLength/maxLength (in characters), pattern,
//   minItems/maxItems, uniqueItems, minProperties/maxProperties, required, allOf/anyOf/oneOf/not;
// - list types (pkg/apiserver/schema/listtype/validation.go ValidateListSetsAndMaps): `set` items unique, `map` items
//   unique by x-kubernetes-list-map-keys;
// - x-kubernetes-validations (crd-cel.ts), create semantics.
// metadata of the object itself is the API server's generic ObjectMeta, checked by validate's other steps, not here.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileReader } from '../../kube/file-reader.ts';
import { Y } from '../../kube/yaml-lazy.ts';
import { loadManifestBytes, loadManifestsAliased } from '../../kube/yaml-schema.ts';
import { evaluateRule, type CelRule } from './crd-cel.ts';
import { formatError } from './crd-formats.ts';
import { goRegexp } from '../../kube/go-regexp.ts';
import { closest } from '../../kube/closest.ts';
import type { FixFacts } from '../../kube/value-fix.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type PathSegment = string | number;
type Schema = Record<string, any>;

export interface CrdIssue extends FixFacts {
  readonly path: PathSegment[];
  readonly message: string;
  readonly hint?: string;
  /** 'warning' for what could not be checked (an unsupported CEL function); errors otherwise. */
  readonly severity?: 'warning';
  // What the problem is, as data: FixFacts for kube/value-fix.ts fixFor to word the fix (as for a built-in kind's
  // field), and `missing` for the schema step to fold a misspelt required field's two issues into one.
  /** A required field that is not there: its name. */
  readonly missing?: string;
  /** An unknown field that a sibling object declares (indented one level too little): the path of that sibling. */
  readonly belongsUnder?: PathSegment[];
}

/** One served version of one CRD: what validates `group/version Kind`. */
export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** `<plural>.<group>` */
  readonly name: string;
  /** where the CRD came from: `vendor/crds/<project>/<file>`, a --crd file, or a validated file */
  readonly file: string;
  readonly schema: Schema;
}

export interface ValidateOptions {
  /** Kubernetes minor the cluster runs (formats added later are not checked on older clusters). @default '1.31' */
  readonly kubernetesVersion?: string;
  /**
   * Apply defaults and drop non-nullable nulls first, as the API server's request pipeline does. Off only to port
   * upstream tests of the validator alone (validation_test.go TestValidateCustomResource). @default true
   */
  readonly defaulting?: boolean;
  /**
   * Report a field the schema does not declare (pruning's fields, as errors). Off where upstream validates a value
   * without pruning it first (structuraldefaulting.ValidateDefaults' ValidateCustomResource of a default, whose
   * unknown fields it reports once, as "must not have unknown fields"). @default true
   */
  readonly unknownFields?: boolean;
  /**
   * The schema serves this one value (a default in its own CRD): its checks are worked out, not kept for the next value
   * (a WeakMap entry per node of a schema used once cost more than the checks). @default false
   */
  readonly once?: boolean;
}

/** What one validateStructural call's walk reads besides the schema and the value. */
interface WalkContext {
  readonly version: string;
  /** report undeclared fields (ValidateOptions.unknownFields) */
  readonly strict: boolean;
  /** ValidateOptions.once */
  readonly once: boolean;
}

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

const show = (v: unknown) => JSON.stringify(v);

/**
 * Names of a node's properties that declare a default, in declaration order, worked out once per schema node (with
 * any that is no schema at all, null: reading its default throws, where applyDefaults first reads it).
 */
const defaultedOf = new WeakMap<Schema, string[]>();
function defaulted(properties: Record<string, Schema>): string[] {
  let names = defaultedOf.get(properties);
  if (!names) {
    names = Object.keys(properties).filter((k) => properties[k] == null || properties[k]!.default !== undefined);
    defaultedOf.set(properties, names);
  }
  return names;
}

/**
 * pkg/apiserver/schema/defaulting/algorithm.go Default: apply every default the schema declares. A value in which no
 * default applies and no null is dropped is returned as it is; one in which something changes is copied from the
 * first change up (so the value passed in is never modified), as a whole copy would be.
 */
export function applyDefaults(s: Schema | undefined, v: unknown): unknown {
  if (!s || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (!s.items) return v;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = applyDefaults(s.items, v[i]);
      if (!copy && x !== v[i]) copy = v.slice(0, i);
      if (copy) copy.push(x);
    }
    return copy ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let out: Record<string, unknown> | undefined;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j]!;
    const x = o[k];
    const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    // prunenulls.go: a null in a field that is neither nullable nor defaulted is dropped before validation.
    const drop = x === null && sub && !sub.nullable && sub.default === undefined;
    const y = drop ? undefined : x === null && sub?.default !== undefined ? structuredClone(sub.default) : applyDefaults(sub, x);
    // a `__proto__` key, assigned to a fresh object, sets its prototype: copied as a whole copy always did
    if (!out && (drop || y !== x || k === '__proto__')) out = copyOf(o, keys, j);
    if (out && !drop) out[k] = y;
  }
  if (s.properties && typeof s.properties === 'object')
    for (const k of defaulted(s.properties)) {
      // `k in` the copy, which has the prototype of a fresh object
      if (out ? k in out : Object.prototype.hasOwnProperty.call(o, k) || k in Object.prototype) continue;
      const sub = s.properties[k] as Schema;
      if (sub.default === undefined) continue;
      out ??= copyOf(o, keys, keys.length);
      out[k] = applyDefaults(sub, structuredClone(sub.default));
    }
  return out ?? o;
}

/** A fresh object with the first `n` of `keys` of `o`. */
function copyOf(o: Record<string, unknown>, keys: string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[keys[i]!] = o[keys[i]!];
  return out;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => equal((a as any)[k], (b as any)[k]));
}

/** Does `v[i]` equal an item before it? */
const repeats = (v: unknown[], i: number): boolean => {
  for (let j = 0; j < i; j++) if (equal(v[j], v[i])) return true;
  return false;
};

/**
 * Validate `value` against a structural schema: every issue with its path; an undeclared field is one unless
 * `opts.unknownFields` is false.
 * The walk keeps one path array, extended and cut back as it goes: an issue gets a copy of it.
 */
export function validateStructural(schema: Schema, value: unknown, opts: ValidateOptions = {}, path: PathSegment[] = []): CrdIssue[] {
  const out: CrdIssue[] = [];
  const version = opts.kubernetesVersion ?? '1.31';
  walk(schema, opts.defaulting === false ? value : applyDefaults(schema, value), path.slice(), out, { version, strict: opts.unknownFields !== false, once: opts.once === true });
  return out;
}

// Which of values' checks a schema node has, as bits, worked out once per node: a node with none of a value's checks
// (most of a CRD's) costs one lookup instead of a read of every keyword it does not have.
const ENUM = 1;
const FORMAT = 2;
const NUMBER = 4;
const STRING = 8;
const ARRAY = 16;
const OBJECT = 32;
const JUNCTORS = 64;
const checksOf = new WeakMap<Schema, number>();
function checks(s: Schema): number {
  let c = checksOf.get(s);
  if (c === undefined) checksOf.set(s, (c = checksHere(s)));
  return c;
}
/** The checks of `s`, worked out. */
function checksHere(s: Schema): number {
  return (
    (s.enum ? ENUM : 0) |
    (s.format ? FORMAT : 0) |
    (s.minimum !== undefined || s.maximum !== undefined || s.multipleOf ? NUMBER : 0) |
    (s.minLength !== undefined || s.maxLength !== undefined || s.pattern ? STRING : 0) |
    (s.minItems !== undefined || s.maxItems !== undefined || s.uniqueItems ? ARRAY : 0) |
    (s.minProperties !== undefined || s.maxProperties !== undefined || s.required != null ? OBJECT : 0) |
    (s.allOf != null || s.anyOf || s.oneOf || s.not ? JUNCTORS : 0)
  );
}

/**
 * Value validations only (junctor branches may not declare fields: structural schemas forbid it). True when `v` is
 * not of the node's type (here or in an allOf branch): nothing below it is checked then.
 */
function values(s: Schema, v: unknown, p: PathSegment[], sink: CrdIssue[], ctx: WalkContext): boolean {
  const k = kindOf(v);
  if (s['x-kubernetes-int-or-string']) {
    if (k !== 'integer' && k !== 'string') {
      sink.push({ path: p.slice(), message: `must be an integer or a string, got ${k}`, expected: ['integer', 'string'] });
      return true;
    }
  } else if (s.type && !(s.type === k || (s.type === 'number' && k === 'integer'))) {
    sink.push({ path: p.slice(), message: `must be ${s.type === 'integer' ? 'an integer' : s.type === 'object' ? 'an object' : s.type === 'array' ? 'an array' : `a ${s.type}`}, got ${k}`, expected: [s.type] });
    return true;
  }
  const c = ctx.once ? checksHere(s) : checks(s);
  if (c === 0) return false;
  let wrongType = false;
  if (c & ENUM && !s.enum.some((e: unknown) => equal(e, v))) sink.push({ path: p.slice(), message: `must be one of ${s.enum.map(show).join(', ')}`, allowed: s.enum });
  if (c & FORMAT) {
    const f = formatError(s.format, s.type, v, ctx.version);
    if (f) sink.push({ path: p.slice(), message: f });
  }
  if (c & NUMBER && typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) sink.push({ path: p.slice(), message: `must be ${s.exclusiveMinimum ? 'greater than' : 'greater than or equal to'} ${s.minimum}` });
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) sink.push({ path: p.slice(), message: `must be ${s.exclusiveMaximum ? 'less than' : 'less than or equal to'} ${s.maximum}` });
    if (s.multipleOf && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) sink.push({ path: p.slice(), message: `must be a multiple of ${s.multipleOf}` });
  }
  if (c & STRING && typeof v === 'string') {
    // characters, as Go's utf8.RuneCountInString (counted only where a bound asks)
    const len = s.minLength !== undefined || s.maxLength !== undefined ? [...v].length : 0;
    if (s.minLength !== undefined && len < s.minLength) sink.push({ path: p.slice(), message: `must be at least ${s.minLength} characters long` });
    if (s.maxLength !== undefined && len > s.maxLength) sink.push({ path: p.slice(), message: `must be at most ${s.maxLength} characters long` });
    if (s.pattern) {
      const r = goRegexp(s.pattern);
      // validation_test.go "invalid regex": the API server reports a pattern it cannot compile on the value.
      if (!r) sink.push({ path: p.slice(), message: `should match ${s.pattern}, but the pattern is invalid` });
      else if (!r.test(v)) sink.push({ path: p.slice(), message: `must match the pattern ${s.pattern}`, pattern: s.pattern });
    }
  }
  if (c & ARRAY && Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) sink.push({ path: p.slice(), message: `must have at least ${s.minItems} items` });
    if (s.maxItems !== undefined && v.length > s.maxItems) sink.push({ path: p.slice(), message: `must have at most ${s.maxItems} items` });
    if (s.uniqueItems) for (let i = 1; i < v.length; i++) if (repeats(v, i)) sink.push({ path: [...p, i], message: `duplicate item ${show(v[i])} (uniqueItems)` });
  }
  if (c & OBJECT && k === 'object') {
    const o = v as Record<string, unknown>;
    if (s.minProperties !== undefined || s.maxProperties !== undefined) {
      const n = Object.keys(o).length;
      if (s.minProperties !== undefined && n < s.minProperties) sink.push({ path: p.slice(), message: `must have at least ${s.minProperties} properties` });
      if (s.maxProperties !== undefined && n > s.maxProperties) sink.push({ path: p.slice(), message: `must have at most ${s.maxProperties} properties` });
    }
    if (s.required != null) for (const r of s.required) if (!(r in o)) sink.push({ path: [...p, r], message: `missing required field "${r}"`, missing: r });
  }
  if (!(c & JUNCTORS)) return false;
  // Junctors (kube-openapi schema_props.go): every allOf branch, at least one anyOf, exactly one oneOf, never `not`.
  if (s.allOf != null) for (const b of s.allOf) if (values(b, v, p, sink, ctx)) wrongType = true;
  if (s.anyOf && !s.anyOf.some((b: Schema) => branchOk(b, v, p, ctx))) sink.push({ path: p.slice(), message: `must match at least one schema in anyOf` });
  if (s.oneOf) {
    const n = s.oneOf.filter((b: Schema) => branchOk(b, v, p, ctx)).length;
    if (n !== 1) sink.push({ path: p.slice(), message: n ? `must match exactly one schema in oneOf (matches ${n})` : 'must match exactly one schema in oneOf (matches none)' });
  }
  if (s.not && branchOk(s.not, v, p, ctx)) sink.push({ path: p.slice(), message: 'must not match the schema in "not"' });
  return wrongType;
}

function branchOk(b: Schema, v: unknown, p: PathSegment[], ctx: WalkContext): boolean {
  const sink: CrdIssue[] = [];
  values(b, v, p, sink, ctx);
  if (b.properties && v && typeof v === 'object' && !Array.isArray(v))
    for (const key of Object.keys(b.properties)) {
      if (!(key in (v as object))) continue;
      p.push(key);
      values(b.properties[key], (v as any)[key], p, sink, ctx);
      p.pop();
    }
  return sink.length === 0;
}

function walk(s: Schema, v: unknown, p: PathSegment[], out: CrdIssue[], ctx: WalkContext): void {
  if (v === null) {
    if (!s.nullable && !s['x-kubernetes-preserve-unknown-fields']) out.push({ path: p.slice(), message: `must not be null` });
    return;
  }
  // wrong type: nothing below to check
  if (values(s, v, p, out, ctx)) return;
  if (Array.isArray(v)) {
    if (s.items)
      for (let i = 0; i < v.length; i++) {
        p.push(i);
        walk(s.items, v[i], p, out, ctx);
        p.pop();
      }
    listType(s, v, p, out);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const embedded = s['x-kubernetes-embedded-resource'];
    if (embedded) for (const f of ['apiVersion', 'kind']) if (typeof o[f] !== 'string' || !o[f]) out.push({ path: [...p, f], message: `${f} is required in an embedded resource` });
    const keys = Object.keys(o);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      const sub = s.properties?.[key] || (s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub) {
        p.push(key);
        walk(sub, o[key], p, out, ctx);
        p.pop();
      } else if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
      else if (ctx.strict && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true && (s.properties || s.type === 'object'))
        out.push(unknownField(s, o, key, [...p, key]));
    }
  }
  const rules = s['x-kubernetes-validations'] as CelRule[] | undefined;
  if (rules != null)
    for (const rule of rules) {
      const r = evaluateRule(rule, s, v);
      if (r.result === true || r.result === 'skipped') continue;
      const at = r.fieldPath ? [...p, ...r.fieldPath] : p.slice();
      if (r.result === false) out.push({ path: at, message: r.message! });
      else out.push({ path: at, message: r.message!, ...(r.result === 'unsupported' ? { severity: 'warning' as const } : {}) });
    }
}

/** listtype/validation.go: a `set` holds each scalar once, a `map` each combination of its keys once. */
function listType(s: Schema, v: unknown[], p: PathSegment[], out: CrdIssue[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') {
    for (let i = 1; i < v.length; i++) if (repeats(v, i)) out.push({ path: [...p, i], message: `duplicate value ${show(v[i])} (x-kubernetes-list-type: set)` });
  } else if (type === 'map') {
    const keys = (s['x-kubernetes-list-map-keys'] ?? []) as string[];
    const itemDefaults = (x: any) => keys.map((k) => (x?.[k] !== undefined ? x[k] : s.items?.properties?.[k]?.default));
    const seen = new Map<string, number>();
    v.forEach((x, i) => {
      const id = show(itemDefaults(x));
      if (seen.has(id)) out.push({ path: [...p, i], message: `duplicate entry with ${keys.map((k, j) => `${k}=${show(itemDefaults(x)[j])}`).join(', ')} (x-kubernetes-list-type: map, same as item ${seen.get(id)})` });
      else seen.set(id, i);
    });
  }
}

/**
 * An undeclared field: a field of a sibling object this one has (indented one level too little), else a misspelling
 * of a declared field (kube/closest.ts, as for built-in kinds), else just the fields declared here.
 */
function unknownField(s: Schema, o: Record<string, unknown>, key: string, at: PathSegment[]): CrdIssue {
  const known = Object.keys(s.properties ?? {});
  const under = known.find((f) => f in o && o[f] !== null && typeof o[f] === 'object' && !Array.isArray(o[f]) && s.properties[f]?.properties?.[key] !== undefined);
  const meant = under ? undefined : closest(key, known);
  return {
    path: at,
    message: under ? `unknown field "${key}" (a field of ${under}: indented one level too little?)` : `unknown field "${key}"`,
    ...(under ? { belongsUnder: [...at.slice(0, -1), under] } : meant ? { meant } : known.length ? { known } : {}),
  };
}

/**
 * Does one mapping or list stand in two places (what a YAML alias of a collection makes, or the C++ reader's shared
 * schema nodes)? Never descends twice.
 */
export function sharesObjects(values: unknown[]): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (seen.has(v)) return true;
    seen.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}

const noWords: ReadonlySet<string> = new Set();

/**
 * crdVersionsOf of a file's bytes: read by the C++ plain-block reader when it takes them (no decoding, several times
 * faster than the TypeScript readers on a CRD's deep schema: every thread of files mode reads the input's CRDs before
 * it checks a file), else decoded and read as before.
 */
export function crdVersionsOfBytes(bytes: Buffer, file: string): CrdVersion[] {
  if (!bytes.includes('CustomResourceDefinition')) return [];
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // a registry's schemas are only checked against: their descriptions no check reads are left out, and a schema node
  // repeated in the file is one object wherever it stands
  const read = loadManifestBytes(bytes.subarray(start), 100, noWords, true);
  return read ? crdVersionsOfDocs(read.values, file) : crdVersionsOf(bytes.toString('utf8'), file);
}

/** The served versions of every CustomResourceDefinition among a file's documents. */
const crdVersionsOfDocs = (docs: readonly unknown[], file: string): CrdVersion[] =>
  (docs as (Schema | null)[]).flatMap((crd) => (crd?.kind === 'CustomResourceDefinition' ? crdVersionsOfObject(crd, file) : []));

/** The CRD documents of one YAML text: each served version with an openAPIV3Schema. */
export function crdVersionsOf(text: string, file: string): CrdVersion[] {
  if (!/kind:\s*CustomResourceDefinition/.test(text)) return [];
  // loadManifests (the block reader, js-yaml 4 for the rest) reads a CRD many times faster than the `yaml` library. A text it refuses, or one where an
  // alias made two places share one mapping or list, is read by the `yaml` library as before.
  let docs: unknown[];
  try {
    const read = loadManifestsAliased(text);
    docs = read.values;
    if (read.mayAlias && sharesObjects(docs)) throw new Error('aliased');
  } catch {
    docs = Y.parseAllDocuments(text).map((doc) => doc.toJS({ maxAliasCount: -1 }));
  }
  return crdVersionsOfDocs(docs, file);
}

/** The served versions of one parsed CustomResourceDefinition. */
export function crdVersionsOfObject(crd: Schema, file: string): CrdVersion[] {
  const out: CrdVersion[] = [];
  const spec = crd.spec ?? {};
  for (const v of spec.versions ?? []) {
    const s = v?.schema?.openAPIV3Schema;
    if (!v?.served || !s) continue;
    // metadata is ObjectMeta, checked by the API server itself (and validate's apiserver policies), not the CRD schema.
    // The root is an embedded resource whatever the CRD says: apiVersion, kind and metadata are never unknown there
    // (pruning/algorithm.go Prune: `if root { clone.XEmbeddedResource = true }`), declared in the schema or not.
    const schema = { ...s, 'x-kubernetes-embedded-resource': true, properties: { ...s.properties, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
    out.push({ group: spec.group, version: v.name, kind: spec.names?.kind, name: crd.metadata?.name ?? `${spec.names?.plural}.${spec.group}`, file, schema });
  }
  return out;
}

/** A CRD's `names:` block as its YAML writes it, up to the `kind:` in it (the vendored files' indentation, 2 to 4). */
export const NAMES_KIND = /^ {2,4}names:\n(?: {4,6}[\w-]+:.*\n| {6,8}- .*\n)*? {4,6}kind: (\w+)$/gm;

/**
 * The kinds NAMES_KIND finds in a file's bytes read as Latin-1, as `text.matchAll(NAMES_KIND)` finds them, in order.
 * The expression is tried only at the lines holding `names:` (Buffer.indexOf finds them), on the bytes from there
 * decoded a window at a time: decoding a whole file of a few MB into one string took each thread tens of ms
 * (docs/benchmarks.md, files mode, the fourteenth session).
 */
export function namedKinds(bytes: Buffer): string[] {
  const out: string[] = [];
  const sticky = new RegExp(NAMES_KIND.source, 'my');
  // where the last match ended: matchAll's matches do not overlap
  let after = 0;
  for (let at = bytes.indexOf('names:\n'); at >= 0; at = bytes.indexOf('names:\n', at + 1)) {
    // `^` of a multiline expression: after a \n or a \r (U+2028 and U+2029 are not Latin-1)
    const line = Math.max(bytes.lastIndexOf(10, at - 1), bytes.lastIndexOf(13, at - 1)) + 1;
    if (at === 0 || line < after || at - line < 2 || at - line > 4 || bytes.subarray(line, at).some((b) => b !== 32)) continue;
    for (let size = 4096; ; size *= 4) {
      const end = Math.min(bytes.length, line + size);
      const window = bytes.toString('latin1', line, end);
      sticky.lastIndex = 0;
      const m = sticky.exec(window);
      // a match that ends where a cut window ends may go on past it, and no match may be one past it: look further
      if (end < bytes.length && (!m || sticky.lastIndex >= window.length - 1)) continue;
      if (m) {
        out.push(m[1]!);
        after = line + sticky.lastIndex;
      }
      break;
    }
  }
  return out;
}

/**
 * The registries' reads, into one buffer: every thread reads the vendored files and the input's CRD files at its start,
 * and a fresh buffer a file cost more than what is done with it. crdVersionsOfBytes keeps nothing of the bytes.
 */
const reader = new FileReader();

/**
 * Where CRDs come from: the vendored ones (vendor/crds), --crd files and folders, CRDs found in the validated input.
 * Three tiers, each looked up before the next: those added (--crd, an overlay's render), the input's (which files mode
 * may add after --crd's), the vendored; within a tier a later version of a key overrides an earlier one.
 */
export class CrdRegistry {
  private readonly given = new Map<string, CrdVersion>();
  private readonly input = new Map<string, CrdVersion>();
  private readonly fromVendor = new Map<string, CrdVersion>();
  /** kind → vendored files that mention it, parsed only when an object of that kind is checked. */
  private readonly lazy = new Map<string, string[]>();
  private readonly loaded = new Set<string>();

  /** Counts the CRD versions set so far (added, or read from the vendored files): what a lookup answers changes with it. */
  changes = 0;

  /** kind → vendored files, read on the first lookup of a custom kind (a run that meets none reads none). */
  private index?: () => void;

  /** The vendored CRDs (vendor/crds/<project>/), indexed by text, parsed on first use. */
  static vendored(): CrdRegistry {
    const r = new CrdRegistry();
    r.index = () => {
      r.index = undefined;
      const dir = join(root, 'vendor/crds');
      for (const project of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort())
        for (const f of readdirSync(join(dir, project)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
          const rel = `vendor/crds/${project}/${f}`;
          // every thread indexes them: one buffer for all (a fresh buffer a file cost more than the search)
          for (const kind of namedKinds(reader.bytes(join(root, rel)))) r.lazy.set(kind, [...(r.lazy.get(kind) ?? []), rel]);
        }
    };
    return r;
  }

  add(v: CrdVersion): void {
    this.set(this.given, v);
  }

  private set(tier: Map<string, CrdVersion>, v: CrdVersion): void {
    this.changes++;
    tier.set(`${v.group}/${v.version}/${v.kind}`, v);
  }

  /**
   * Add a file, or every .yaml/.yml/.json file under a folder, to the added tier, or with `input` to the input's (below
   * the added: files mode adds the input's CRD files once it has found them, which may be after --crd's). Returns the
   * CRD versions added.
   */
  addPath(abs: string, shown: string, tier?: 'input'): CrdVersion[] {
    if (statSync(abs).isDirectory())
      return readdirSync(abs, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .flatMap((f) => this.addBytes(reader.bytes(join(abs, f)), `${shown.replace(/\/$/, '')}/${f}`, tier));
    return this.addBytes(reader.bytes(abs), shown, tier);
  }

  /** Add every CRD of one file's bytes; later additions override earlier ones of their tier. */
  private addBytes(bytes: Buffer, file: string, tier?: 'input'): CrdVersion[] {
    const vs = crdVersionsOfBytes(bytes, file);
    for (const v of vs) this.set(tier === 'input' ? this.input : this.given, v);
    return vs;
  }

  /** The CRD version serving `apiVersion` `kind`, if any. */
  lookup(apiVersion: string, kind: string): CrdVersion | undefined {
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return undefined; // core group: never a CRD
    const key = `${apiVersion}/${kind}`;
    const added = this.given.get(key) ?? this.input.get(key);
    if (added) return added;
    this.index?.();
    for (const rel of this.lazy.get(kind) ?? []) {
      if (this.loaded.has(rel)) continue;
      this.loaded.add(rel);
      // the first vendored file to serve a key keeps it
      for (const v of crdVersionsOfBytes(reader.bytes(join(root, rel)), rel)) if (!this.fromVendor.has(`${v.group}/${v.version}/${v.kind}`)) this.set(this.fromVendor, v);
    }
    return this.fromVendor.get(key);
  }

  /** The versions added and the input's. */
  private extra(): CrdVersion[] {
    return [...this.given.values(), ...this.input.values()];
  }

  /** Does any CRD (loaded or not) define this kind in this group? Cheap: for "no schema" hints. */
  knowsKind(kind: string): boolean {
    this.index?.();
    return this.lazy.has(kind) || this.extra().some((v) => v.kind === kind);
  }

  /** Identity of the CRDs beyond the vendored ones, for cache keys. */
  extraKey(): string {
    return this.extra().filter((v) => !v.file.startsWith('vendor/crds/')).map((v) => `${v.file}:${v.group}/${v.version}/${v.kind}:${JSON.stringify(v.schema).length}`).sort().join(';');
  }
}

/** Validate one custom resource against its CRD version. */
export function validateCustomResource(crd: CrdVersion, o: unknown, opts: ValidateOptions = {}): CrdIssue[] {
  return validateStructural(crd.schema, o, opts);
}

let vendored: CrdRegistry | undefined;
/** The vendored CRDs, one registry per process. */
export const vendoredCrds = (): CrdRegistry => (vendored ??= CrdRegistry.vendored());

const dotted = (path: PathSegment[]) => path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** Errors of one object against the vendored CRD serving its apiVersion and kind; undefined when none serves it. */
export function validateAgainstCrd(o: Record<string, any>): { file: string; errors: { path: string; message: string }[] } | undefined {
  const crd = vendoredCrds().lookup(String(o.apiVersion ?? ''), String(o.kind ?? ''));
  if (!crd) return undefined;
  return { file: crd.file, errors: validateCustomResource(crd, o).filter((i) => !i.severity).map((i) => ({ path: dotted(i.path), message: i.message })) };
}

/** A checker for `kind` from one CRD file (tests): issues as `path: message` lines. */
export function crdValidator(file: string, kind: string): (obj: unknown) => string[] {
  const versions = crdVersionsOfBytes(readFileSync(file), file).filter((v) => v.kind === kind);
  if (!versions.length) throw new Error(`${file}: no CustomResourceDefinition for ${kind}`);
  return (obj) => {
    const apiVersion = String((obj as any)?.apiVersion ?? '');
    const crd = versions.find((v) => `${v.group}/${v.version}` === apiVersion) ?? versions[0]!;
    return validateCustomResource(crd, obj).map((i) => `${dotted(i.path) || '.'}: ${i.message}`);
  };
}

let codeAndVendoredKey: string | undefined;
/**
 * Cache key of everything a CRD check depends on besides the object: this validator's code and the vendored CRD
 * files. The files are never edited, only replaced by a release's and re-pinned (vendor/README.md), so each is keyed
 * by name and size: reading the 8 MB on every run would cost the pre-commit edit case more than the check itself.
 */
export function crdCacheKey(): string {
  if (!codeAndVendoredKey) {
    const h = createHash('sha1');
    // cel-kubernetes.ts takes the format library's name checks from policies/apiserver/lib/validation.ts; patterns and
    // the regex library are kube/go-regexp.ts; the field a misspelt one meant, kube/closest.ts.
    for (const f of ['crd-schema.ts', 'crd-cel.ts', 'cel-kubernetes.ts', 'crd-formats.ts', '../apiserver/lib/validation.ts', '../../kube/go-regexp.ts', '../../kube/closest.ts']) h.update(readFileSync(join(root, 'policies/lib', f)));
    const dir = join(root, 'vendor/crds');
    for (const f of (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((n) => /\.ya?ml$/.test(n)).sort()) h.update(`${f}:${statSync(join(dir, f)).size}\n`);
    codeAndVendoredKey = h.digest('base64url');
  }
  return codeAndVendoredKey;
}
