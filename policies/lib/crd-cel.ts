// x-kubernetes-validations: a CRD's CEL rules, evaluated with @bufbuild/cel on create semantics.
// What the API server does (kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go,
// Validator.validate / validateExpressions): every rule on a schema node runs once per value at that node, with `self`
// bound to the value (defaults applied first); false → the rule's message (or messageExpression, or "failed rule: <rule>"),
// at the node's path plus fieldPath. A rule that reads `oldSelf` is a transition rule: it runs only on update, so it is
// skipped here. Property names that are not CEL identifiers are escaped (cel/model/escaping.go, Escape). Kubernetes's
// CEL libraries of the clusters' version (lists, regex, urls, quantity, ip, cidr, format) come from cel-kubernetes.ts;
// a rule calling a function neither has (semver, which arrives in 1.33) is reported as unsupported, never evaluated
// with a guess, and so is a call that cel-kubernetes.ts cannot reproduce (UnsupportedCel).
import type * as Cel from '@bufbuild/cel';
import { celModules, type CelModules } from './cel-bundle.ts';
import { kubernetesCelFuncs, UnsupportedCel } from './cel-kubernetes.ts';

// Loaded on the first rule evaluated: most validate runs (an overlay edit) meet no custom resource, and the evaluator
// with its protobuf runtime is a large share of a run's start-up (one bundled file when cel-bundle.ts has built it).
let lib: { cel: CelModules['cel']; env: Cel.CelEnv } | undefined;
const cel = () => {
  if (!lib) {
    const modules = celModules();
    lib = { cel: modules.cel, env: modules.cel.celEnv({ funcs: [...modules.ext.strings, ...kubernetesCelFuncs(modules)] }) };
  }
  return lib;
};

type Schema = Record<string, any>;

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
}

export interface CelOutcome {
  /** false: the rule rejects the value; 'unsupported' / 'error': it could not be evaluated (message says why). */
  readonly result: true | false | 'unsupported' | 'error' | 'skipped';
  readonly message?: string;
  /** fieldPath of the rule, as path segments below the node. */
  readonly fieldPath?: (string | number)[];
}

/**
 * The per-call cost limit of the API server (apiserver/pkg/apis/cel/config.go PerCallLimit). @bufbuild/cel has no cost
 * tracking, so the cost is estimated before evaluation: the number of values under `self` to the power of the rule's
 * comprehension nesting depth (each nested macro may visit every element). Over the limit → not evaluated, reported.
 */
export const celCostLimit = 1_000_000;

interface Compiled {
  readonly run?: (ctx: Record<string, unknown>) => unknown;
  readonly unsupported?: string;
  readonly syntax?: string;
  readonly transition: boolean;
  readonly depth: number;
}
const compiled = new Map<string, Compiled>();

/** `a.b.c` of a call's target when it is a plain (qualified) name, with its first identifier. */
function qualifiedName(e: any): { name: string; root: string } | undefined {
  if (e?.exprKind?.case === 'identExpr') return { name: e.exprKind.value.name, root: e.exprKind.value.name };
  if (e?.exprKind?.case === 'selectExpr' && !e.exprKind.value.testOnly) {
    const q = qualifiedName(e.exprKind.value.operand);
    return q && { name: `${q.name}.${e.exprKind.value.field}`, root: q.root };
  }
  return undefined;
}

interface Call {
  readonly fn: string;
  /** `format.dns1123Label` for `format.dns1123Label()`: the function when `format` is no variable. */
  readonly qualified?: string;
  readonly root?: string;
}

/** The functions a rule calls (operators such as `_&&_`, `_[_]`, `@in` are the evaluator's own) and its variables. */
function walkExpr(e: any, calls: Call[], vars: Set<string>, depth: number, max: { d: number }): void {
  if (!e || typeof e !== 'object') return;
  const kind = e.exprKind?.case;
  if (kind === 'callExpr') {
    const { function: fn, target } = e.exprKind.value;
    const q = target ? qualifiedName(target) : undefined;
    calls.push(q ? { fn, qualified: `${q.name}.${fn}`, root: q.root } : { fn });
  }
  if (kind === 'comprehensionExpr') for (const v of ['iterVar', 'iterVar2', 'accuVar']) if (e.exprKind.value[v]) vars.add(e.exprKind.value[v]);
  const here = kind === 'comprehensionExpr' ? depth + 1 : depth;
  if (here > max.d) max.d = here;
  for (const [k, v] of Object.entries(e)) if (k !== '$typeName' && v && typeof v === 'object') walkExpr(v, calls, vars, here, max);
}

/**
 * The calls the environment has no function for. `a.f()` is the function `a.f` when `a` is no variable (a rule's
 * variables are self, oldSelf and its comprehension variables), else the method `f` of `a`: `sets.contains(…)` is
 * not the strings `contains`.
 */
function missingFunctions(calls: Call[], vars: Set<string>, has: (name: string) => boolean): string[] {
  const missing = new Set<string>();
  for (const c of calls) {
    if (/^[_@!-]/.test(c.fn)) continue;
    const name = c.qualified !== undefined && !vars.has(c.root!) ? c.qualified : c.fn;
    if (!has(name)) missing.add(name);
  }
  return [...missing];
}

function compile(rule: string): Compiled {
  let c = compiled.get(rule);
  if (c) return c;
  try {
    const { cel: api, env } = cel();
    const parsed = api.parse(rule);
    const calls: Call[] = [];
    const vars = new Set(['self', 'oldSelf']);
    const max = { d: 0 };
    walkExpr(parsed.expr, calls, vars, 0, max);
    const missing = missingFunctions(calls, vars, (n) => !!env.funcs.find(n));
    const transition = /\boldSelf\b/.test(rule);
    c = missing.length
      ? { unsupported: `CEL function ${missing.join(', ')}`, transition, depth: max.d }
      : { run: api.plan(env, parsed) as (ctx: Record<string, unknown>) => unknown, transition, depth: max.d };
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    // cel-go's optional syntax (`a.?b`, `m[?k]`; OptionalTypes is in the base environment since 1.28) does not parse
    // in @bufbuild/cel: a rule that fails exactly there is not evaluated, which is not the same as being invalid.
    const at = /^<input>:(\d+):(\d+):/.exec(message);
    const offset = at ? rule.split('\n').slice(0, Number(at[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(at[2]) - 1 : -1;
    c = ['.?', '[?'].includes(rule.slice(offset, offset + 2))
      ? { unsupported: `CEL optional syntax ${rule.slice(offset, offset + 2)}`, transition: /\boldSelf\b/.test(rule), depth: 0 }
      : { syntax: message, transition: false, depth: 0 };
  }
  compiled.set(rule, c);
  return c;
}

/** Reserved words that the API server escapes as `__{word}__` (cel/model/escaping.go celReservedSymbols). */
const reserved = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** cel/model/escaping.go Escape: how a property name is spelt in a rule. */
export function escapeProperty(name: string): string {
  if (reserved.has(name)) return `__${name}__`;
  return name.replace(/__|[./-]/g, (m) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' })[m]!);
}

/** The JSON value as CEL sees it under this schema: integers are int (bigint), declared properties escaped. */
export function celValue(schema: Schema | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) && schema?.type !== 'number' ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => celValue(schema?.items, x));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const declared = schema?.properties?.[k];
      out[declared ? escapeProperty(k) : k] = celValue(declared ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined), x);
    }
    return out;
  }
  return v;
}

/** Count of values in a JSON tree, for the cost estimate. */
function size(v: unknown): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + size(x), 0);
  if (v && typeof v === 'object') return 1 + Object.values(v).reduce((n: number, x) => n + size(x), 0);
  return 1;
}

/** `.spec.foo['bar']` / `.items[0]` → path segments (fieldPath is relative to the node, JSONPath-like). */
function fieldPathSegments(fp: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of fp.matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  return out;
}

/** Evaluate one x-kubernetes-validations rule on `value` (the node's schema tells CEL the types). */
export function evaluateRule(rule: CelRule, schema: Schema, value: unknown): CelOutcome {
  const c = compile(rule.rule);
  if (c.syntax) return { result: 'error', message: `CEL rule does not parse: ${c.syntax}` };
  if (c.transition) return { result: 'skipped' };
  if (c.unsupported) return { result: 'unsupported', message: `unsupported ${c.unsupported} in rule ${JSON.stringify(rule.rule)}` };
  if (c.depth > 0 && size(value) ** c.depth > celCostLimit)
    return { result: 'error', message: `CEL rule ${JSON.stringify(rule.rule)} exceeds the cost limit (${celCostLimit}) on this value; not evaluated` };
  const self = celValue(schema, value);
  const r = c.run!({ self });
  const fieldPath = rule.fieldPath ? fieldPathSegments(rule.fieldPath) : undefined;
  if (cel().cel.isCelError(r)) {
    if ((r as Error).cause instanceof UnsupportedCel) return { result: 'unsupported', message: `CEL rule ${JSON.stringify(rule.rule)} not evaluated: ${(r as Error).message}`, fieldPath };
    return { result: 'error', message: `CEL rule ${JSON.stringify(rule.rule)} failed to evaluate: ${(r as Error).message}`, fieldPath };
  }
  if (r === true) return { result: true };
  if (r !== false) return { result: 'error', message: `CEL rule ${JSON.stringify(rule.rule)} returned ${String(r)}, not a bool`, fieldPath };
  let message = rule.message || `failed rule: ${rule.rule}`;
  if (rule.messageExpression) {
    const m = compile(rule.messageExpression);
    const out = m.run?.({ self });
    if (typeof out === 'string' && out.trim()) message = out;
  }
  return { result: false, message, fieldPath };
}
