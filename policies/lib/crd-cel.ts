// x-kubernetes-validations: a CRD's CEL rules, evaluated with @bufbuild/cel on create semantics.
// What the API server does (kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go,
// Validator.validate / validateExpressions): every rule on a schema node runs once per value at that node, with `self`
// bound to the value (defaults applied first); false → the rule's message (or messageExpression, or "failed rule: <rule>"),
// at the node's path plus fieldPath. A rule that reads `oldSelf` is a transition rule: it runs only on update, so it is
// skipped here. Property names that are not CEL identifiers are escaped (cel/model/escaping.go, Escape). Kubernetes's
// CEL libraries of the clusters' version (lists, regex, urls, quantity, ip, cidr, format) come from cel-kubernetes.ts;
// a rule calling a function neither has (semver, which arrives in 1.33) is reported as unsupported, never evaluated
// with a guess, and so is a call that cel-kubernetes.ts cannot reproduce (UnsupportedCel).
import { createRequire } from 'node:module';
import type * as Cel from '@bufbuild/cel';
import type * as CelExt from '@bufbuild/cel/ext';
import { kubernetesCelFuncs, UnsupportedCel } from './cel-kubernetes.ts';

// Loaded on the first rule evaluated: most validate runs (an overlay edit) meet no custom resource, and the evaluator
// with its protobuf runtime is a large share of a run's start-up.
const require = createRequire(import.meta.url);
let lib: { cel: typeof Cel; env: Cel.CelEnv } | undefined;
const cel = () => {
  if (!lib) {
    const c = require('@bufbuild/cel') as typeof Cel;
    const { strings } = require('@bufbuild/cel/ext') as typeof CelExt;
    lib = { cel: c, env: c.celEnv({ funcs: [...strings, ...kubernetesCelFuncs(c)] }) };
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

/** `a.b.c` of a call's target, when the target is a plain (qualified) name: `format.dns1123Label()` calls `format.dns1123Label`. */
function qualifiedName(e: any): string | undefined {
  if (e?.exprKind?.case === 'identExpr') return e.exprKind.value.name;
  if (e?.exprKind?.case === 'selectExpr' && !e.exprKind.value.testOnly) {
    const q = qualifiedName(e.exprKind.value.operand);
    return q === undefined ? undefined : `${q}.${e.exprKind.value.field}`;
  }
  return undefined;
}

/** The functions a rule calls, each as the names it may resolve to (operators such as `_&&_`, `_[_]`, `@in` are the evaluator's own). */
function walkExpr(e: any, calls: string[][], depth: number, max: { d: number }): void {
  if (!e || typeof e !== 'object') return;
  const kind = e.exprKind?.case;
  if (kind === 'callExpr') {
    const { function: fn, target } = e.exprKind.value;
    const q = target ? qualifiedName(target) : undefined;
    calls.push(q === undefined ? [fn] : [`${q}.${fn}`, fn]);
  }
  const here = kind === 'comprehensionExpr' ? depth + 1 : depth;
  if (here > max.d) max.d = here;
  for (const [k, v] of Object.entries(e)) if (k !== '$typeName' && v && typeof v === 'object') walkExpr(v, calls, here, max);
}

function compile(rule: string): Compiled {
  let c = compiled.get(rule);
  if (c) return c;
  try {
    const { cel: api, env } = cel();
    const parsed = api.parse(rule);
    const calls: string[][] = [];
    const max = { d: 0 };
    walkExpr(parsed.expr, calls, 0, max);
    const missing = [...new Set(calls.filter((names) => !/^[_@!-]/.test(names.at(-1)!) && !names.some((n) => env.funcs.find(n))).map((names) => names[0]!))];
    const transition = /\boldSelf\b/.test(rule);
    c = missing.length
      ? { unsupported: missing.join(', '), transition, depth: max.d }
      : { run: api.plan(env, parsed) as (ctx: Record<string, unknown>) => unknown, transition, depth: max.d };
  } catch (err) {
    c = { syntax: (err as Error).message.split('\n')[0], transition: false, depth: 0 };
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
  if (c.unsupported) return { result: 'unsupported', message: `unsupported CEL function ${c.unsupported} in rule ${JSON.stringify(rule.rule)}` };
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
