// The C++ first pass of files mode (native/files-scan): sizes as statSync gives them, and the input's CRD files as
// crdFilesOf (scripts/lib/validate/files.ts, the same pass in JavaScript) finds them: one file per distinct content,
// its last copy, in the order of the contents' last copies.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import scanner from '@marquee/files-scan-native';
import { filesUnder, WALK_SKIPS } from '../../../scripts/lib/plumbing/files.ts';
import { crdFilesOf } from '../../../scripts/lib/validate/files.ts';

const corpus = resolve(import.meta.dirname, '../../corpus/real-manifests');
const MARK = 'CustomResourceDefinition';

describe('files-scan (native/files-scan)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-scan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('npm ci built it', () => {
    assert.ok(scanner, 'native/files-scan/build/Release/files_scan.node is missing: run npm ci (it needs g++, make and python3)');
  });

  /** The jobs of every YAML or JSON file under `root`, with their sizes (statSync's). */
  const jobsUnder = (root: string) =>
    filesUnder(root)
      .filter((f) => /\.(ya?ml|json)$/i.test(f))
      .map((file) => ({ file, abs: join(root, file), size: statSync(join(root, file)).size }));
  const native = async (jobs: readonly { abs: string; size: number }[], keep: number) => {
    const found = await scanner!.lastCopiesHolding(jobs.map((j) => j.abs), Float64Array.from(jobs, (j) => j.size), MARK, keep);
    return found && Array.from(found, (i) => jobs[i]!.abs);
  };

  test("the corpus three times over, one CRD file changed in the middle copy at its size: crdFilesOf's files, whether the contents are kept or read again", async () => {
    const root = join(dir, 'copies');
    for (const c of ['a', 'b', 'c']) cpSync(corpus, join(root, c), { recursive: true });
    const changed = join(root, 'b/argocd/crds/application-crd.yaml');
    const text = readFileSync(changed, 'utf8');
    writeFileSync(changed, text.replace('name: applications.argoproj.io', 'name: applicationz.argoproj.io'));
    assert.equal(statSync(changed).size, Buffer.byteLength(text), 'the changed file keeps its size');
    const jobs = jobsUnder(root);
    const expected = crdFilesOf(jobs);
    assert.ok(expected.includes(changed), 'the changed copy is a content of its own');
    assert.ok(expected.length > 10, `the corpus's CRD files are found (${expected.length})`);
    assert.deepEqual(await native(jobs, 64 * 1024 * 1024), expected);
    assert.deepEqual(await native(jobs, 0), expected, 'nothing kept: every comparison reads the earlier file again');
    assert.deepEqual(await native(jobs, 2 * 1024 * 1024), expected, 'some kept, the rest read again');
  });

  test('the order is that of each content\'s last copy; a file without the mark, or of another size, is none of them', async () => {
    const root = join(dir, 'order');
    mkdirSync(root);
    const crd = (group: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: ${MARK}\nmetadata:\n  name: things.${group}\n`;
    const files: [string, string][] = [['1.yaml', crd('aa.io')], ['2.yaml', crd('bb.io')], ['3.yaml', 'apiVersion: v1\nkind: ConfigMap\n'], ['4.yaml', crd('aa.io')], ['5.yaml', `${crd('aa.io')}# longer\n`]];
    for (const [f, t] of files) writeFileSync(join(root, f), t);
    const jobs = files.map(([file]) => ({ file, abs: join(root, file), size: statSync(join(root, file)).size }));
    const expected = ['2.yaml', '4.yaml', '5.yaml'].map((f) => join(root, f));
    assert.deepEqual(crdFilesOf(jobs), expected);
    for (const keep of [0, 1e6]) assert.deepEqual(await native(jobs, keep), expected);
    assert.deepEqual(await native([], 0), [], 'no files');
  });

  test('sizes are statSync\'s, -1 for a path that is missing or not a regular file; a file gone before the scan makes it answer null', async () => {
    const root = join(dir, 'sizes');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.yaml'), 'x: 1\n');
    writeFileSync(join(root, 'empty.yaml'), '');
    const paths = ['a.yaml', 'empty.yaml', 'missing.yaml', 'sub'].map((f) => join(root, f));
    assert.deepEqual([...scanner!.sizes(paths)], [5, 0, -1, -1]);
    const jobs = [{ abs: join(root, 'a.yaml'), size: 5 }, { abs: join(root, 'missing.yaml'), size: 5 }];
    assert.equal(await scanner!.lastCopiesHolding(jobs.map((j) => j.abs), Float64Array.from(jobs, (j) => j.size), MARK, 0), null);
    assert.throws(() => crdFilesOf(jobs.map((j) => ({ ...j, file: j.abs }))), /ENOENT/, 'crdFilesOf, which files mode then calls, says why');
  });

  describe('list: the walk of filesUnder, kept to some names, with sizes', () => {
    const SUFFIXES = ['.yaml', '.yml', '.json'];
    /** filesUnder's answer for the same walk, written out independently of the addon: names, then statSync's sizes */
    const expected = (root: string, skip = WALK_SKIPS) => {
      const files = filesUnder(root, skip).filter((f) => /\.(ya?ml|json)$/i.test(f));
      return { files, sizes: files.map((f) => statSync(join(root, f)).size) };
    };
    const listed = (root: string, skip: readonly string[] = [...WALK_SKIPS], max = 200_000) => {
      const r = scanner!.list(root, skip, SUFFIXES, max);
      if (r.tooLarge) return r;
      const order = r.files.map((_, i) => i).sort((a, b) => (r.files[a]! < r.files[b]! ? -1 : r.files[a]! > r.files[b]! ? 1 : 0));
      return { files: order.map((i) => r.files[i]!), sizes: order.map((i) => r.sizes[i]!) };
    };

    test('the corpus: the same files as filesUnder, with statSync\'s sizes', () => {
      const want = expected(corpus);
      assert.ok(want.files.length > 100, `the corpus's manifests (${want.files.length})`);
      assert.deepEqual(listed(corpus), want);
    });

    test('links to files are listed with their targets\' sizes; links to folders, loops and dangling links are not followed; skipped names are skipped at any depth; suffixes in any case', () => {
      const root = join(dir, 'walk');
      mkdirSync(join(root, 'a/b/node_modules/pkg'), { recursive: true });
      mkdirSync(join(root, '.git'), { recursive: true });
      mkdirSync(join(root, 'dir.yaml'), { recursive: true });
      mkdirSync(join(root, 'outside'), { recursive: true });
      const files: [string, string][] = [
        ['top.yaml', 'a: 1\n'],
        ['UPPER.YAML', 'b: 22\n'],
        ['mixed.Yml', 'c: 333\n'],
        ['data.JSON', '{}'],
        ['README.md', '# no\n'],
        ['noext', 'x'],
        ['.yaml', 'hidden: 1\n'],
        ['a/b/deep.yml', 'd: 4444\n'],
        ['a/b/node_modules/pkg/skipped.yaml', 'e: 1\n'],
        ['.git/config.yaml', 'f: 1\n'],
        ['dir.yaml/inside.json', '[1, 2]'],
        ['outside/target.yaml', 'target: with a longer text\n'],
      ];
      for (const [f, t] of files) writeFileSync(join(root, f), t);
      symlinkSync(join(root, 'outside/target.yaml'), join(root, 'a/link.yaml'));
      symlinkSync(join(root, 'outside'), join(root, 'a/dirlink.yaml'));
      symlinkSync(root, join(root, 'a/b/loop'));
      symlinkSync(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
      const want = expected(root);
      assert.deepEqual(want.files, ['.yaml', 'UPPER.YAML', 'a/b/deep.yml', 'a/link.yaml', 'data.JSON', 'dir.yaml/inside.json', 'mixed.Yml', 'outside/target.yaml', 'top.yaml'], 'filesUnder itself');
      assert.equal(want.sizes[want.files.indexOf('a/link.yaml')], Buffer.byteLength('target: with a longer text\n'), "a link's size is its target's");
      assert.deepEqual(listed(root), want);
      assert.deepEqual(listed(root, []), expected(root, new Set()), 'nothing skipped: node_modules and .git are walked too');
      // a link given as the root is followed, as readdirSync follows it
      symlinkSync(join(root, 'a'), join(dir, 'rootlink'));
      assert.deepEqual(listed(join(dir, 'rootlink')), expected(join(dir, 'rootlink')));
      assert.deepEqual(listed(join(dir, 'no-such-folder')), { files: [], sizes: [] }, 'a missing root lists nothing, as filesUnder');
    });

    test('every entry seen counts against maxEntries, as MAX_WALK_ENTRIES counts in filesUnder', () => {
      const root = join(dir, 'count');
      mkdirSync(join(root, 'sub'), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(join(root, 'sub', `f${i}.txt`), '');
      writeFileSync(join(root, 'x.yaml'), 'x: 1\n');
      // entries: sub, x.yaml, and five files in sub: seven in all, whatever their names
      assert.deepEqual(listed(root, [...WALK_SKIPS], 7), { files: ['x.yaml'], sizes: [5] });
      assert.deepEqual(listed(root, [...WALK_SKIPS], 6), { tooLarge: true });
    });

    test('stopAtBytes: the walk stops once the files listed hold that many bytes, counting files up to countBytesUpTo', () => {
      const root = join(dir, 'stop');
      mkdirSync(root, { recursive: true });
      // sizes 10, 20, 30, 40 and one of 1000 that is not counted below
      for (const [f, n] of [['a.yaml', 10], ['b.yaml', 20], ['c.yaml', 30], ['d.yaml', 40], ['big.yaml', 1000]] as const) writeFileSync(join(root, f), 'x'.repeat(n));
      const all = scanner!.list(root, [], SUFFIXES, 100);
      assert.ok(!all.tooLarge && !all.stopped && all.files.length === 5, 'no bound: the whole folder');
      const order = all.tooLarge ? [] : [...all.sizes];
      // the bytes counted after each file, in the walk's order: the walk stops at the first that reaches the bound
      const counted = order.map((n) => (n <= 100 ? n : 0)).map((n, i, a) => a.slice(0, i + 1).reduce((x, y) => x + y, 0));
      const stopAt = 50;
      const r = scanner!.list(root, [], SUFFIXES, 100, stopAt, 100);
      assert.ok(!r.tooLarge);
      assert.equal(r.stopped, true);
      assert.equal(r.files.length, counted.findIndex((c) => c >= stopAt) + 1);
      assert.deepEqual([...r.sizes], order.slice(0, r.files.length));
      const under = scanner!.list(root, [], SUFFIXES, 100, 101, 100);
      assert.ok(!under.tooLarge && !under.stopped && under.files.length === 5, '100 bytes counted in all: never 101');
    });
  });

  test('bad arguments are a TypeError, not a crash', () => {
    assert.throws(() => scanner!.list(1 as never, [], [], 10), TypeError);
    assert.throws(() => scanner!.list('.', 'x' as never, [], 10), TypeError);
    assert.throws(() => scanner!.sizes('x' as never), TypeError);
    assert.throws(() => scanner!.lastCopiesHolding(['a'], new Float64Array(2), MARK, 0), TypeError);
  });
});
