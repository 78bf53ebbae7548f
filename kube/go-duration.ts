// Go's time.ParseDuration, for the fields Go programs read with it: an ExternalSecret's refreshInterval
// (metav1.Duration), an Argo CD sync window's duration, robfig/cron's `@every`. Ported from golang/go
// src/time/format.go (ParseDuration, leadingInt, leadingFraction), overflow checks included; tested against
// the table of src/time/time_test.go (parseDurationTests, parseDurationErrorTests). JavaScript strings are
// UTF-16, so the byte-level cases of that table (invalid UTF-8) have no counterpart here.

const unitNs: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const two63 = 1n << 63n;

class DurationError extends Error {}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** The duration in nanoseconds; throws with Go's error text (`time: invalid duration "1"`…). */
export function parseGoDuration(orig: string): bigint {
  const quote = (s: string) => JSON.stringify(s);
  const invalid = () => new DurationError(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    // leadingInt: [0-9]*, refusing more than 1<<63
    let v = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (v > two63 / 10n) throw invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > two63) throw invalid();
    }
    const pre = i > 0;
    s = s.slice(i);
    // leadingFraction: digits past what fits are read and ignored
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      let j = 0;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > (two63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
        if (y > two63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
    const name = s.slice(0, u);
    s = s.slice(u);
    const unit = unitNs.get(name);
    if (unit === undefined) throw new DurationError(`time: unknown unit ${quote(name)} in duration ${quote(orig)}`);
    if (v > two63 / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64, as Go computes it: nanosecond-accurate for fractions of hours
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > two63) throw invalid();
    }
    d += v;
    if (d > two63) throw invalid();
  }
  if (neg) return -d;
  if (d > two63 - 1n) throw invalid();
  return d;
}

/** Go's time.ParseDuration: the error text, or undefined when it parses. */
export function goDurationError(s: string): string | undefined {
  try {
    parseGoDuration(s);
    return undefined;
  } catch (e) {
    if (e instanceof DurationError) return e.message;
    throw e;
  }
}

/** time.ParseDuration(s).Seconds(), or undefined where ParseDuration returns an error. */
export function goDurationSeconds(s: string): number | undefined {
  try {
    return Number(parseGoDuration(s)) / 1e9;
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
}
