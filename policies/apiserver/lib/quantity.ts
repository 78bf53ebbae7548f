// Exact resource.Quantity arithmetic for comparisons (requests <= limits, integer
// resources): a quantity is parsed to a fraction of BigInts, as
// staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go parses it (no float rounding).

export interface Quantity {
  readonly num: bigint;
  readonly den: bigint;
  /** As written, for messages. */
  readonly text: string;
}

const binary: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Parse a quantity; undefined when it is not one (the schema step reports that). */
export function parseQuantity(q: unknown): Quantity | undefined {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) return undefined;
    return parseQuantity(String(q));
  }
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E))?$/.exec(q.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const frac = m[3] ?? '';
  let num = BigInt((m[2] || '0') + frac) * sign;
  let den = 10n ** BigInt(frac.length);
  let exp = 0;
  if (m[4]) num *= binary[m[4]]!;
  else if (m[5]) exp = Number(m[5].slice(1));
  else exp = decimal[m[6] ?? '']!;
  if (exp > 0) num *= 10n ** BigInt(exp);
  else if (exp < 0) den *= 10n ** BigInt(-exp);
  return { num, den, text: typeof q === 'string' ? q : String(q) };
}

/** Cmp: -1, 0, 1 */
export function cmpQuantity(a: Quantity, b: Quantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const isNegative = (q: Quantity): boolean => q.num < 0n;
export const isZero = (q: Quantity): boolean => q.num === 0n;
/** MilliValue() % 1000 == 0 */
export const isInteger = (q: Quantity): boolean => (q.num * 1000n) / q.den % 1000n === 0n;
