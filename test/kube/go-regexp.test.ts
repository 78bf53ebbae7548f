// kube/go-regexp.ts findAll against Go's own table: golang/go src/regexp/find_test.go findTests, as TestFindAllString
// runs it (FindAllString(text, -1); each expected match is text[e[0]:e[1]] in UTF-8 bytes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGoRegexp, nativeEquivalent } from '../../kube/go-regexp.ts';

/** find_test.go build: n matches of len(x)/n indexes each; the first pair is the whole match. */
const build = (n: number, ...x: number[]): [number, number][] => Array.from({ length: n }, (_, i) => [x[(i * x.length) / n]!, x[(i * x.length) / n + 1]!]);
const r = String.raw;

const findTests: [pat: string, text: string, matches: [number, number][] | null][] = [
  [``, ``, build(1, 0, 0)],
  [r`^abcdefg`, 'abcdefg', build(1, 0, 7)],
  [r`a+`, 'baaab', build(1, 1, 4)],
  ['abcd..', 'abcdef', build(1, 0, 6)],
  [r`a`, 'a', build(1, 0, 1)],
  [r`x`, 'y', null],
  [r`b`, 'abc', build(1, 1, 2)],
  [r`.`, 'a', build(1, 0, 1)],
  [r`.*`, 'abcdef', build(1, 0, 6)],
  [r`^`, 'abcde', build(1, 0, 0)],
  [r`$`, 'abcde', build(1, 5, 5)],
  [r`^abcd$`, 'abcd', build(1, 0, 4)],
  [r`^bcd'`, 'abcdef', null],
  [r`^abcd$`, 'abcde', null],
  [r`a+`, 'baaab', build(1, 1, 4)],
  [r`a*`, 'baaab', build(3, 0, 0, 1, 4, 5, 5)],
  [r`[a-z]+`, 'abcd', build(1, 0, 4)],
  [r`[^a-z]+`, 'ab1234cd', build(1, 2, 6)],
  [r`[a\-\]z]+`, 'az]-bcz', build(2, 0, 4, 6, 7)],
  [r`[^\n]+`, 'abcd\n', build(1, 0, 4)],
  [r`[日本語]+`, '日本語日本語', build(1, 0, 18)],
  [r`日本語+`, '日本語', build(1, 0, 9)],
  [r`日本語+`, '日本語語語語', build(1, 0, 18)],
  [r`()`, '', build(1, 0, 0, 0, 0)],
  [r`(a)`, 'a', build(1, 0, 1, 0, 1)],
  [r`(.)(.)`, '日a', build(1, 0, 4, 0, 3, 3, 4)],
  [r`(.*)`, '', build(1, 0, 0, 0, 0)],
  [r`(.*)`, 'abcd', build(1, 0, 4, 0, 4)],
  [r`(..)(..)`, 'abcd', build(1, 0, 4, 0, 2, 2, 4)],
  [r`(([^xyz]*)(d))`, 'abcd', build(1, 0, 4, 0, 4, 0, 3, 3, 4)],
  [r`((a|b|c)*(d))`, 'abcd', build(1, 0, 4, 0, 4, 2, 3, 3, 4)],
  [r`(((a|b|c)*)(d))`, 'abcd', build(1, 0, 4, 0, 4, 0, 3, 2, 3, 3, 4)],
  [r`\a\f\n\r\t\v`, '\x07\f\n\r\t\v', build(1, 0, 6)],
  [r`[\a\f\n\r\t\v]+`, '\x07\f\n\r\t\v', build(1, 0, 6)],

  [r`a*(|(b))c*`, 'aacc', build(1, 0, 4, 2, 2, -1, -1)],
  [r`(.*).*`, 'ab', build(1, 0, 2, 0, 2)],
  [r`[.]`, '.', build(1, 0, 1)],
  [r`/$`, '/abc/', build(1, 4, 5)],
  [r`/$`, '/abc', null],

  // multiple matches
  [r`.`, 'abc', build(3, 0, 1, 1, 2, 2, 3)],
  [r`(.)`, 'abc', build(3, 0, 1, 0, 1, 1, 2, 1, 2, 2, 3, 2, 3)],
  [r`.(.)`, 'abcd', build(2, 0, 2, 1, 2, 2, 4, 3, 4)],
  [r`ab*`, 'abbaab', build(3, 0, 3, 3, 4, 4, 6)],
  [r`a(b*)`, 'abbaab', build(3, 0, 3, 1, 3, 3, 4, 4, 4, 4, 6, 5, 6)],

  // fixed bugs
  [r`ab$`, 'cab', build(1, 1, 3)],
  [r`axxb$`, 'axxcb', null],
  [r`data`, 'daXY data', build(1, 5, 9)],
  [r`da(.)a$`, 'daXY data', build(1, 5, 9, 7, 8)],
  [r`zx+`, 'zzx', build(1, 1, 3)],
  [r`ab$`, 'abcab', build(1, 3, 5)],
  [r`(aa)*$`, 'a', build(1, 1, 1, -1, -1)],
  [r`(?:.|(?:.a))`, '', null],
  [r`(?:A(?:A|a))`, 'Aa', build(1, 0, 2)],
  [r`(?:A|(?:A|a))`, 'a', build(1, 0, 1)],
  [r`(a){0}`, '', build(1, 0, 0, -1, -1)],
  [r`(?-s)(?:(?:^).)`, '\n', null],
  [r`(?s)(?:(?:^).)`, '\n', build(1, 0, 1)],
  [r`(?:(?:^).)`, '\n', null],
  [r`\b`, 'x', build(2, 0, 0, 1, 1)],
  [r`\b`, 'xx', build(2, 0, 0, 2, 2)],
  [r`\b`, 'x y', build(4, 0, 0, 1, 1, 2, 2, 3, 3)],
  [r`\b`, 'xx yy', build(4, 0, 0, 2, 2, 3, 3, 5, 5)],
  [r`\B`, 'x', null],
  [r`\B`, 'xx', build(1, 1, 1)],
  [r`\B`, 'x y', null],
  [r`\B`, 'xx yy', build(2, 1, 1, 4, 4)],
  [r`(|a)*`, 'aa', build(3, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2)],

  // Multibyte characters -- verify that we don't try to match in the middle of a character.
  ['[a-c]*', '\u65e5', build(2, 0, 0, 3, 3)],
  ['[^\u65e5]', 'abc\u65e5def', build(6, 0, 1, 1, 2, 2, 3, 6, 7, 7, 8, 8, 9)],

  // RE2 tests
  [r`[^\S\s]`, 'abcd', null],
  [r`[^\S[:space:]]`, 'abcd', null],
  [r`[^\D\d]`, 'abcd', null],
  [r`[^\D[:digit:]]`, 'abcd', null],
  [r`(?i)\W`, 'x', null],
  [r`(?i)\W`, 'k', null],
  [r`(?i)\W`, 's', null],

  // can backslash-escape any punctuation
  [r`\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~`, r`!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`, build(1, 0, 31)],
  [r`[\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~]+`, r`!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`, build(1, 0, 31)],
  ['\\`', '`', build(1, 0, 1)],
  ['[\\`]+', '`', build(1, 0, 1)],

  // Not ported: the six cases whose text is not valid UTF-8 ("\xff", "\xc2\x00"): a JavaScript string cannot hold it.

  // long set of matches (longer than startSize)
  ['.', 'qwertyuiopasdfghjklzxcvbnm1234567890', build(36, ...Array.from({ length: 36 }, (_, i) => [i, i + 1]).flat())],
];

describe('find_test.go TestFindAllString (ported)', () => {
  for (const [pat, text, matches] of findTests)
    it(`${JSON.stringify(pat)} in ${JSON.stringify(text)}`, () => {
      const bytes = Buffer.from(text, 'utf8');
      const expected = (matches ?? []).map(([s, e]) => bytes.subarray(s, e).toString('utf8'));
      assert.deepEqual(compileGoRegexp(pat).findAll(text, -1), expected);
    });
  it('n limits the matches (regexp.go FindAllString: n >= 0 returns at most n)', () => {
    assert.deepEqual(compileGoRegexp('a*').findAll('baaab', 0), []);
    assert.deepEqual(compileGoRegexp('a*').findAll('baaab', 2), ['', 'aaa']);
  });
  it('a pattern Go does not compile throws its error (re2js reports Go’s message)', () => {
    assert.throws(() => compileGoRegexp(')'), { message: 'error parsing regexp: unexpected ): `)`' });
  });
});

// The native fast path (nativeEquivalent) must mean what re2js means: every pattern of the vendored and corpus CRDs,
// on strings that probe the differences between the two engines (newlines, \r, U+2028, non-ASCII, astral code points).
describe('nativeEquivalent agrees with re2js on every CRD pattern here', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const patterns = new Set<string>();
  for (const dir of ['vendor/crds', 'test/corpus/real-manifests'])
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((n) => /\.ya?ml$/.test(n)))
      for (const m of readFileSync(join(root, dir, f), 'utf8').matchAll(/^\s+pattern: (.+)$/gm)) patterns.add(m[1]!.replace(/^'(.*)'$/, '$1').replace(/''/g, "'"));
  const samples = ['', 'abc', 'a-b.c', 'A1', '10Mi', '1h30m', '0.5', '-1e3', 'http://x.example/y', 'WARN', ' ', '\t', 'a\nb', 'a\rb', 'a\u2028b', 'é', 'ça-va', '😀', 'a😀b', '-', '.', 'a_b', '123', '1.5e3', '@every 1h', '0 22 * * *', 'x@y.iam.gserviceaccount.com', 'foo.yaml', '*.json', '24:00', '2001:db8::1'];
  const { RE2JS } = createRequire(import.meta.url)('re2js') as typeof import('re2js');
  it(`covers the ${patterns.size} distinct patterns, most on the fast path`, () => {
    let native = 0;
    for (const p of patterns) {
      const js = nativeEquivalent(p);
      if (!js) continue;
      native++;
      const re = RE2JS.compile(p);
      for (const s of samples) assert.equal(js.test(s), re.matcher(s).find(), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
    }
    assert.ok(patterns.size > 30 && native > patterns.size / 2, `${native} of ${patterns.size} on the fast path`);
  });
  it('leaves to re2js what JavaScript reads differently', () => {
    for (const p of ['[\\b]', '^(?i)(abort|warn)?$', '^\\s+$', '\\z', '^[[:alpha:]]+$', '(?P<n>a)', '(a)\\1', 'a{1001}', '\\pL', 'a(?=b)'])
      assert.equal(nativeEquivalent(p), undefined, p);
    assert.equal(nativeEquivalent('^a.b$')!.test('a\rb'), true, 'Go\'s . matches \\r');
    assert.equal(nativeEquivalent('^a.b$')!.test('a\nb'), false);
  });
});
