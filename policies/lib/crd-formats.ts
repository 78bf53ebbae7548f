// String and number formats as the API server checks them in a CRD's openAPIV3Schema.
// Which formats are checked at all: kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/validation/
// formats.go (supportedVersionedFormats, StripUnsupportedFormatsPostProcessorForVersion): any other format on a string is
// ignored; on an integer only int32/int64, on a number only float/double. How each is checked: kube-openapi
// pkg/validation/strfmt/default.go (the regexes and parsers) and pkg/validation/validate/validator.go
// (numberValidator → IsValueValidAgainstRange for int32/int64).
import { goDurationError } from '../../kube/go-duration.ts';

/** go-openapi normalises format names by dropping dashes (`date-time` → `datetime`). */
const normalise = (f: string) => f.replace(/-/g, '');

// strfmt/default.go HostnamePattern (RFC 1034 section 3.1, with the length rules).
const hostname = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
// strfmt.ParseDateTime accepts RFC3339 with or without fractional seconds, and a few close layouts (no zone → UTC).
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
// strfmt.ParseDuration: Go's time.ParseDuration (kube/go-duration.ts), or the Scala-like "22 ns" / "3 days".
const scalaDuration = /^[-+]?\d+\s*(ns|nanos?|nanoseconds?|us|µs|micros?|microseconds?|ms|millis?|milliseconds?|s|sec|secs?|seconds?|m|min|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const ipv4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isIPv6(s: string): boolean {
  if (!s.includes(':') || /[^0-9a-fA-F:.]/.test(s)) return false;
  const tail = s.includes('.') ? s.slice(s.lastIndexOf(':') + 1) : '';
  if (tail && !ipv4.test(tail)) return false;
  const head = tail ? s.slice(0, s.lastIndexOf(':') + 1) + '0:0' : s;
  const parts = head.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p ? p.split(':') : []));
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return parts.length === 2 ? groups.length < 8 : groups.length === 8;
}

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/**
 * Go's base64.StdEncoding.DecodeString, how the API server reads strfmt "byte" and every []byte field (a Secret's
 * `data`): the padded standard alphabet, with \r and \n ignored ("New line characters (\r and \n) are ignored",
 * encoding/base64), so a value wrapped over several lines is valid.
 */
export const isGoBase64 = (s: string): boolean => {
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
};

/** Go's url.ParseRequestURI: an absolute URI or an absolute path, no fragment-only or relative reference. */
function isRequestUri(s: string): boolean {
  if (!s || /\s/.test(s)) return false;
  if (s.startsWith('/')) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
}

const checks: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestUri,
  email: (s) => /^[^\s@<>]+@[^\s@<>]+$/.test(s) || /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(s),
  hostname: (s) => s.length <= 255 && hostname.test(s),
  ipv4: (s) => ipv4.test(s),
  ipv6: isIPv6,
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
    return ipv4.test(ip!) ? +bits <= 32 : isIPv6(ip!) && +bits <= 128;
  },
  mac: (s) => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(s) || /^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(s) || /^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$/.test(s),
  uuid: (s) => uuid.test(s),
  uuid3: (s) => uuid3.test(s),
  uuid4: (s) => uuid4.test(s),
  uuid5: (s) => uuid5.test(s),
  ssn: (s) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/.test(s),
  byte: isGoBase64,
  password: () => true,
  date: isDate,
  duration: (s) => goDurationError(s) === undefined || scalaDuration.test(s),
  datetime: (s) => dateTime.test(s) && isDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s.slice(0, 19).replace(' ', 'T') + 'Z')),
  quantity: (s) => quantity.test(s),
  // Kubernetes 1.34: k8s-short-name (a DNS-1123 label, lower case) and k8s-long-name (a DNS-1123 subdomain).
  k8sshortname: (s) => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s),
  k8slongname: (s) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s),
};

/** formats.go: k8s-short-name and k8s-long-name are checked from Kubernetes 1.34 on; the rest since 1.0. */
const since134 = new Set(['k8sshortname', 'k8slongname']);
// Not ported (checked by the API server, accepted here): isbn, isbn10, isbn13, creditcard — no CRD marquee vendors uses them.
const notPorted = new Set(['isbn', 'isbn10', 'isbn13', 'creditcard']);

/** Whether `value` matches one of the string formats above (the CEL format library's uuid, byte, date, datetime). */
export function matchesFormat(format: string, value: string): boolean {
  return checks[normalise(format)]!(value);
}

const minor = (v: string) => Number(/^1\.(\d+)/.exec(v)?.[1] ?? 0);

/** The message when `value` does not match `format` on a schema of `type`, as the given Kubernetes version checks it. */
export function formatError(format: string, type: string | undefined, value: unknown, kubernetesVersion: string): string | undefined {
  if (typeof value === 'string' && (type === undefined || type === 'string')) {
    const f = normalise(format);
    if (notPorted.has(f) || (since134.has(f) && minor(kubernetesVersion) < 34)) return undefined;
    const check = checks[f];
    return check && !check(value) ? `must be of format ${format}` : undefined;
  }
  if (typeof value === 'number' && type === 'integer' && Number.isInteger(value)) {
    if (format === 'int32' && (value < -(2 ** 31) || value > 2 ** 31 - 1)) return 'must fit in int32';
    if (format === 'int64' && !Number.isSafeInteger(value) && (value < -(2 ** 63) || value >= 2 ** 63)) return 'must fit in int64';
  }
  return undefined;
}
