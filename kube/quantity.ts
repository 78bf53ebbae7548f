// Kubernetes resource quantities (`512Mi`, `250m`), as apimachinery's resource.Quantity reads and compares them: the
// one home of quantity semantics for policies, the API-server rules and the CEL library (policies/lib/cel-kubernetes.ts).
// Ported from kubernetes staging/src/k8s.io/apimachinery/pkg/api/resource: quantity.go (ParseQuantity,
// parseQuantityString, MilliValue), amount.go (int64Amount, AsScaledInt64, cmpDec), suffix.go (interpret), math.go,
// scale_int.go (scaledValue), with gopkg.in/inf.v0 for the decimal form. Where this port stops short of Go (an exponent
// so large that Go would write out millions of digits), it throws QuantityOutOfReach, never a guess.

/** Thrown where this port does not reproduce resource.Quantity (exponents beyond `maxDigits`). */
export class QuantityOutOfReach extends Error {}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const fitsInt64 = (v: bigint) => v >= INT64_MIN && v <= INT64_MAX;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const digitsOf = (v: bigint) => (v < 0n ? -v : v).toString().length;
const pow10 = (n: number) => 10n ** BigInt(n);
/** Exponents past this are not expanded into digits (Go would allocate them; no real quantity needs it). */
const maxDigits = 100_000;

// resource.Quantity. Go keeps either an int64Amount (value × 10^scale) or an inf.Dec (unscaled × 10^-scale); which one
// a result has decides isInteger/asInteger and the float asApproximateFloat returns, so both forms are kept here.
export type Quantity = { readonly kind: 'i'; readonly value: bigint; readonly scale: number } | { readonly kind: 'd'; readonly unscaled: bigint; readonly scale: number };

const quantityRegexp = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const errFormatWrong = () => new Error(`quantities must match the regular expression '${quantityRegexp}'`);
const errNumeric = () => new Error('unable to parse numeric part of quantity');
const errSuffix = () => new Error("unable to parse quantity's suffix");

/** quantity.go parseQuantityString. */
function parseQuantityString(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  let num = '';
  let denom = '';
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') pos++;
  }
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom, suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: str, num: str.slice(pos), denom, suffix: '' };
    if (!isDigit(str[i])) {
      num = str.slice(pos, i);
      pos = i;
      break;
    }
  }
  if (num.length === 0) num = '0';
  if (pos < end && str[pos] === '.') {
    pos++;
    for (let i = pos; ; i++) {
      if (i >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: '' };
      if (!isDigit(str[i])) {
        denom = str.slice(pos, i);
        pos = i;
        break;
      }
    }
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
    if (!'eEinumkKMGTP'.includes(str[i]!)) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
    if (!isDigit(str[i])) break;
  }
  throw errFormatWrong();
}

const decimalSuffixes: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** suffix.go suffixHandler.interpret (the lookup tables, then e/E with a signed int64, truncated to int32). */
function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent' } | undefined {
  if (Object.hasOwn(decimalSuffixes, s)) return { base: 10, exponent: decimalSuffixes[s]!, format: 'DecimalSI' };
  if (Object.hasOwn(binarySuffixes, s)) return { base: 2, exponent: binarySuffixes[s]!, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?\d+$/.test(s.slice(1))) {
    const parsed = BigInt(s.slice(1));
    if (!fitsInt64(parsed)) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** inf.Dec.SetString: an optional sign, digits with at most one '.', at least one digit. */
function decFromString(s: string): { unscaled: bigint; scale: number } | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const unscaled = BigInt(digits || '0');
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale: (m[3] ?? '').length };
}

/** inf.Dec.Round(x, s, inf.RoundUp) for x ≥ 0: away from zero. */
function roundUp(unscaled: bigint, scale: number, s: number): { unscaled: bigint; scale: number } {
  if (scale <= s) {
    if (s - scale > maxDigits) throw new QuantityOutOfReach(`quantity exponent of ${-scale} is beyond what this evaluator expands`);
    return { unscaled: unscaled * pow10(s - scale), scale: s };
  }
  if (scale - s > digitsOf(unscaled) + 1) return { unscaled: unscaled === 0n ? 0n : 1n, scale: s };
  const d = pow10(scale - s);
  const q = unscaled / d;
  return { unscaled: unscaled % d === 0n ? q : q + 1n, scale: s };
}

/** resource.ParseQuantity. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw errFormatWrong();
  if (str === '0') return { kind: 'i', value: 0n, scale: 0 };
  const { positive, value, num, denom, suffix } = parseQuantityString(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw errSuffix();
  const { base, exponent, format } = interpreted;
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format !== 'BinarySI') {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else precision = -1;
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const result = BigInt(num + denom) * mantissa;
      if (fitsInt64(result)) return { kind: 'i', value: positive ? result : -result, scale };
    }
  }
  const amount = decFromString(value);
  if (!amount) throw errNumeric();
  let { unscaled, scale: decScale } = amount;
  if (base === 10) decScale -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  const negative = unscaled < 0n;
  if (negative) unscaled = -unscaled;
  if (unscaled !== 0n) ({ unscaled, scale: decScale } = roundUp(unscaled, decScale, 9));
  if (format === 'BinarySI' && cmpDec({ unscaled, scale: decScale }, { unscaled: INT64_MAX, scale: 0 }) > 0) ({ unscaled, scale: decScale } = { unscaled: INT64_MAX, scale: 0 });
  return { kind: 'd', unscaled: negative ? -unscaled : unscaled, scale: decScale };
}

export const asDec = (a: Quantity) => (a.kind === 'd' ? a : { unscaled: a.value, scale: -a.scale });

/** inf.Dec.Cmp, exact; magnitudes settle far-apart exponents before any digits are written out. */
export function cmpDec(x: { unscaled: bigint; scale: number }, y: { unscaled: bigint; scale: number }): number {
  const xs = Math.sign(Number(x.unscaled > 0n) - Number(x.unscaled < 0n));
  const ys = Math.sign(Number(y.unscaled > 0n) - Number(y.unscaled < 0n));
  if (xs !== ys) return xs > ys ? 1 : -1;
  if (xs === 0) return 0;
  const xm = digitsOf(x.unscaled) - x.scale;
  const ym = digitsOf(y.unscaled) - y.scale;
  if (xm !== ym) return xm > ym ? xs : -xs;
  const s = Math.max(x.scale, y.scale);
  const a = x.unscaled * pow10(s - x.scale);
  const b = y.unscaled * pow10(s - y.scale);
  return a === b ? 0 : a > b ? 1 : -1;
}

/** amount.go positiveScaleInt64: base × 10^scale if it fits an int64. */
function positiveScaleInt64(base: bigint, scale: number): bigint | undefined {
  if (base === 0n) return 0n;
  if (scale > 19) return undefined;
  const v = base * pow10(scale);
  return fitsInt64(v) ? v : undefined;
}

/** amount.go int64Amount.Add: undefined where Go returns false (overflow) and falls back to inf.Dec. */
function int64Add(a: { value: bigint; scale: number }, b: { value: bigint; scale: number }): Quantity | undefined {
  if (b.value === 0n) return { kind: 'i', ...a };
  if (a.value === 0n) return { kind: 'i', ...b };
  let value: bigint | undefined;
  let scale = a.scale;
  if (a.scale === b.scale) value = a.value + b.value;
  else if (a.scale > b.scale) {
    const c = positiveScaleInt64(a.value, a.scale - b.scale);
    value = c === undefined ? undefined : c + b.value;
    scale = b.scale;
  } else {
    const c = positiveScaleInt64(b.value, b.scale - a.scale);
    value = c === undefined ? undefined : a.value + c;
  }
  return value !== undefined && fitsInt64(value) ? { kind: 'i', value, scale } : undefined;
}

function decAdd(x: { unscaled: bigint; scale: number }, y: { unscaled: bigint; scale: number }): Quantity {
  const s = Math.max(x.scale, y.scale);
  if (Math.abs(x.scale - y.scale) > maxDigits) throw new QuantityOutOfReach('quantity exponents too far apart to add');
  return { kind: 'd', unscaled: x.unscaled * pow10(s - x.scale) + y.unscaled * pow10(s - y.scale), scale: s };
}

/** Quantity.Add. */
export function quantityAdd(q: Quantity, y: Quantity): Quantity {
  if (q.kind === 'i' && y.kind === 'i') {
    const r = int64Add(q, y);
    if (r) return r;
  }
  return decAdd(asDec(q), asDec(y));
}

/** Quantity.Sub (int64Amount.Sub leaves -MinInt64 to the inf.Dec path). */
export function quantitySub(q: Quantity, y: Quantity): Quantity {
  if (q.kind === 'i' && y.kind === 'i' && y.value !== INT64_MIN) {
    const r = int64Add(q, { value: -y.value, scale: y.scale });
    if (r) return r;
  }
  const yd = asDec(y);
  return decAdd(asDec(q), { unscaled: -yd.unscaled, scale: yd.scale });
}

export const quantitySign = (q: Quantity) => {
  const v = q.kind === 'i' ? q.value : q.unscaled;
  return v > 0n ? 1 : v < 0n ? -1 : 0;
};

/** Quantity.AsInt64: an inf.Dec never converts; an int64Amount only at a non-negative scale. */
export function quantityAsInt64(q: Quantity): bigint | undefined {
  if (q.kind === 'd') return undefined;
  if (q.scale === 0) return q.value;
  if (q.scale < 0) return undefined;
  return positiveScaleInt64(q.value, q.scale);
}

// math.Pow10's tables: the products and quotients are the float64 operations Go performs.
const pow10tab = Array.from({ length: 32 }, (_, i) => Number(`1e${i}`));
const pow10postab32 = Array.from({ length: 10 }, (_, i) => Number(`1e${i * 32}`));
const pow10negtab32 = Array.from({ length: 11 }, (_, i) => Number(`1e-${i * 32}`));
function goPow10(n: number): number {
  if (n >= 0 && n <= 308) return pow10postab32[Math.floor(n / 32)]! * pow10tab[n % 32]!;
  if (n >= -323 && n <= 0) return pow10negtab32[Math.floor(-n / 32)]! / pow10tab[-n % 32]!;
  return n > 0 ? Infinity : 0;
}

/** Quantity.AsApproximateFloat64. */
export function quantityFloat(q: Quantity): number {
  const [base, exponent] = q.kind === 'd' ? [Number(q.unscaled), -q.scale] : [Number(q.value), q.scale];
  return exponent === 0 ? base : base * goPow10(exponent);
}

/** The exact value, normalised: equal strings ⇔ Quantity.Equal (Cmp == 0). */
export function quantityKey(q: Quantity): string {
  let { unscaled, scale } = asDec(q);
  if (unscaled === 0n) return '0';
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale--;
  }
  return `${unscaled}e${-scale}`;
}

/**
 * A manifest's value as resource.Quantity: a string, or a JSON number (Quantity.UnmarshalJSON parses either's text after
 * strings.TrimSpace). Undefined when it is not a quantity, and for the few values past what this port reproduces.
 */
export function readQuantity(v: unknown): Quantity | undefined {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : undefined) : typeof v === 'string' ? v.trim() : undefined;
  if (text === undefined) return undefined;
  try {
    return parseQuantity(text);
  } catch {
    return undefined;
  }
}

/** A quantity as a number (cores, bytes), Quantity.AsApproximateFloat64; NaN when `v` is not a quantity. */
export function quantity(v: unknown): number {
  const q = readQuantity(v);
  return q === undefined ? NaN : quantityFloat(q);
}

/** amount.go negativeScaleInt64: base ÷ 10^scale, truncated, then a dropped fraction rounds away from zero. */
function negativeScaleInt64(base: bigint, scale: number): bigint {
  let value = base;
  let fraction = false;
  for (let i = 0; i < scale; i++) {
    if (!fraction && value % 10n !== 0n) fraction = true;
    value /= 10n;
    if (value === 0n) return fraction ? (base > 0n ? 1n : -1n) : 0n;
  }
  return fraction ? value + (base > 0n ? 1n : -1n) : value;
}

/**
 * Quantity.ScaledValue(scale) as Kubernetes 1.31 computes it: the value in units of 10^scale. The int64 form goes
 * through amount.go AsScaledInt64 (a fraction rounds away from zero; an overflow gives 0), the inf.Dec form through
 * scale_int.go scaledValue (a fraction rounds up; int64 wrap-around is not reproduced: the exact value is returned).
 */
export function scaledValue(q: Quantity, scale: number): bigint {
  if (q.kind === 'i') return q.scale < scale ? negativeScaleInt64(q.value, scale - q.scale) : (positiveScaleInt64(q.value, q.scale - scale) ?? 0n);
  const dif = q.scale + scale; // scaledValue(unscaled, dec.Scale(), scale.infScale()): scale - newScale
  if (dif <= 0) return q.unscaled * pow10(-dif);
  if (q.unscaled >= -INT64_MAX && q.unscaled <= INT64_MAX && dif < 19) {
    const d = pow10(dif); // the int64 fast path: truncated division, +1 when anything is left
    return q.unscaled / d + (q.unscaled % d === 0n ? 0n : 1n);
  }
  if (dif > digitsOf(q.unscaled) + 1) return q.unscaled === 0n ? 0n : q.unscaled > 0n ? 1n : 0n; // big.Int DivMod (Euclidean), +1
  const d = pow10(dif);
  const r = ((q.unscaled % d) + d) % d;
  return (q.unscaled - r) / d + (r === 0n ? 0n : 1n);
}

/** `q.MilliValue() % 1000 == 0`: ValidateResourceQuantityValue's test for integer resources (core/validation). */
export const isIntegerQuantity = (q: Quantity): boolean => scaledValue(q, -3) % 1000n === 0n;

const decimal: Readonly<Record<string, string>> = { k: 'k', m: 'M', g: 'G', t: 'T', p: 'P', e: 'E' };
const unitName: Readonly<Record<string, [string, string]>> = {
  k: ['kibibytes', 'kilobytes'], m: ['mebibytes', 'megabytes'], g: ['gibibytes', 'gigabytes'],
  t: ['tebibytes', 'terabytes'], p: ['pebibytes', 'petabytes'], e: ['exbibytes', 'exabytes'],
};

/**
 * What a person who wrote an unparsable quantity most likely meant: `512mb` →
 * `512Mi` (mebibytes) or `512M` (megabytes); `1gib` → `1Gi`; `512 Mi` → `512Mi`.
 * Undefined when the value does not look like a number with a unit.
 */
export function quantityAdvice(q: string): string | undefined {
  const m = /^\s*([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(q);
  if (!m) return undefined;
  const [, n, unit] = m as unknown as [string, string, string];
  const u = unit.toLowerCase();
  if (!Number.isFinite(Number(n))) return undefined;
  if (!Number.isNaN(quantity(`${n}${unit}`))) return /\s/.test(q.trim()) ? `write ${n}${unit} without the space` : undefined;
  if (u === 'b' || u === 'bytes') return `write ${n} (bytes: a quantity without a unit)`;
  const prefix = u[0] ?? '';
  if (!(prefix in decimal)) return undefined;
  const binary = `${prefix.toUpperCase()}i`;
  if (u === `${prefix}i` || u === `${prefix}ib`) return `write ${n}${binary} (${unitName[prefix]![0]})`;
  if (u === prefix || u === `${prefix}b`) return `write ${n}${binary} (${unitName[prefix]![0]}) or ${n}${decimal[prefix]} (${unitName[prefix]![1]}); suffixes are case-sensitive and have no B`;
  return undefined;
}
