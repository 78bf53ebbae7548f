// The string-format rules against the tables of kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go (same test names).
// Expected results are upstream's good/bad lists, copied verbatim.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  IsConfigMapKey, IsDNS1035Label, IsDNS1123Label, IsDNS1123Subdomain, IsHTTPHeaderName, IsInRange, IsQualifiedName,
  IsValidLabelValue, IsValidPercent, IsValidPortName, IsValidPortNum, IsValidUserID, IsWildcardDNS1123Subdomain,
} from '../../../policies/apiserver/lib/validation.ts';

const r = (c: string, n: number) => c.repeat(n);

/** One upstream good/bad table: every good value passes, every bad value fails. */
function table<T>(name: string, fn: (v: T) => string[], good: readonly T[], bad: readonly T[]): void {
  describe(`util/validation/validation_test.go ${name}`, () => {
    for (const v of good) test(`accepts ${JSON.stringify(v)}`, () => assert.deepEqual(fn(v), [], `${JSON.stringify(v)} must be valid`));
    for (const v of bad) test(`refuses ${JSON.stringify(v)}`, () => assert.ok(fn(v).length > 0, `${JSON.stringify(v)} must be refused`));
  });
}

table('TestIsDNS1123Label', IsDNS1123Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', r('a', 63)],
  ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2',
    ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', r('a', 64)]);

table('TestIsDNS1123Subdomain', IsDNS1123Subdomain,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a',
    'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2', '0.1', '01.1', '012.1', '1a.1', '1-a.1',
    '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', r('a', 253)],
  ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2',
    ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A',
    'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', r('a', 254)]);

table('TestIsDNS1035Label', IsDNS1035Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', r('a', 63)],
  ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', r('a', 64)]);

table('TestIsValidPortNum', IsValidPortNum, [1, 2, 1000, 16384, 32768, 65535], [0, -1, 65536, 100000]);

describe('util/validation/validation_test.go TestIsInRange', () => {
  for (const [v, lo, hi] of [[1, 0, 10], [5, 5, 20], [25, 10, 25]] as const) test(`accepts ${v} in [${lo},${hi}]`, () => assert.deepEqual(IsInRange(v, lo, hi), []));
  for (const [v, lo, hi] of [[1, 2, 10], [5, -4, 2], [25, 100, 120]] as const) test(`refuses ${v} in [${lo},${hi}]`, () => assert.ok(IsInRange(v, lo, hi).length > 0));
});

table('TestIsValidUserID', IsValidUserID, [0, 1, 1000, 65535, 2147483647, 2147483648, 3000000000, 0xffffffff], [-1, -1003, 0x100000000]);

table('TestIsValidPortName', IsValidPortName,
  ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'],
  ['longerthan15characters', '', r('a', 16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++']);

table('TestIsQualifiedName', IsQualifiedName,
  ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple',
    'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo', r('a', 63), `${r('a', 253)}/${r('b', 63)}`],
  ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', r('a', 64),
    `${r('a', 254)}/abc`]);

table('TestIsValidLabelValue', IsValidLabelValue,
  ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', r('a', 63), ''],
  ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', r('a', 64)]);

table('TestIsHTTPHeaderName', IsHTTPHeaderName,
  ['Accept-Encoding', 'Host', 'If-Modified-Since', 'X-Forwarded-For', 'a', 'ab', 'abc', 'a1', '-a', 'a-', 'a-b', 'a-1', 'a--1--2--b', '--abc-123', 'A', 'AB', 'AbC', 'A1',
    '-A', 'A-', 'A-B', 'A-1', 'A--1--2--B', '--123-ABC'],
  ['Host:', 'X-Forwarded-For:', 'X-@Home', '', '_', 'a_', '_a', '1_', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
    '#a#', '^', ',', ';', '=', '<', '?', '@', '{']);

table('TestIsValidPercent', IsValidPercent,
  ['0%', '00000%', '1%', '01%', '99%', '100%', '101%'],
  ['', '0', '100', '0.0%', '99.9%', 'hundred', ' 1%', '1% ', '-0%', '-1%', '+1%']);

table('TestIsConfigMapKey', IsConfigMapKey,
  ['a', 'good', 'good-good', 'still.good', 'this.is.also.good', '.so.is.this', 'THIS_IS_GOOD', 'so_is_this_17'],
  ['.', '..', '..bad', 'b*d', 'bad!&bad']);

table('TestIsWildcardDNS1123Subdomain', IsWildcardDNS1123Subdomain,
  ['*.example.com', '*.bar.com', '*.foo.bar.com'],
  ['*.*.bar.com', '*.foo.*.com', '*bar.com', 'f*.bar.com', '*']);
