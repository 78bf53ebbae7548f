// The subset of the expr language (github.com/antonmedv/expr) that Argo Rollouts evaluates
// successCondition/failureCondition in, with the environment Argo Rollouts gives it
// (argo-rollouts utils/evaluate/evaluate.go EvalCondition: result, asInt, asFloat, isNaN,
// isInf, isNil, default). Supported: number, string, bool and nil literals; `result`;
// indexing (`result[0]`, negative from the end, out of range is a runtime error); calls of
// those functions and `len`; unary `!`/`not`/`-`; `* / %`, `+ -`, comparisons, `in`, `&&`/`and`,
// `||`/`or` with expr's precedences (expr parser/operator tables) and short-circuit (expr
// compiler/compiler.go: OpJumpIfFalse/OpJumpIfTrue). Anything else — closures, member access,
// ternaries, pipes, other builtins — is rejected with an error naming it: a condition we cannot
// evaluate exactly is reported, never guessed.

export type Value = number | string | boolean | null | readonly number[];

export class ExprError extends Error {}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'id'; name: string }
  | { t: 'unary'; op: string; x: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'index'; x: Node; i: Node }
  | { t: 'call'; fn: string; args: Node[] };

interface Tok {
  k: 'num' | 'str' | 'id' | 'op' | 'eof';
  v: string;
  at: number;
}

const ops = ['&&', '||', '==', '!=', '<=', '>=', '**', '..', '??', '?.', '|', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', '?', ':', '{', '}', '#'];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && /[\d.]/.test(c) && !(c === '.' && !/\d/.test(src[i + 1] ?? ''))) {
      out.push({ k: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new ExprError(`unterminated string at ${i}`);
      out.push({ k: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    out.push({ k: 'op', v: op, at: i });
    i += op.length;
  }
  out.push({ k: 'eof', v: '', at: src.length });
  return out;
}

/** expr's binary operator precedences (parser/operator/operator.go Binary), for the operators we support. */
const binary: Record<string, number> = {
  '||': 10, or: 10, '&&': 15, and: 15,
  '==': 20, '!=': 20, '<': 20, '>': 20, '<=': 20, '>=': 20, in: 20,
  '+': 30, '-': 30, '*': 60, '/': 60, '%': 60,
};
/** expr's unary precedences (parser/operator/operator.go Unary). */
const unary: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };
const unsupportedOps = new Set(['**', '..', '??', '?.', '|', '?', ':', '{', '}', '#', '.']);
const functions = new Set(['len', 'isNaN', 'isInf', 'isNil', 'default', 'asInt', 'asFloat']);

function parse(src: string): Node {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const expect = (v: string) => {
    const t = next();
    if (t.v !== v || t.k === 'str') throw new ExprError(`expected ${v} at ${t.at}, got ${t.v || 'end of input'}`);
  };
  const unsupported = (t: Tok, what: string) => new ExprError(`unsupported in this expr subset: ${what} at ${t.at} (the conditions may use ${[...functions].join(', ')}, result, indexing, ! - * / % + - comparisons in && ||)`);

  const primary = (): Node => {
    const t = next();
    if (t.k === 'num') return { t: 'lit', v: Number(t.v) };
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = expression(0);
      expect(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') throw unsupported(t, 'array literal');
    if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') return { t: 'lit', v: t.v === 'true' };
      if (t.v === 'nil') return { t: 'lit', v: null };
      if (peek().v === '(' && peek().k === 'op') {
        if (!functions.has(t.v)) throw unsupported(t, `function ${t.v}()`);
        next();
        const args: Node[] = [];
        if (peek().v !== ')') {
          args.push(expression(0));
          while (peek().v === ',' && peek().k === 'op') {
            next();
            args.push(expression(0));
          }
        }
        expect(')');
        return { t: 'call', fn: t.v, args };
      }
      // expr compiles against the environment: an unknown name is an error even where it is never evaluated.
      if (t.v !== 'result') throw new ExprError(`unknown name ${t.v}`);
      return { t: 'id', name: t.v };
    }
    throw new ExprError(`unexpected ${t.v || 'end of input'} at ${t.at}`);
  };
  const postfix = (): Node => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t.k === 'op' && t.v === '[') {
        next();
        const i = expression(0);
        expect(']');
        e = { t: 'index', x: e, i };
      } else if (t.k === 'op' && (t.v === '.' || t.v === '?.')) throw unsupported(t, 'member access');
      else return e;
    }
  };
  const expression = (min: number): Node => {
    let left: Node;
    const t = peek();
    const u = (t.k === 'op' || t.k === 'id') && unary[t.v] !== undefined && (t.k === 'op' || t.v === 'not') ? t.v : undefined;
    if (u) {
      next();
      left = { t: 'unary', op: u, x: expression(unary[u]!) };
    } else left = postfix();
    for (;;) {
      const o = peek();
      if (o.k === 'op' && unsupportedOps.has(o.v)) throw unsupported(o, `operator ${o.v}`);
      if (o.k === 'id' && ['matches', 'contains', 'startsWith', 'endsWith', 'not'].includes(o.v)) throw unsupported(o, `operator ${o.v}`);
      const prec = (o.k === 'op' || o.k === 'id') ? binary[o.v] : undefined;
      if (prec === undefined || prec <= min) return left;
      next();
      left = { t: 'bin', op: o.v, l: left, r: expression(prec) };
    }
  };
  const e = expression(0);
  const rest = peek();
  if (rest.k !== 'eof') {
    if (rest.k === 'op' && unsupportedOps.has(rest.v)) throw unsupported(rest, `operator ${rest.v}`);
    throw new ExprError(`unexpected ${rest.v} at ${rest.at}`);
  }
  return e;
}

const typeOf = (v: Value): string => (v === null ? 'nil' : Array.isArray(v) ? 'array' : Number.isInteger(v) && typeof v === 'number' ? 'number' : typeof v);
const isNum = (v: Value): v is number => typeof v === 'number';

function evaluate(n: Node, env: { result: Value; nil: boolean }): Value {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'id':
      if (n.name === 'result') return env.result;
      throw new ExprError(`unknown name ${n.name}`);
    case 'unary': {
      const x = evaluate(n.x, env);
      if (n.op === '!' || n.op === 'not') {
        if (typeof x !== 'boolean') throw new ExprError(`invalid operation: ${n.op} (mismatched type ${typeOf(x)})`);
        return !x;
      }
      if (!isNum(x)) throw new ExprError(`invalid operation: ${n.op} (mismatched type ${typeOf(x)})`);
      return n.op === '-' ? -x : x;
    }
    case 'index': {
      const x = evaluate(n.x, env);
      const i = evaluate(n.i, env);
      if (!Array.isArray(x)) throw new ExprError(`cannot index ${typeOf(x)}`);
      if (!isNum(i) || !Number.isInteger(i)) throw new ExprError(`invalid index ${String(i)}`);
      const k = i < 0 ? x.length + i : i;
      // expr runtime.Fetch: out of range is a runtime error (what `result[0]` on an empty vector hits).
      if (k < 0 || k >= x.length) throw new ExprError(`index out of range: ${i} (array length is ${x.length})`);
      return x[k]!;
    }
    case 'call': {
      const args = n.args.map((a) => evaluate(a, env));
      const arity = (k: number) => {
        if (args.length !== k) throw new ExprError(`${n.fn}() takes ${k} argument(s), got ${args.length}`);
      };
      switch (n.fn) {
        case 'len':
          arity(1);
          if (Array.isArray(args[0]) || typeof args[0] === 'string') return (args[0] as string | number[]).length;
          throw new ExprError(`invalid argument for len (type ${typeOf(args[0]!)})`);
        case 'isNaN':
        case 'isInf': {
          arity(1);
          const v = args[0]!;
          if (!isNum(v)) throw new ExprError(`${n.fn}() needs a float64, got ${typeOf(v)}`);
          return n.fn === 'isNaN' ? Number.isNaN(v) : v === Infinity || v === -Infinity;
        }
        // isNil/default look at the provider's raw result, not their argument (evaluate.go isNilFunc/defaultFunc).
        case 'isNil':
          arity(1);
          return env.nil;
        case 'default':
          arity(2);
          return env.nil ? args[1]! : env.result;
        case 'asInt':
        case 'asFloat': {
          arity(1);
          const v = args[0]!;
          if (isNum(v)) return n.fn === 'asInt' ? Math.trunc(v) : v;
          if (typeof v === 'string') {
            const parsed = n.fn === 'asInt' ? (/^[+-]?\d+$/.test(v) ? Number(v) : NaN) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|NaN)$/i.test(v) ? Number(v) : NaN;
            if (Number.isNaN(parsed) && !/nan/i.test(v)) throw new ExprError(`strconv.Parse${n.fn === 'asInt' ? 'Int' : 'Float'}: parsing ${JSON.stringify(v)}: invalid syntax`);
            return parsed;
          }
          throw new ExprError(`${n.fn}() not supported on ${typeOf(v)}`);
        }
      }
      throw new ExprError(`unknown function ${n.fn}`);
    }
    case 'bin': {
      if (n.op === '&&' || n.op === 'and' || n.op === '||' || n.op === 'or') {
        const l = evaluate(n.l, env);
        if (typeof l !== 'boolean') throw new ExprError(`invalid operation: ${n.op} (mismatched types ${typeOf(l)})`);
        const and = n.op === '&&' || n.op === 'and';
        if (and ? !l : l) return l;
        const r = evaluate(n.r, env);
        if (typeof r !== 'boolean') throw new ExprError(`invalid operation: ${n.op} (mismatched types ${typeOf(r)})`);
        return r;
      }
      const l = evaluate(n.l, env);
      const r = evaluate(n.r, env);
      switch (n.op) {
        case '==':
        case '!=': {
          const eq = Array.isArray(l) || Array.isArray(r) ? false : isNum(l) && isNum(r) ? l === r : typeof l === typeof r || l === null || r === null ? l === r : mismatch(n.op, l, r);
          return n.op === '==' ? eq : !eq;
        }
        case 'in':
          if (!Array.isArray(r)) throw new ExprError(`invalid operation: in (mismatched type ${typeOf(r)})`);
          return isNum(l) && r.includes(l);
        default:
          if (!isNum(l) || !isNum(r)) return mismatch(n.op, l, r);
          switch (n.op) {
            // Go float comparisons: every comparison with NaN is false.
            case '<': return l < r;
            case '>': return l > r;
            case '<=': return l <= r;
            case '>=': return l >= r;
            case '+': return l + r;
            case '-': return l - r;
            case '*': return l * r;
            case '/': return l / r;
            case '%':
              if (!Number.isInteger(l) || !Number.isInteger(r)) return mismatch(n.op, l, r);
              if (r === 0) throw new ExprError('integer divide by zero');
              return l % r;
          }
      }
      throw new ExprError(`unsupported operator ${n.op}`);
    }
  }
}

function mismatch(op: string, l: Value, r: Value): never {
  throw new ExprError(`invalid operation: ${op} (mismatched types ${typeOf(l)} and ${typeOf(r)})`);
}

/**
 * EvalCondition: the condition's value for this result; throws ExprError on a syntax error,
 * an unsupported construct, a runtime error, or a non-bool value ("expected bool, but got int").
 * `result` undefined stands for the provider's nil (isNil/default).
 */
export function evalCondition(result: Value | undefined, condition: string): boolean {
  const out = evaluate(parse(condition), { result: result ?? null, nil: result === undefined || result === null });
  if (typeof out !== 'boolean') throw new ExprError(`expected bool, but got ${isNum(out) ? (Number.isInteger(out) ? 'int' : 'float64') : typeOf(out)}`);
  return out;
}

/** Reject a condition this subset cannot evaluate (or that does not parse), without a result. */
export function checkCondition(condition: string): void {
  parse(condition);
}
