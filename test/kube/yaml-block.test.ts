// The plain-block reader (kube/yaml-block.ts) against js-yaml, the owner of the semantics it copies: on every YAML
// file of the repository and the real-manifests corpus, on a table of the constructs it takes and those it must
// leave to js-yaml, and on seeded random edits of real files. Wherever the reader gives a value, js-yaml gives the
// same value (same keys in the same order, same types); wherever js-yaml refuses a text, the reader gives none. The
// random texts mix the constructs the reader takes (nested mappings and sequences, plain, quoted and block scalars
// over lines, comments, blank lines, odd indentation) with a few it must leave. The same reader in C++
// (native/yaml-block, files mode's first reader: loadManifestBytes) is held to the same texts: wherever it gives a
// value, the TypeScript reader gives the same; wherever the TypeScript reader leaves a text, so does it.
//   MARQUEE_FUZZ_SEED=<n>   replay the random edits (the seed is printed)
//   MARQUEE_FUZZ_COUNT=<n>  how many edits (default 3000)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, test } from 'node:test';
import { loadAll } from 'js-yaml';
import { BlockReader } from '../../kube/yaml-block.ts';
import { implicitTypes, kubernetesYamlSchema, loadManifestBytes, loadManifests, loadManifestsAliased, nativeReaderBuilt } from '../../kube/yaml-schema.ts';
import { filesUnder } from '../../scripts/lib/plumbing/files.ts';
import { repoRoot } from '../helpers/repo-copy.ts';
import { rng } from '../helpers/rng.ts';

const reader = new BlockReader(implicitTypes, 100);
/** js-yaml alone, as loadManifests called it before the reader: the oracle. */
const jsYaml = (text: string): { value: unknown[] } | { error: string } => {
  try {
    return { value: loadAll(text, undefined, { schema: kubernetesYamlSchema, maxDepth: 100 }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
};
/** Equal values, keys in the same order (JSON.stringify sees the order, isDeepStrictEqual the types and prototypes). */
const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);

const noWords: ReadonlySet<string> = new Set();
/** Texts the C++ reader took, over the whole file (a reader that left everything would agree vacuously). */
let nativeTaken = 0;

/** The reader's value agrees with js-yaml's, or the reader gives none: the message names the text when not. */
function agrees(text: string, name: string): 'taken' | 'left' {
  const got = reader.read(text);
  // the same text as pieces, every line its own (files mode reads files as pieces cut after newlines): the same reading
  const pieces = reader.readPieces(text.split(/(?<=\n)/));
  assert.ok(got === undefined ? pieces === undefined : same(pieces, got), `${name}: read in pieces, the reader's value differs:\n${JSON.stringify(pieces)?.slice(0, 400)}\n${JSON.stringify(got)?.slice(0, 400)}`);
  // the C++ reader, from the text's UTF-8 bytes: never a text this reader leaves, and the same value where it reads one
  const native = loadManifestBytes(Buffer.from(text, 'utf8'), 100, noWords)?.values;
  if (native !== undefined) {
    nativeTaken++;
    assert.ok(got !== undefined, `${name}: the C++ reader took a text the TypeScript reader leaves:\n${JSON.stringify(native).slice(0, 400)}`);
    assert.ok(same(native, got), `${name}: the C++ reader's value differs:\n${JSON.stringify(native).slice(0, 400)}\n${JSON.stringify(got).slice(0, 400)}`);
  }
  if (got === undefined) return 'left';
  const oracle = jsYaml(text);
  assert.ok('value' in oracle, `${name}: the reader took a text js-yaml refuses (${'error' in oracle ? oracle.error.split('\n')[0] : ''})`);
  assert.ok(same(got, oracle.value), `${name}: the reader's value differs from js-yaml's:\n${JSON.stringify(got).slice(0, 400)}\n${JSON.stringify(oracle.value).slice(0, 400)}`);
  return 'taken';
}

const corpus = join(repoRoot, 'test/corpus/real-manifests');
const corpusFiles = filesUnder(corpus).filter((f) => /\.ya?ml$/i.test(f)).map((f) => join(corpus, f));
const repositoryFiles = execFileSync('git', ['ls-files', '*.yaml', '*.yml', '*.YAML'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map((f) => join(repoRoot, f));

describe('the plain-block reader reads real files as js-yaml does', () => {
  test('the C++ reader is built (npm ci builds native/yaml-block; files mode is several times slower without it)', () => {
    assert.ok(nativeReaderBuilt, 'native/yaml-block/build/Release/yaml_block.node is missing: run npm ci (it needs g++, make and python3)');
  });

  test('every YAML file of the real-manifests corpus: taken, and equal, by both readers', () => {
    assert.ok(corpusFiles.length >= 100, `the corpus has ${corpusFiles.length} YAML files`);
    const left = corpusFiles.filter((f) => agrees(readFileSync(f, 'utf8'), f) === 'left');
    // files mode's speed rests on the reader taking the manifests people vendor: a construct it stops taking shows here
    assert.deepEqual(left, []);
    const nativeLeft = corpusFiles.filter((f) => !loadManifestBytes(readFileSync(f), 100, noWords));
    assert.deepEqual(nativeLeft, [], 'the C++ reader leaves these corpus files to the TypeScript reader');
  });

  test('every YAML file of the repository: equal where taken', () => {
    let taken = 0;
    for (const f of repositoryFiles) if (agrees(readFileSync(f, 'utf8'), f) === 'taken') taken++;
    // most are taken (the flow mappings of hand-written overlays are js-yaml's); the rest fall back whole
    assert.ok(taken > repositoryFiles.length / 2, `taken ${taken} of ${repositoryFiles.length}`);
  });
});

describe('what the reader takes, with the values YAML gives (checked against js-yaml as well)', () => {
  const cases: [string, string, unknown[]][] = [
    ['a mapping', 'a: 1\nb: text\n', [{ a: 1, b: 'text' }]],
    ['null, true and false in each spelling', 'a: null\nb: Null\nc: NULL\nd: true\ne: True\nf: TRUE\ng: false\nh: False\ni: FALSE\n', [{ a: null, b: null, c: null, d: true, e: true, f: true, g: false, h: false, i: false }]],
    ['words near null, true and false stay strings, as keys and values', 'nul: TRU\nnulls: Falsey\nt: F\nTrue1: x\nfalse_: NULL_\nnone: Nope\nfAlse: tRUE\n', [{ nul: 'TRU', nulls: 'Falsey', t: 'F', True1: 'x', false_: 'NULL_', none: 'Nope', fAlse: 'tRUE' }]],
    ['two documents', 'a: 1\n---\nb: 2\n', [{ a: 1 }, { b: 2 }]],
    ['a leading marker', '---\na: 1\n', [{ a: 1 }]],
    ['an empty last document', 'a: 1\n---\n', [{ a: 1 }, null]],
    ['an empty text', '', []],
    ['comments only', '# nothing\n', [null]],
    ['nested mappings', 'a:\n  b:\n    c: x\n', [{ a: { b: { c: 'x' } } }]],
    ['a sequence at its key’s column', 'k:\n- a\n- b\nz: 1\n', [{ k: ['a', 'b'], z: 1 }]],
    ['mappings in a sequence', '- name: a\n  v: 1\n- name: b\n', [[{ name: 'a', v: 1 }, { name: 'b' }]]],
    ['a sequence in a sequence', '- - a\n  - b\n- c\n', [[['a', 'b'], 'c']]],
    ['an empty item and value', '-\n- x\n', [[null, 'x']]],
    ['an empty value', 'a:\nb: 1\n', [{ a: null, b: 1 }]],
    ['a literal block, clipped', 'a: |\n  x\n  y\n\nb: 1\n', [{ a: 'x\ny\n', b: 1 }]],
    ['a literal block, stripped', 'a: |-\n  x\n  y\n', [{ a: 'x\ny' }]],
    ['a literal block, kept', 'a: |+\n  x\n\n\nb: 1', [{ a: 'x\n\n\n', b: 1 }]],
    ['more indented lines in a literal block', 'a: |\n  x\n    y\n\n  z\n', [{ a: 'x\n  y\n\nz\n' }]],
    ['a # inside a literal block', 'a: |\n  # not a comment\n', [{ a: '# not a comment\n' }]],
    ['a literal block as an item', '- |\n  x\n- y\n', [['x\n', 'y']]],
    ['a plain scalar over lines', 'k: a\n  b\n\n  c\n', [{ k: 'a b\nc' }]],
    ['a continuation starting with a quote', 'k: a (e.g.\n  "2m")\n', [{ k: 'a (e.g. "2m")' }]],
    ['single quotes', "a: 'it''s: #1'\n", [{ a: "it's: #1" }]],
    ['single quotes over lines', "a: 'x  \n   y\n\n   z'\n", [{ a: 'x y\nz' }]],
    ['double quotes with JSON escapes', 'a: "x\\ty\\u00e9\\"\\\\"\n', [{ a: 'x\ty\u00e9"\\' }]],
    ['double quotes over lines', 'a: "x\n  y"\n', [{ a: 'x y' }]],
    // numbers as go-yaml reads them (yaml.v3 decode_test.go "Ints from spec": `octal: 02472256` is 685230,
    // `decimal: +685_230` 685230, `hexa: 0x_0A_74_AE` 685230), not as YAML 1.2's core schema does (012 would be 12)
    ['integers and floats', 'a: 012\nb: 0o12\nc: 0x1F\nd: 1e3\ne: -0.5\nf: .inf\ng: +1\n', [{ a: 10, b: 10, c: 31, d: 1000, e: -0.5, f: Infinity, g: 1 }]],
    ['numbers with underscores; YAML 1.1 words and dotted versions stay strings', 'a: 1_000\nb: yes\nc: on\nd: 0x_1\ne: 1.2.3\n', [{ a: 1000, b: 'yes', c: 'on', d: 1, e: '1.2.3' }]],
    ['null and booleans', 'a: ~\nb: null\nc: True\nd: FALSE\n', [{ a: null, b: null, c: true, d: false }]],
    ['comments', 'a: x # c\n# full line\nb: y#z\n', [{ a: 'x', b: 'y#z' }]],
    ['empty flow collections', 'a: []\nb: {}\n', [{ a: [], b: {} }]],
    ['colons without a space', 'a: http://x:80/y\n', [{ a: 'http://x:80/y' }]],
    ['keys of Kubernetes', 'app.kubernetes.io/name: x\n$ref: y\nx-kubernetes-int-or-string: true\n', [{ 'app.kubernetes.io/name': 'x', $ref: 'y', 'x-kubernetes-int-or-string': true }]],
  ];
  for (const [name, text, expected] of cases)
    test(name, () => {
      const oracle = jsYaml(text);
      assert.ok('value' in oracle && same(oracle.value, expected), `the table is wrong for ${name}: js-yaml gives ${JSON.stringify(oracle)}`);
      const got = reader.read(text);
      assert.ok(got !== undefined, `${name}: left to js-yaml`);
      assert.ok(same(got, expected), `${name}: ${JSON.stringify(got)}`);
      // the C++ reader takes them too, but the numbers JSON cannot write as they are read (0o, 0x, 1e3, .inf, 012, 1_000)
      const native = loadManifestBytes(Buffer.from(text, 'utf8'), 100, noWords)?.values;
      if (name.startsWith('integers and floats') || name.startsWith('numbers with underscores')) assert.equal(native, undefined);
      else assert.ok(native !== undefined && same(native, expected), `${name}: the C++ reader gives ${JSON.stringify(native)}`);
    });
});

describe('what the reader leaves to js-yaml (which reads it, or words the error)', () => {
  const deep = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}k:`).join('\n') + ' x\n';
  const cases: [string, string][] = [
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a binary tag', 'a: !!binary aGk=\n'],
    ['a flow sequence with items', 'a: [1, 2]\n'],
    ['a flow mapping with entries', 'a: {b: 1}\n'],
    ['a folded block', 'a: >\n  x\n  y\n'],
    ['a block with an indentation indicator', 'a: |2\n   x\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['content after ---', '--- a\n'],
    ['a key given twice', 'a: 1\na: 2\n'],
    ['a tab', 'a:\t1\n'],
    ['CR LF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['bad indentation', 'a: 1\n  b: 2\n'],
    ['a merge key', 'a: {}\n<<: {}\n'],
    ['a key another type resolves', 'true: 1\n'],
    ['a numeric key', '1: x\n'],
    ['a key with a space', 'a b: 1\n'],
    ['a quoted key', '"q": 1\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['__proto__', '__proto__: 1\n'],
    ['a YAML-only escape', 'a: "\\x41"\n'],
    ['an escaped line break', 'a: "x\\\n  y"\n'],
    ['a top-level scalar', 'hello\n'],
    ['an indented document', '  a: 1\n'],
    ['a control character', 'a: "\u0007"\n'],
    ['a lone surrogate', 'a: x\ud800\n'],
    ['nesting near the bound', deep(99)],
    ['a mapping value after a value', 'a: b: c\n'],
    ['a more indented line after a comment', 'a: x # c\n  y\n'],
    ['a block scalar with no content', 'a: |\nb: 1\n'],
    ['an unterminated quote', "a: 'x\n"],
  ];
  for (const [name, text] of cases) test(name, () => assert.equal(reader.read(text), undefined));

  test('an unterminated quote before 400,000 lines is left at once, not searched for again on every line', () => {
    for (const q of ["'", '"']) {
      const text = `a: ${q}x\n${'  y\n'.repeat(400_000)}`;
      const started = performance.now();
      assert.equal(reader.read(text), undefined);
      const ms = performance.now() - started;
      assert.ok(ms < 1_000, `${q}: ${ms.toFixed(0)} ms for a text of ${text.length} characters`);
    }
  });

  test('nesting past the reader’s own bound is left to the caller’s parser, whatever bound it was given', () => {
    const deep = Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' x\n';
    assert.equal(new BlockReader(implicitTypes, 10_000).read(deep), undefined);
  });

  test('a character js-yaml refuses in a scalar sends the text to js-yaml, in an ASCII text and in one with other characters', () => {
    // control characters (C0 but tab and line feed, DEL, C1), surrogates, U+FFFE and U+FFFF; then characters js-yaml takes
    const codes = [...Array.from({ length: 0xa0 }, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a && (c < 0x20 || c >= 0x7f)), 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe, 0xffff, 0xa0, 0xe9, 0x4e2d, 0xfffd];
    const takenOrdinary: string[] = [];
    for (const c of codes) {
      const ch = String.fromCharCode(c);
      for (const [context, text] of [
        ['ASCII', `a: x${ch}y\n`],
        ['non-ASCII', `a: é\nb: x${ch}y\n`],
      ] as const) {
        const name = `U+${c.toString(16).padStart(4, '0')} in an ${context} text`;
        const refused = 'error' in jsYaml(text);
        if (refused) assert.equal(reader.read(text), undefined, `${name}: js-yaml refuses it, the reader took it`);
        else if (agrees(text, name) === 'taken') takenOrdinary.push(name);
      }
    }
    // the reader still takes the characters js-yaml reads as text (a check that left every text would pass the above)
    assert.deepEqual(takenOrdinary, ['U+00a0', 'U+00e9', 'U+4e2d', 'U+fffd'].flatMap((u) => [`${u} in an ASCII text`, `${u} in an non-ASCII text`]));
  });

  test('watched words are noted where they stand as plain scalar values: not quoted, not keys, not in block scalars', () => {
    const words = new Set(['on', 'yes', 'no']);
    const watching = new BlockReader(implicitTypes, 100, words);
    const text = 'a: "on"\nb:\n  - yes\non: x\nc: |\n  on\nd: no way\ne: no\n';
    assert.ok(watching.read(text));
    assert.deepEqual([...watching.noted], ['yes', 'no']);
    assert.deepEqual([...loadManifestBytes(Buffer.from(text), 100, words)!.plain], ['yes', 'no'], 'the C++ reader notes the same words');
    assert.equal(watching.read('a: &x on\n'), undefined);
    assert.deepEqual([...watching.noted], [], 'nothing noted from a text left to js-yaml');
  });

  test('the C++ reader: what JSON cannot write as js-yaml reads it is left, the rest written exactly', () => {
    const read = (text: string) => loadManifestBytes(Buffer.from(text, 'utf8'), 100, noWords)?.values;
    // base prefixes of either case, octals spelt with a leading 0 (go-yaml reads `007` and `-00` as ParseInt does), underscores
    for (const text of ['a: 0x1F\n', 'a: 0X1F\n', 'a: 0o7\n', 'a: 0b1\n', 'a: 007\n', 'a: -00\n', 'a: 1_000\n', 'a: 1e3\n', 'a: 1.5E-2\n', 'a: .inf\n', 'a: -.Inf\n', 'a: .NaN\n', 'a: 1234567890123456\n', 'a: "\\u0009"\n', 'a: 😀\n'])
      assert.equal(read(text), undefined, text);
    // zeros: "-0" is 0 itself (ParseInt has no negative zero), "-0.0" keeps the sign (ParseFloat's -0); a leading 0
    // before an 8 or a 9 is no octal (ParseInt fails; ParseFloat reads 089 as 89)
    const zeros = read('a: -0\nc: -0.0\nd: +0\ne: 089\nf: 1.\ng: .5\nh: +1.50\ni: 123456789012345\nj: -.5\n')![0] as Record<string, number>;
    assert.ok(Object.is(zeros.a, 0) && Object.is(zeros.c, -0) && Object.is(zeros.d, 0));
    assert.deepEqual([zeros.e, zeros.f, zeros.g, zeros.h, zeros.i, zeros.j], [89, 1, 0.5, 1.5, 123456789012345, -0.5]);
    assert.ok(agrees('a: -0\nc: -0.0\nd: +0\ne: 089\nf: 1.\ng: .5\nh: +1.50\nj: -.5\n', 'zeros') === 'taken');
    // strings that look like numbers stay strings (an underscore beside other characters too); escapes and characters
    // past ASCII come back as written
    assert.deepEqual(read('a: 1.2.3\nb: 0x\nc: --log_dir=/x\nd: 10Gi\ne: "q\\"\\\\\\u00e9\\t"\nf: é中\ng: \'it\'\'s\'\n'), [{ a: '1.2.3', b: '0x', c: '--log_dir=/x', d: '10Gi', e: 'q"\\\u00e9\t', f: 'é中', g: "it's" }]);
  });

  test('the C++ reader: long strings (put in place apart from its JSON) come back in their places, in every kind of place', () => {
    const read = (text: string) => loadManifestBytes(Buffer.from(text, 'utf8'), 100, noWords)?.values;
    // lengths on both sides of the C++ reader's bound for a long string, and far past it
    for (const n of [4095, 4096, 4097, 100_000]) {
      const plain = 'p'.repeat(n);
      const wide = 'é中'.repeat(Math.ceil(n / 5));
      const lines = Array.from({ length: Math.ceil(n / 40) }, (_, i) => `line ${i} "quoted" \\ back`);
      const literal = lines.map((l) => `      ${l}\n`).join('');
      const siblings = Array.from({ length: 20 }, (_, i) => `  k${i}: ${i}\n`).join('');
      const text =
        `a: ${plain}\n` +
        `b:\n  - c:\n      - x\n      - ${wide}\n    d: |\n${literal}  - ${plain}\n` +
        `e: '${plain}''s'\n` +
        `f: ${plain}\n  ${plain}\n` +
        `g:\n${siblings}  last: ${plain}\n` +
        `---\n- - ${plain}\n  - y\n- z: ${wide}\n`;
      const expected = [
        {
          a: plain,
          b: [{ c: ['x', wide], d: lines.join('\n') + '\n' }, plain],
          e: `${plain}'s`,
          f: `${plain} ${plain}`,
          g: { ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])), last: plain },
        },
        [[plain, 'y'], { z: wide }],
      ];
      assert.ok(same(read(text), expected), `strings of about ${n} bytes`);
      assert.equal(agrees(text, `long strings of about ${n} bytes`), 'taken');
    }
  });

  test('a key given twice is left by both readers wherever it stands in a mapping of up to 80 keys', () => {
    for (const count of [2, 15, 16, 17, 31, 32, 33, 40, 80]) {
      const keys = Array.from({ length: count }, (_, i) => `key${i}`);
      for (const indent of ['', '    ']) {
        const text = (keys: string[]) => (indent ? 'top:\n' : '') + keys.map((k) => `${indent}${k}: v\n`).join('') + (indent ? 'after: 1\n' : '');
        assert.equal(agrees(text(keys), `${count} keys`), 'taken', `${count} different keys`);
        assert.ok(loadManifestBytes(Buffer.from(text(keys)), 100, noWords), `${count} different keys: the C++ reader takes them`);
        for (const [first, second] of [[0, count - 1], [count - 2, count - 1], [0, 1], [Math.floor(count / 2), count - 1]] as const) {
          if (first === second || first < 0) continue;
          const repeated = keys.map((k, i) => (i === second ? keys[first]! : k));
          assert.equal(reader.read(text(repeated)), undefined, `${count} keys, key ${first} again at ${second}`);
          assert.equal(loadManifestBytes(Buffer.from(text(repeated)), 100, noWords), undefined, `${count} keys, key ${first} again at ${second}: the C++ reader`);
        }
      }
    }
  });

  test('loadManifests still reads what the reader leaves, through js-yaml', () => {
    assert.deepEqual(loadManifests('a: &x [1, 2]\nb: *x\n'), [{ a: [1, 2], b: [1, 2] }]);
    assert.throws(() => loadManifests('a: 1\na: 2\n'), /duplicated mapping key/);
  });
});

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`yaml-block fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed})`);

test('random edits of real files: wherever the reader gives a value, js-yaml gives the same', () => {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const sources = [...corpusFiles, ...repositoryFiles].map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 20_000 && t.length > 40);
  const tokens = [' ', '  ', ':', ': ', '- ', '-', '#', ' #', "'", '"', "''", '|', '|-', '|+', '>', '\n', '\n\n', '[', ']', '{', '}', '[]', '{}', '&a', '*a', '!', '?', ',', '%', '@', '`', '\\', '\\n', '~', '0x1', '1e3', 'null', 'True', '---', '...', '\u00e9', 'a: b'];
  let taken = 0;
  const edits = Number(process.env.MARQUEE_FUZZ_COUNT ?? 3000);
  for (let i = 0; i < edits; i++) {
    const lines = pick(sources).split('\n');
    const at = int(lines.length);
    const line = lines[at]!;
    switch (int(5)) {
      case 0: {
        const p = int(line.length + 1);
        lines[at] = line.slice(0, p) + pick(tokens) + line.slice(p);
        break;
      }
      case 1: {
        const p = int(Math.max(1, line.length));
        lines[at] = line.slice(0, p) + line.slice(p + 1 + int(3));
        break;
      }
      case 2:
        lines.splice(at, 0, line);
        break;
      case 3:
        lines[at] = random() < 0.5 ? ' '.repeat(1 + int(3)) + line : line.replace(/^ {1,3}/, '');
        break;
      default:
        lines.splice(at, 1 + int(3));
    }
    const text = lines.join('\n');
    if (agrees(text, `seed ${seed}, edit ${i}`) === 'taken') taken++;
  }
  // most edits leave plain YAML plain: a reader that gave up on everything would pass the check above vacuously
  assert.ok(taken > edits / 4, `the reader took ${taken} of ${edits} edited texts`);
  assert.ok(nativeTaken > edits / 4, `the C++ reader took ${nativeTaken} texts in all so far`);
});

test('random texts of the constructs the reader takes, in odd spacing: wherever it gives a value, js-yaml gives the same', () => {
  const random = rng(seed + 1);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const words = ['a', 'b c', 'x-y', '0', '012', '1e3', '-1', '.5', '~', 'null', 'True', 'no', 'on', 'http://h:1/p', 'a#b', 'a #b', 'a: b', "it's", 'q"q', '- x', '[x]', '{}', '[]', '', ' ', '\\', '\\n', '\\x41', 'é'];
  const pad = () => ' '.repeat(pick([0, 0, 0, 1, 2]));
  /** A scalar after `key: ` or `- ` whose node sits at column `col`, over one or more lines. */
  const scalar = (col: number): string => {
    const more = ' '.repeat(col + 1 + int(3));
    const blank = () => (random() < 0.3 ? `\n${' '.repeat(int(col + 4))}` : '');
    // mostly what the reader takes; now and then what it must leave (flow content, anchors, tags, folded blocks)
    if (random() < 0.03) return pick(['[a]', '{a: 1}', '&x a', '*x', '!!str a', '? a', '>\n  a']);
    switch (int(5)) {
      case 0:
        return pick(words) + pad();
      case 1:
        return `'${pick(words).replace(/'/g, "''")}${random() < 0.4 ? `${pad()}\n${blank()}${more}${pick(words).replace(/'/g, "''")}` : ''}'${pad()}`;
      case 2:
        return `"${pick(words).replace(/"/g, '\\"')}${random() < 0.4 ? `${pad()}\n${blank()}${more}${pick(words).replace(/"/g, '\\"')}` : ''}"${pad()}`;
      case 3: {
        const lines = Array.from({ length: 1 + int(4) }, () => (random() < 0.2 ? ' '.repeat(int(col + 6)) : `${more}${random() < 0.2 ? '  ' : ''}${pick(words)}`));
        return `${random() < 0.05 ? '|2' : pick(['|', '|-', '|+'])}${pad()}${random() < 0.2 ? ' # c' : ''}\n${lines.join('\n')}${blank()}`;
      }
      default:
        return `${pick(words)}\n${blank()}${more}${pick(words)}`;
    }
  };
  const node = (col: number, depth: number): string => {
    const ind = ' '.repeat(col);
    const n = 1 + int(3);
    const entries: string[] = [];
    const seq = random() < 0.4;
    for (let i = 0; i < n; i++) {
      const key = random() < 0.05 ? pick(['true', '1', 'a b', '"q"', 'k']) : pick(['key', 'a.b/c', 'x-y', '$ref', `k${i}`]);
      const head = seq ? `${ind}-` : `${ind}${key}${pad()}:`;
      if (depth > 0 && random() < 0.4) {
        // a nested node on the next lines, or a compact one after `- `
        if (seq && random() < 0.5) entries.push(`${head} ${node(col + 2, depth - 1).trimStart()}`);
        else entries.push(`${head}${random() < 0.2 ? ' # c' : ''}\n${node(Math.max(0, col + pick([1, 2, 2, 4]) - (seq ? 0 : random() < 0.2 ? 2 : 0)), depth - 1)}`);
      } else entries.push(random() < 0.1 ? head : `${head} ${scalar(col)}`);
    }
    return entries.join(random() < 0.1 ? '\n\n' : random() < 0.1 ? '\n# c\n' : '\n');
  };
  let taken = 0;
  const texts = Number(process.env.MARQUEE_FUZZ_COUNT ?? 3000);
  for (let i = 0; i < texts; i++) {
    const docs = Array.from({ length: 1 + int(2) }, () => node(0, 3));
    const text = (random() < 0.3 ? '---\n' : '') + docs.join('\n---\n') + (random() < 0.8 ? '\n' : '');
    if (agrees(text, `seed ${seed}, text ${i}: ${JSON.stringify(text).slice(0, 300)}`) === 'taken') taken++;
  }
  assert.ok(taken > texts / 10, `the reader took ${taken} of ${texts} texts`);
});

test('loadManifestsAliased: no alias can stand in what the block reader read; js-yaml\'s texts may hold one', () => {
  const plain = loadManifestsAliased('a:\n  b: 1\nc:\n  b: 1\n');
  assert.deepEqual(plain, { values: [{ a: { b: 1 }, c: { b: 1 } }], mayAlias: false });
  const aliased = loadManifestsAliased('a: &x\n  b: 1\nc: *x\n');
  assert.equal(aliased.mayAlias, true);
  const [doc] = aliased.values as { a: object; c: object }[];
  assert.equal(doc!.c, doc!.a);
});

test('keys met again are the keys of the text: 20,000 distinct keys (more than the key cache has slots), in two orders, and keys that differ in one letter', () => {
  const r = rng(17);
  const letters = 'abcdefghijklmnopqrstuvwxyz-.';
  const word = (n: number) => Array.from({ length: n }, () => letters[Math.floor(r() * letters.length)]).join('');
  // each key beside itself one letter longer: a cached key must not stand for a longer one it begins
  const keys = new Set<string>();
  while (keys.size < 20_000) {
    const k = `k${word(3 + Math.floor(r() * 6))}`;
    keys.add(k).add(k + word(1));
  }
  const list = [...keys];
  const text = (order: string[]) => order.map((k, i) => `${k}:\n  ${k}x: ${i}\n`).join('');
  // the same keys again, reversed: each must come back as its own text, whatever slot it shares
  for (const order of [list, [...list].reverse()]) assert.equal(agrees(text(order), 'many keys'), 'taken');
  // a key and the same key one letter off, in turn
  assert.deepEqual(reader.read('type: 1\ntypf: 2\ntype-: 3\nsub:\n  typf: 4\n  type: 5\n'), [{ type: 1, typf: 2, 'type-': 3, sub: { typf: 4, type: 5 } }]);
});

test('a key given twice in one mapping is never taken, whatever the key cache holds: nested mappings reusing the keys, more keys than slots, texts read one after another', () => {
  const r = rng(29);
  const pool = Array.from({ length: 6000 }, (_, i) => `k${i.toString(36)}`);
  const pick = () => pool[Math.floor(r() * pool.length)]!;
  /** A mapping of distinct keys at `indent`, nested now and then; `twice` puts one of its keys in again at the end. */
  const mapping = (indent: string, depth: number, twice: boolean): string => {
    const keys = [...new Set(Array.from({ length: 2 + Math.floor(r() * 30) }, pick))];
    const lines = keys.map((k) => (depth > 0 && r() < 0.3 ? `${indent}${k}:\n${mapping(`${indent}  `, depth - 1, false)}` : `${indent}${k}: ${Math.floor(r() * 100)}`));
    if (twice) lines.push(`${indent}${keys[Math.floor(r() * keys.length)]}: again`);
    return lines.join('\n');
  };
  for (let i = 0; i < 200; i++) {
    const top = mapping('', 2, false);
    assert.equal(agrees(`${top}\n`, `text ${i}`), 'taken');
    // the same keys, now cached, with one given twice: at the top, or in a nested mapping
    const atTop = r() < 0.5;
    const text = atTop ? `${top}\n${mapping('', 2, true)}\n` : `${top.split('\n')[0]!.replace(/: .*$/, ':')}\n${mapping('  ', 1, true)}\n`;
    assert.equal(reader.read(text), undefined, `text ${i}: a duplicate key was taken:\n${text.slice(0, 300)}`);
  }
  // keys Object.prototype has are own keys of the mapping, read or left, as js-yaml makes them
  for (let i = 0; i < 2; i++) assert.notEqual(agrees('constructor: 1\ntoString: 2\nvalueOf:\n  constructor: 3\n', 'prototype keys'), undefined);
});
