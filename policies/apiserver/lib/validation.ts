// The API server's string-format rules, ported from kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go and
// .../pkg/api/validate/content/kube.go (label keys and values), Kubernetes 1.31 semantics.
// Each function returns the upstream error strings (empty: valid), named as upstream.

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${labelKeyFmt})?`;

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);

// Go's len() counts bytes, not UTF-16 units. A value of the wrong type (a map where a name belongs: the schema step
// reports that) is measured and matched as text (`text`) rather than thrown on.
const text = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const byteLength = (s: string): number => Buffer.byteLength(typeof s === 'string' ? s : String(s), 'utf8');

/**
 * byteLength(s) > max, without encoding `s` when its length decides it: a UTF-16 unit is one to three bytes of UTF-8
 * (a surrogate pair four for its two units), and most names are far shorter than their limit.
 */
function longerThan(s: string, max: number): boolean {
  const n = typeof s === 'string' ? s.length : -1;
  if (n > max) return true;
  if (n >= 0 && n * 3 <= max) return false;
  return byteLength(s) > max;
}

export const MaxLenError = (n: number): string => `must be no more than ${n} characters`;
export const EmptyError = (): string => 'must be non-empty';
/** Upstream's punctuation exactly: each example is followed by ", " and joined with " or " ("'a',  or 'b', regex …"). */
export const RegexError = (msg: string, fmt: string, ...examples: string[]): string => {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
};
export const InclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/**
 * The upstream shape of most format checks: a byte-length limit (when there is one), then the
 * format, whose error quotes the message, the regex and examples.
 */
function lengthAndFormat(maxLen: number | undefined, fmt: string, msg: string, ...examples: string[]): (value: string) => string[] {
  const re = new RegExp(`^${fmt}$`);
  return (value) => {
    const errs: string[] = [];
    if (maxLen !== undefined && longerThan(value, maxLen)) errs.push(MaxLenError(maxLen));
    if (!re.test(value)) errs.push(RegexError(msg, fmt, ...examples));
    return errs;
  };
}

export function IsDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (longerThan(value, 63)) errs.push(MaxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else
      errs.push(
        RegexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123LabelFmt,
          'my-name',
          '123-abc',
        ),
      );
  }
  return errs;
}

export const IsDNS1123Subdomain = lengthAndFormat(
  253,
  dns1123SubdomainFmt,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  'example.com',
);

export const IsDNS1035Label = lengthAndFormat(
  63,
  dns1035LabelFmt,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  'my-name',
  'abc-123',
);

export const IsWildcardDNS1123Subdomain = lengthAndFormat(
  253,
  `\\*\\.${dns1123SubdomainFmt}`,
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
  '*.example.com',
);

const labelKeyErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName (= content.IsLabelKey): optional DNS-1123 subdomain prefix, '/', name of at most 63 characters. */
export function IsQualifiedName(given: string): string[] {
  const value = text(given);
  if (validQualifiedNames.has(value)) return [];
  const errs: string[] = [];
  // upstream splits on '/': one part is a name, two a prefix and a name, more an error (found here without the split)
  const slash = value.indexOf('/');
  let name = value;
  if (slash >= 0) {
    if (value.indexOf('/', slash + 1) >= 0)
      return [
        `a qualified name ${RegexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ];
    const prefix = value.slice(0, slash);
    name = value.slice(slash + 1);
    if (prefix.length === 0) errs.push(`prefix part ${EmptyError()}`);
    else for (const m of IsDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  }
  if (name.length === 0) errs.push(`name part ${EmptyError()}`);
  else if (longerThan(name, 63)) errs.push(`name part ${MaxLenError(63)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${RegexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`);
  // a copy of its own (a valid name is ASCII): a slice of a file's text would keep the whole text alive
  if (!errs.length && validQualifiedNames.size < maxValidQualifiedNames) validQualifiedNames.add(Buffer.from(value, 'latin1').toString('latin1'));
  return errs;
}

/**
 * Qualified names found valid: label and annotation keys repeat from object to object (app.kubernetes.io/name), and a
 * name once valid is always valid. Bounded, for an input of endlessly many distinct keys.
 */
const validQualifiedNames = new Set<string>();
const maxValidQualifiedNames = 10_000;

/** IsValidLabelValue (= content.IsLabelValue): empty, or at most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric. */
export const IsValidLabelValue = lengthAndFormat(
  63,
  labelValueFmt,
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  'MyValue',
  'my_value',
  '12345',
);

export function IsValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [InclusiveRangeError(1, 65535)];
}

export function IsInRange(value: number, min: number, max: number): string[] {
  return value >= min && value <= max ? [] : [InclusiveRangeError(min, max)];
}

export function IsValidUserID(uid: number): string[] {
  return uid >= 0 && uid <= 0xffffffff ? [] : [InclusiveRangeError(0, 0xffffffff)];
}
export const IsValidGroupID = IsValidUserID;

/** At most 15 characters of [-a-z0-9], at least one letter, no leading, trailing or double hyphen (RFC 6335, lower case only). */
export function IsValidPortName(given: string): string[] {
  const port = text(given);
  const errs: string[] = [];
  if (longerThan(port, 15)) errs.push(MaxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

const percentFmt = '[0-9]+%';
export function IsValidPercent(percent: string): string[] {
  return /^[0-9]+%$/.test(percent) ? [] : [RegexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
export function IsHTTPHeaderName(value: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(value) ? [] : [RegexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, 'X-Header-Name')];
}

/** Strict form: RelaxedEnvironmentVariableValidation is alpha and off by default in 1.31. */
const envVarNameFormat = lengthAndFormat(
  undefined,
  '[-._a-zA-Z][-._a-zA-Z0-9]*',
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
  'my.env-name',
  'MY_ENV.NAME',
  'MyEnvName1',
);
export function IsEnvVarName(value: string): string[] {
  const errs = envVarNameFormat(value);
  const chDir = hasChDirPrefix(value);
  if (chDir) errs.push(chDir);
  return errs;
}

const configMapKeyFormat = lengthAndFormat(253, '[-._a-zA-Z0-9]+', "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", 'key.name', 'KEY_NAME', 'key-name');
export function IsConfigMapKey(value: string): string[] {
  const errs = configMapKeyFormat(value);
  const chDir = hasChDirPrefix(value);
  if (chDir) errs.push(chDir);
  return errs;
}

/** hasChDirPrefix's error, if any (upstream returns at most one). */
function hasChDirPrefix(given: string): string | undefined {
  const value = text(given);
  if (value === '.') return "must not be '.'";
  if (value === '..') return "must not be '..'";
  if (value.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/**
 * IsValidPathSegmentName (apimachinery pkg/api/validation/path/name.go): RBAC object names.
 * Not '.' or '..', and neither '/' nor '%'.
 */
export function IsValidPathSegmentName(given: string): string[] {
  const name = text(given);
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}

/** IsValidIP: an IPv4 or IPv6 address (1.31 still accepts IPv4 with leading zeros; we do too). */
export function IsValidIP(given: string): string[] {
  const value = text(given);
  return isIPv4(value) || isIPv6(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/** IsValidCIDR */
export function IsValidCIDR(value: string): string[] {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  const ok = !!m && ((isIPv4(m[1]!) && Number(m[2]) <= 32) || (isIPv6(m[1]!) && Number(m[2]) <= 128));
  return ok ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  let rest = s;
  let tail4 = 0;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    rest = s.slice(0, lastColon + 1) + '0:0';
    tail4 = 0;
  }
  const dbl = rest.split('::');
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const head = groups(dbl[0]!);
  const tail = dbl.length === 2 ? groups(dbl[1]!) : [];
  if (![...head, ...tail].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const n = head.length + tail.length + tail4;
  return dbl.length === 2 ? n < 8 : n === 8;
}
