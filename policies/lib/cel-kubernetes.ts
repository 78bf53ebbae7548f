// Kubernetes's CEL libraries as @bufbuild/cel functions, so that x-kubernetes-validations rules calling them are
// evaluated as the API server evaluates them (crd-cel.ts wires them into its environment).
// Mirrors kubernetes staging/src/k8s.io/apiserver/pkg/cel/library/ as of Kubernetes 1.31, the version the clusters run
// (generators/environments.ts): environment/base.go enables for 1.31 the libraries URLs, Regex, Lists (version 0: no
// `includes`), Quantity (no mul/div/divInt: library_compatibility_test.go lists them after 1.33), IP, CIDR, Format, and
// cel-go's OptionalTypes (only what Format's results need: hasValue, value, orValue, or, optional.of/none). Semver and
// Image arrive in 1.33, jsonpatch in 1.32: not here, so a rule calling them stays "unsupported". Authz and
// AuthzSelectors need the `authorizer` variable, which CRD rules never have.
// The value semantics are ported from the Go code they call: resource.ParseQuantity and its int64/inf.Dec arithmetic
// (apimachinery/pkg/api/resource quantity.go, amount.go, suffix.go), net/netip ParseAddr/ParsePrefix, net/url
// Parse/ParseRequestURI; Go's regexp is kube/go-regexp.ts, the format names' checks policies/apiserver/lib/validation.ts. Where a Go behaviour is not reproduced,
// the call throws an UnsupportedCel error and the rule is reported as not evaluated, never answered with a guess.
import type * as Cel from '@bufbuild/cel';
import type { CelModules } from './cel-bundle.ts';
import { compileGoRegexp, type GoRegexp } from '../../kube/go-regexp.ts';
import { asDec, cmpDec, parseQuantity, QuantityOutOfReach, quantityAdd, quantityAsInt64, quantityFloat, quantityKey, quantitySign, quantitySub, type Quantity as Amount } from '../../kube/quantity.ts';
import { IsDNS1035Label, IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName, IsValidLabelValue } from '../apiserver/lib/validation.ts';
import { matchesFormat } from './crd-formats.ts';

/** Thrown where this port does not reproduce the API server: crd-cel.ts reports the rule as unsupported. */
export class UnsupportedCel extends Error {}

type CelValue = Cel.CelValue;
type CelFunc = Cel.CelFunc;

// ---------------------------------------------------------------------------------------------------------------
// Go helpers
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** A quantity operation, its QuantityOutOfReach (kube/quantity.ts stops short of Go) reported as not evaluated. */
function reachable<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof QuantityOutOfReach) throw new UnsupportedCel(e.message);
    throw e;
  }
}
const celQuantity = (s: string) => reachable(() => parseQuantity(s));

/** strconv.Quote for the strings these libraries put in error messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------------------------------------------
// net/netip: an address is 4 or 16 bytes (IPv4-mapped and zoned addresses are rejected by the library before use).
export interface IPAddr {
  readonly bytes: readonly number[];
  readonly zone: string;
}

class ParseAddrError extends Error {
  constructor(input: string, msg: string, at?: string) {
    super(`ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ''}`);
  }
}

function parseIPv4Fields(input: string, off: number, end: number, fields: number[]): void {
  let val = 0;
  let pos = 0;
  let digLen = 0;
  const s = input.slice(off, end);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (isDigit(c)) {
      if (digLen === 1 && val === 0) throw new ParseAddrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + Number(c);
      digLen++;
      if (val > 255) throw new ParseAddrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') throw new ParseAddrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      if (pos === 3) throw new ParseAddrError(input, 'IPv4 address too long');
      fields[pos++] = val;
      val = 0;
      digLen = 0;
    } else throw new ParseAddrError(input, 'unexpected character', s.slice(i));
  }
  if (pos < 3) throw new ParseAddrError(input, 'IPv4 address too short');
  fields[3] = val;
}

function parseIPv6(input: string): IPAddr {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    [s, zone] = [s.slice(0, pct), s.slice(pct + 1)];
    if (zone === '') throw new ParseAddrError(input, 'zone must be a non-empty string');
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const c = s[off]!;
      const d = /[0-9a-fA-F]/.test(c) ? parseInt(c, 16) : -1;
      if (d < 0) break;
      acc = acc * 16 + d;
      if (off > 3) throw new ParseAddrError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) throw new ParseAddrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) throw new ParseAddrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) throw new ParseAddrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) throw new ParseAddrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const end = input.length - (zone.length > 0 ? zone.length + 1 : 0);
      const fields: number[] = [];
      parseIPv4Fields(input, end - s.length, end, fields);
      ip.splice(i, 4, ...fields);
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') throw new ParseAddrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw new ParseAddrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw new ParseAddrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw new ParseAddrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw new ParseAddrError(input, 'address string too short');
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) throw new ParseAddrError(input, 'the :: must expand to at least one field of zeros');
  return { bytes: ip, zone };
}

/** netip.ParseAddr. */
export function parseAddr(s: string): IPAddr {
  for (const c of s) {
    if (c === '.') {
      const fields: number[] = [];
      parseIPv4Fields(s, 0, s.length, fields);
      return { bytes: fields, zone: '' };
    }
    if (c === ':') return parseIPv6(s);
    if (c === '%') throw new ParseAddrError(s, 'missing IPv6 address');
  }
  throw new ParseAddrError(s, 'unable to parse IP');
}

const is4In6 = (a: IPAddr) => a.bytes.length === 16 && a.bytes.slice(0, 10).every((b) => b === 0) && a.bytes[10] === 0xff && a.bytes[11] === 0xff;

/** Addr.String (RFC 5952 for IPv6: lower case, the first longest run of two or more zero groups as ::). */
export function addrString(a: IPAddr): string {
  if (a.bytes.length === 4) return a.bytes.join('.');
  const g = Array.from({ length: 8 }, (_, i) => (a.bytes[2 * i]! << 8) | a.bytes[2 * i + 1]!);
  let [zs, ze] = [255, 255];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i >= 2 && j - i > ze - zs) [zs, ze] = [i, j];
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zs) {
      out += '::';
      i = ze;
      if (i >= 8) break;
    } else if (i > 0) out += ':';
    out += g[i]!.toString(16);
  }
  return out + (a.zone ? `%${a.zone}` : '');
}

/** library/ip.go parseIPAddr: netip.ParseAddr without zones or IPv4-mapped IPv6 addresses. */
function parseIPAddr(raw: string): IPAddr {
  let addr: IPAddr;
  try {
    addr = parseAddr(raw);
  } catch (e) {
    throw new Error(`IP Address ${goQuote(raw)} parse error during conversion from string: ${(e as Error).message}`);
  }
  if (addr.zone !== '') throw new Error(`IP address ${goQuote(raw)} with zone value is not allowed`);
  if (is4In6(addr)) throw new Error(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return addr;
}

const isUnspecified = (a: IPAddr) => a.bytes.every((b) => b === 0);
const isLoopback = (a: IPAddr) => (a.bytes.length === 4 ? a.bytes[0] === 127 : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1);
const isMulticast = (a: IPAddr) => (a.bytes.length === 4 ? (a.bytes[0]! & 0xf0) === 0xe0 : a.bytes[0] === 0xff);
const isLinkLocalUnicast = (a: IPAddr) => (a.bytes.length === 4 ? a.bytes[0] === 169 && a.bytes[1] === 254 : a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80);
const isLinkLocalMulticast = (a: IPAddr) => (a.bytes.length === 4 ? a.bytes[0] === 224 && a.bytes[1] === 0 && a.bytes[2] === 0 : a.bytes[0] === 0xff && (a.bytes[1]! & 0x0f) === 0x02);
/** Addr.IsGlobalUnicast (as package net: private IPv4 and ULA IPv6 count as global). */
const isGlobalUnicast = (a: IPAddr) =>
  !(a.bytes.length === 4 && (isUnspecified(a) || a.bytes.every((b) => b === 255))) && !(a.bytes.length === 16 && isUnspecified(a)) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);

export interface Prefix {
  readonly addr: IPAddr;
  readonly bits: number;
}

/** netip.ParsePrefix. */
export function parsePrefix(s: string): Prefix {
  const fail = (msg: string) => new Error(`netip.ParsePrefix(${goQuote(s)}): ${msg}`);
  const i = s.lastIndexOf('/');
  if (i < 0) throw fail("no '/'");
  let addr: IPAddr;
  try {
    addr = parseAddr(s.slice(0, i));
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (addr.bytes.length === 16 && addr.zone !== '') throw fail('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(i + 1);
  if ((bitsStr.length > 1 && (bitsStr[0]! < '1' || bitsStr[0]! > '9')) || !/^[+-]?\d+$/.test(bitsStr) || bitsStr.length > 18) throw fail(`bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits < 0 || bits > addr.bytes.length * 8) throw fail('prefix length out of range');
  return { addr, bits };
}

function maskBytes(bytes: readonly number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}
const sameBytes = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/** Prefix.Contains: same family, no zone, equal in the prefix's bits. */
const prefixContains = (p: Prefix, a: IPAddr) => a.zone === '' && a.bytes.length === p.addr.bytes.length && sameBytes(maskBytes(p.addr.bytes, p.bits), maskBytes(a.bytes, p.bits));
const prefixString = (p: Prefix) => `${addrString(p.addr)}/${p.bits}`;

/** library/cidr.go parseCIDR. */
function parseCIDR(raw: string): Prefix {
  let p: Prefix;
  try {
    p = parsePrefix(raw);
  } catch (e) {
    throw new Error(`network address parse error during conversion from string: ${(e as Error).message}`);
  }
  if (is4In6(p.addr)) throw new Error(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return p;
}
const cidrFromString = (s: string) => {
  try {
    return parseCIDR(s);
  } catch (e) {
    throw new Error(`network address parse error during conversion from string: ${(e as Error).message}`);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// net/url. Go works on bytes: the input is turned into a byte string (one char per UTF-8 byte) and back at the end.
const toBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const fromBytes = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

type Encoding = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** url.go shouldEscape. */
function shouldEscape(c: string, mode: Encoding): boolean {
  if (/[a-zA-Z0-9]/.test(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'pathSegment':
        return c === '/' || c === ';' || c === ',' || c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const quoteBytes = (s: string) => goQuote(fromBytes(s));

/** url.go unescape (on a byte string; returns a byte string). */
function unescape(s: string, mode: Encoding): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new Error(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
      if (mode === 'host' && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') throw new Error(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
      if (mode === 'zone') {
        const v = parseInt(s.slice(i + 1, i + 3), 16);
        if (s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(String.fromCharCode(v), 'host')) throw new Error(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) throw new Error(`invalid character ${quoteBytes(c)} in host name`);
      i++;
    }
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+' && mode === 'queryComponent') out += ' ';
    else out += c;
  }
  return out;
}

/** url.go escape (byte string in, byte string out). */
function escape(s: string, mode: Encoding): string {
  let out = '';
  for (const c of s) {
    if (shouldEscape(c, mode)) out += c === ' ' && mode === 'queryComponent' ? '+' : '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    else out += c;
  }
  return out;
}

function validEncoded(s: string, mode: Encoding): boolean {
  for (const c of s) if (!`!$&'()*+,;=:@[]%`.includes(c) && shouldEscape(c, mode)) return false;
  return true;
}

const validOptionalPort = (port: string) => port === '' || (port[0] === ':' && /^[0-9]*$/.test(port.slice(1)));

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${quoteBytes(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) throw new Error(`invalid port ${quoteBytes(host.slice(i))} after host`);
  }
  return unescape(host, 'host');
}

export interface GoURL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

function parseAuthority(authority: string): Pick<GoURL, 'user' | 'host'> {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return { host };
  const userinfo = authority.slice(0, i);
  if (!/^[a-zA-Z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new Error('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { host, user: { username: unescape(userinfo, 'userPassword') } };
  return { host, user: { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') } };
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
    } else if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    } else return ['', raw];
  }
  return ['', raw];
}

/** url.go parse (raw is a byte string). */
function parseURLBytes(raw: string, viaRequest: boolean): GoURL {
  const u: GoURL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', omitHost: false, forceQuery: false, rawQuery: '', fragment: '', rawFragment: '' };
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new Error('empty url');
  if (raw === '*') return { ...u, path: '*' };
  let [scheme, rest] = getScheme(raw);
  u.scheme = scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') return { ...u, opaque: rest };
    if (viaRequest) throw new Error('invalid URI for request');
    if (rest.split('/')[0]!.includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    Object.assign(u, parseAuthority(authority));
  } else if (u.scheme !== '' && rest.startsWith('/')) u.omitHost = true;
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

class URLError extends Error {
  constructor(raw: string, err: Error) {
    super(`parse ${quoteBytes(raw)}: ${err.message}`);
  }
}

/** url.ParseRequestURI (errors as *url.Error). */
export function parseRequestURI(s: string): GoURL {
  const raw = toBytes(s);
  try {
    return parseURLBytes(raw, true);
  } catch (e) {
    throw new URLError(raw, e as Error);
  }
}

/** url.Parse. */
export function parseURL(s: string): GoURL {
  const raw = toBytes(s);
  const hash = raw.indexOf('#');
  const [head, frag] = hash < 0 ? [raw, ''] : [raw.slice(0, hash), raw.slice(hash + 1)];
  let u: GoURL;
  try {
    u = parseURLBytes(head, false);
  } catch (e) {
    throw new URLError(head, e as Error);
  }
  if (frag === '') return u;
  try {
    u.fragment = unescape(frag, 'fragment');
  } catch (e) {
    throw new URLError(raw, e as Error);
  }
  u.rawFragment = escape(u.fragment, 'fragment') === frag ? '' : frag;
  return u;
}

function escapedPath(u: GoURL): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the path, as Go does
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

function escapedFragment(u: GoURL): string {
  if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
    try {
      if (unescape(u.rawFragment, 'fragment') === u.fragment) return u.rawFragment;
    } catch {
      // as above
    }
  }
  return escape(u.fragment, 'fragment');
}

/** URL.String: what the URL type's == compares. */
function urlString(u: GoURL): string {
  let out = '';
  if (u.scheme !== '') out += u.scheme + ':';
  if (u.opaque !== '') out += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.user) {
      if (!(u.omitHost && u.host === '' && !u.user)) {
        if (u.host !== '' || u.path !== '' || u.user) out += '//';
        if (u.user) out += escape(u.user.username, 'userPassword') + (u.user.password !== undefined ? ':' + escape(u.user.password, 'userPassword') : '') + '@';
        if (u.host !== '') out += escape(u.host, 'host');
      }
    }
    const path = escapedPath(u);
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    if (out === '' && path.split('/')[0]!.includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += '?' + u.rawQuery;
  if (u.fragment !== '') out += '#' + escapedFragment(u);
  return fromBytes(out);
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

/** URL.Query (url.ParseQuery, malformed pairs skipped). */
function urlQuery(u: GoURL): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    let key: string;
    let value: string;
    try {
      key = fromBytes(unescape(k, 'queryComponent'));
      value = fromBytes(unescape(v, 'queryComponent'));
    } catch {
      continue;
    }
    m.set(key, [...(m.get(key) ?? []), value]);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// format.go ConstantFormats: the name checks are apimachinery's (policies/apiserver/lib/validation.ts), the CRD formats
// strfmt's (crd-formats.ts), uri is url.ParseRequestURI's error.
/** api/validation/generic.go maskTrailingDash: NameIsDNSLabel(name, prefix=true) lets a generateName prefix end in '-'. */
const maskTrailingDash = (s: string) => (s.length > 1 && s.endsWith('-') ? s.slice(0, -2) + 'a' : s);

const formats: Record<string, (s: string) => string[]> = {
  dns1123Label: IsDNS1123Label,
  dns1123Subdomain: IsDNS1123Subdomain,
  dns1035Label: IsDNS1035Label,
  qualifiedName: IsQualifiedName,
  dns1123LabelPrefix: (s) => IsDNS1123Label(maskTrailingDash(s)),
  dns1123SubdomainPrefix: (s) => IsDNS1123Subdomain(maskTrailingDash(s)),
  dns1035LabelPrefix: (s) => IsDNS1035Label(maskTrailingDash(s)),
  labelValue: IsValidLabelValue,
  uri: (s) => {
    try {
      parseRequestURI(s);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  },
  uuid: (s) => (matchesFormat('uuid', s) ? [] : ['does not match the UUID format']),
  byte: (s) => (matchesFormat('byte', s) ? [] : ['invalid base64']),
  date: (s) => (matchesFormat('date', s) ? [] : ['invalid date']),
  datetime: (s) => (matchesFormat('datetime', s) ? [] : ['invalid datetime']),
};

/**
 * The `isX(string)` form of a parser, as upstream writes them (`_, err := parse(s); return err == nil`). A value this
 * evaluator cannot decide (UnsupportedCel) is not an answer of false.
 */
const parses = (parse: (s: string) => unknown) => (s: string): boolean => {
  try {
    parse(s);
    return true;
  } catch (e) {
    if (e instanceof UnsupportedCel) throw e;
    return false;
  }
};

// ---------------------------------------------------------------------------------------------------------------
/**
 * The functions, for celEnv({ funcs }), from the lazily loaded modules (crd-cel.ts, cel-bundle.ts): @bufbuild/cel and
 * its own @bufbuild/protobuf, whose messages are the ones the evaluator recognises.
 */
export function kubernetesCelFuncs({ cel, protobuf, wkt, reflect: reflectLib }: CelModules): CelFunc[] {
  const { celFunc, celMethod, CelScalar, listType, mapType, objectType, celList, celMap } = cel;
  const { STRING, BOOL, INT, DOUBLE, DYN } = CelScalar;
  const LIST = listType(DYN);

  // Opaque values are messages of one string field (the equality key: == on messages compares fields), with the
  // JavaScript value kept beside the message.
  const T = wkt.FieldDescriptorProto_Type;
  const L = wkt.FieldDescriptorProto_Label;
  const file = (name: string, pkg: string, messages: string[]) =>
    protobuf.create(wkt.FileDescriptorProtoSchema, {
      name,
      package: pkg,
      syntax: 'proto3',
      messageType: messages.map((m) => ({ name: m, field: [{ name: 'key', number: 1, type: T.STRING, label: L.OPTIONAL, jsonName: 'key' }] })),
    });
  const registry = protobuf.createFileRegistry(
    protobuf.createFileRegistry(file('kubernetes.proto', 'kubernetes', ['Quantity', 'URL', 'NamedFormat']), () => undefined),
    protobuf.createFileRegistry(file('net.proto', 'net', ['IP', 'CIDR']), () => undefined),
    protobuf.createFileRegistry(file('optional.proto', '', ['optional_type']), () => undefined),
  );
  const values = new WeakMap<object, unknown>();
  function opaque<V>(typeName: string, key: (v: V) => string) {
    const desc = registry.getMessage(typeName)!;
    const type = objectType(desc);
    return {
      type,
      wrap: (v: V) => {
        const m = protobuf.create(desc) as unknown as { key: string };
        m.key = key(v);
        values.set(m, v);
        return reflectLib.reflect(desc, m as never) as unknown as Cel.CelValue<typeof type>;
      },
      unwrap: (r: unknown) => values.get((r as { message: object }).message) as V,
    };
  }

  let ids = 0;
  const items = (l: Cel.CelList) => Array.from({ length: l.size }, (_, i) => l.get(i)!);
  const Quantity = opaque<Amount>('kubernetes.Quantity', quantityKey);
  const IP = opaque<IPAddr>('net.IP', addrString);
  const CIDR = opaque<Prefix>('net.CIDR', prefixString);
  const UrlT = opaque<GoURL>('kubernetes.URL', urlString);
  const Format = opaque<string>('kubernetes.NamedFormat', (name) => name);
  // Equal optionals have equal keys for the values these libraries put in them (scalars, our opaque values, lists of
  // strings); any other value gets a key of its own.
  const optionalKey = (v: CelValue): string => {
    if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
    const m = (v as { message?: { $typeName?: string; key?: string } }).message;
    if (m?.key !== undefined) return `${m.$typeName}:${m.key}`;
    if (cel.isCelList(v) && items(v).every((x) => typeof x === 'string')) return `list:${JSON.stringify(items(v))}`;
    return `#${++ids}`;
  };
  const Optional = opaque<{ value?: CelValue }>('optional_type', (o) => (o.value === undefined ? '' : `some:${optionalKey(o.value)}`));
  const none = () => Optional.wrap({});
  const some = (value: CelValue) => Optional.wrap({ value });

  // The std operators, so that lists compare, add and test equality exactly as the rest of the evaluator does.
  const std = cel.celEnv().funcs;
  const op = (name: string) => (a: CelValue, b: CelValue): CelValue => {
    const r = std.find(name)?.call(0, undefined, [a, b]);
    if (r === undefined) throw new Error(`no such overload: ${name}(${cel.celType(a)}, ${cel.celType(b)})`);
    if (cel.isCelError(r)) throw r;
    return r as CelValue;
  };
  const [eq, lt, gt, add] = [op('_==_'), op('_<_'), op('_>_'), op('_+_')];
  const summable = (v: CelValue) => typeof v === 'bigint' || typeof v === 'number' || cel.isCelUint(v) || (typeof v === 'object' && v !== null && cel.celType(v).name === 'google.protobuf.Duration');
  const extreme = (name: string, better: (a: CelValue, b: CelValue) => CelValue) =>
    function (this: Cel.CelList) {
      let result: CelValue | undefined;
      for (const v of items(this)) if (result === undefined || better(result, v) === true) result = v;
      if (result === undefined) throw new Error(`${name} called on empty list`);
      return result;
    };

  /** regex.go find/findAll: Go's regexp (kube/go-regexp.ts); a pattern Go does not compile is "Illegal regex: …". */
  const findAll = (s: string, pattern: string, n: number): string[] => {
    let re: GoRegexp;
    try {
      re = compileGoRegexp(pattern);
    } catch (e) {
      throw new Error(`Illegal regex: ${(e as Error).message}`);
    }
    return re.findAll(s, n);
  };

  return [
    // lists.go (version 0)
    celMethod('isSorted', LIST, [], BOOL, function () {
      const l = items(this);
      for (let i = 1; i < l.length; i++) if (gt(l[i - 1]!, l[i]!) === true) return false;
      return true;
    }),
    celMethod('sum', LIST, [], DYN, function () {
      // The zero of the list's declared element type: an empty list here has no element to tell it, and int 0 equals
      // 0.0 and 0u under CEL's numeric equality.
      let acc: CelValue | undefined;
      for (const v of items(this)) {
        if (!summable(v)) throw new Error(`no such overload: sum over ${cel.celType(v)}`);
        acc = acc === undefined ? v : add(acc, v);
      }
      return acc ?? 0n;
    }),
    celMethod('min', LIST, [], DYN, extreme('min', gt)),
    celMethod('max', LIST, [], DYN, extreme('max', lt)),
    celMethod('indexOf', LIST, [DYN], INT, function (x) {
      const l = items(this);
      for (let i = 0; i < l.length; i++) if (eq(l[i]!, x) === true) return BigInt(i);
      return -1n;
    }),
    celMethod('lastIndexOf', LIST, [DYN], INT, function (x) {
      const l = items(this);
      for (let i = l.length - 1; i >= 0; i--) if (eq(l[i]!, x) === true) return BigInt(i);
      return -1n;
    }),

    // regex.go
    celMethod('find', STRING, [STRING], STRING, function (pattern) {
      return findAll(this, pattern, 1)[0] ?? '';
    }),
    celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
      return celList(findAll(this, pattern, -1));
    }),
    celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, n) {
      return celList(findAll(this, pattern, Number(BigInt.asIntN(64, n))));
    }),

    // urls.go: ParseRequestURI decides validity, Parse gives the value (fragments split off as Go does).
    celFunc('url', [STRING], UrlT.type, (s) => {
      try {
        parseRequestURI(s);
        return UrlT.wrap(parseURL(s));
      } catch (e) {
        throw new Error(`URL parse error during conversion from string: ${(e as Error).message}`);
      }
    }),
    celFunc('isURL', [STRING], BOOL, parses(parseRequestURI)),
    celMethod('getScheme', UrlT.type, [], STRING, function () {
      return fromBytes(UrlT.unwrap(this).scheme);
    }),
    celMethod('getHost', UrlT.type, [], STRING, function () {
      return fromBytes(UrlT.unwrap(this).host);
    }),
    celMethod('getHostname', UrlT.type, [], STRING, function () {
      return fromBytes(splitHostPort(UrlT.unwrap(this).host)[0]);
    }),
    celMethod('getPort', UrlT.type, [], STRING, function () {
      return fromBytes(splitHostPort(UrlT.unwrap(this).host)[1]);
    }),
    celMethod('getEscapedPath', UrlT.type, [], STRING, function () {
      return fromBytes(escapedPath(UrlT.unwrap(this)));
    }),
    celMethod('getQuery', UrlT.type, [], mapType(STRING, listType(STRING)), function () {
      return celMap(new Map([...urlQuery(UrlT.unwrap(this))].map(([k, v]) => [k, celList(v)])));
    }),

    // quantity.go (1.31: no mul, div, divInt)
    celFunc('quantity', [STRING], Quantity.type, (s) => Quantity.wrap(celQuantity(s))),
    celFunc('isQuantity', [STRING], BOOL, parses(celQuantity)),
    celFunc('sign', [Quantity.type], INT, (q) => BigInt(quantitySign(Quantity.unwrap(q)))),
    celMethod('isGreaterThan', Quantity.type, [Quantity.type], BOOL, function (o) {
      return cmpDec(asDec(Quantity.unwrap(this)), asDec(Quantity.unwrap(o))) === 1;
    }),
    celMethod('isLessThan', Quantity.type, [Quantity.type], BOOL, function (o) {
      return cmpDec(asDec(Quantity.unwrap(this)), asDec(Quantity.unwrap(o))) === -1;
    }),
    celMethod('compareTo', Quantity.type, [Quantity.type], INT, function (o) {
      return BigInt(cmpDec(asDec(Quantity.unwrap(this)), asDec(Quantity.unwrap(o))));
    }),
    celMethod('asApproximateFloat', Quantity.type, [], DOUBLE, function () {
      return quantityFloat(Quantity.unwrap(this));
    }),
    celMethod('asInteger', Quantity.type, [], INT, function () {
      const v = quantityAsInt64(Quantity.unwrap(this));
      if (v === undefined) throw new Error('cannot convert value to integer');
      return v;
    }),
    celMethod('isInteger', Quantity.type, [], BOOL, function () {
      return quantityAsInt64(Quantity.unwrap(this)) !== undefined;
    }),
    celMethod('add', Quantity.type, [Quantity.type], Quantity.type, function (o) {
      return Quantity.wrap(reachable(() => quantityAdd(Quantity.unwrap(this), Quantity.unwrap(o))));
    }),
    celMethod('add', Quantity.type, [INT], Quantity.type, function (n) {
      return Quantity.wrap(reachable(() => quantityAdd(Quantity.unwrap(this), { kind: 'i', value: n, scale: 0 })));
    }),
    celMethod('sub', Quantity.type, [Quantity.type], Quantity.type, function (o) {
      return Quantity.wrap(reachable(() => quantitySub(Quantity.unwrap(this), Quantity.unwrap(o))));
    }),
    celMethod('sub', Quantity.type, [INT], Quantity.type, function (n) {
      return Quantity.wrap(reachable(() => quantitySub(Quantity.unwrap(this), { kind: 'i', value: n, scale: 0 })));
    }),

    // ip.go
    celFunc('ip', [STRING], IP.type, (s) => IP.wrap(parseIPAddr(s))),
    celFunc('isIP', [STRING], BOOL, parses(parseIPAddr)),
    celFunc('ip.isCanonical', [STRING], BOOL, (s) => addrString(parseIPAddr(s)) === s),
    celMethod('family', IP.type, [], INT, function () {
      return IP.unwrap(this).bytes.length === 4 ? 4n : 6n;
    }),
    ...Object.entries({ isUnspecified, isLoopback, isLinkLocalMulticast, isLinkLocalUnicast, isGlobalUnicast }).map(([name, test]) =>
      celMethod(name, IP.type, [], BOOL, function () {
        return test(IP.unwrap(this));
      }),
    ),
    celFunc('string', [IP.type], STRING, (a) => addrString(IP.unwrap(a))),

    // cidr.go
    celFunc('cidr', [STRING], CIDR.type, (s) => CIDR.wrap(cidrFromString(s))),
    celFunc('isCIDR', [STRING], BOOL, parses(parseCIDR)),
    celMethod('containsIP', CIDR.type, [STRING], BOOL, function (s) {
      return prefixContains(CIDR.unwrap(this), parseIPAddr(s));
    }),
    celMethod('containsIP', CIDR.type, [IP.type], BOOL, function (a) {
      return prefixContains(CIDR.unwrap(this), IP.unwrap(a));
    }),
    // cidrContainsCIDR as fixed by kubernetes/kubernetes#130450 (both sides masked to the receiver's bits); before
    // that fix the argument's address had to equal the receiver's network address exactly.
    ...([STRING, CIDR.type] as const).map((arg) =>
      celMethod('containsCIDR', CIDR.type, [arg], BOOL, function (o: unknown) {
        const p = CIDR.unwrap(this);
        const other = typeof o === 'string' ? cidrFromString(o) : CIDR.unwrap(o);
        return other.addr.bytes.length === p.addr.bytes.length && prefixContains(p, other.addr) && p.bits <= other.bits;
      }),
    ),
    celMethod('ip', CIDR.type, [], IP.type, function () {
      return IP.wrap(CIDR.unwrap(this).addr);
    }),
    celMethod('masked', CIDR.type, [], CIDR.type, function () {
      const p = CIDR.unwrap(this);
      return CIDR.wrap({ addr: { bytes: maskBytes(p.addr.bytes, p.bits), zone: p.addr.zone }, bits: p.bits });
    }),
    celMethod('prefixLength', CIDR.type, [], INT, function () {
      return BigInt(CIDR.unwrap(this).bits);
    }),
    celFunc('string', [CIDR.type], STRING, (p) => prefixString(CIDR.unwrap(p))),

    // format.go
    ...Object.keys(formats).map((name) => celFunc(`format.${name}`, [], Format.type, () => Format.wrap(name))),
    celFunc('format.named', [STRING], Optional.type, (name) => (Object.hasOwn(formats, name) ? some(Format.wrap(name)) : none())),
    celMethod('validate', Format.type, [STRING], Optional.type, function (s) {
      const errs = formats[Format.unwrap(this)]!(s);
      return errs.length ? some(celList(errs)) : none();
    }),

    // cel-go OptionalTypes, as far as Format's results need it.
    celFunc('optional.none', [], Optional.type, none),
    celFunc('optional.of', [DYN], Optional.type, (v) => some(v)),
    celMethod('hasValue', Optional.type, [], BOOL, function () {
      return Optional.unwrap(this).value !== undefined;
    }),
    celMethod('value', Optional.type, [], DYN, function () {
      const v = Optional.unwrap(this).value;
      if (v === undefined) throw new Error('optional.none() dereference');
      return v;
    }),
    celMethod('orValue', Optional.type, [DYN], DYN, function (v) {
      return Optional.unwrap(this).value ?? v;
    }),
    celMethod('or', Optional.type, [Optional.type], Optional.type, function (o) {
      return Optional.unwrap(this).value !== undefined ? this : o;
    }),
  ] as CelFunc[];
}
