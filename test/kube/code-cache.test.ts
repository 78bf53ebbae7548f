// requireCached and saveCodeCaches (kube/code-cache.mjs): a bundle's CommonJS files loaded with V8's code cache. Each
// load runs in a fresh node process (a thread loads a file once), which prints what it required and how many caches
// it then wrote: 0 when every file came from a cache V8 took.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const codeCache = fileURLToPath(new URL('../../kube/code-cache.mjs', import.meta.url));

/**
 * require `file` through requireCached in a new node process, run `between` (JavaScript), then save: its exports (JSON)
 * and the caches written
 */
function load(file: string, flags: string[] = [], between = ''): { exports: unknown; written: number } {
  const script = `import { requireCached, saveCodeCaches } from ${JSON.stringify(codeCache)};
const exports = requireCached(${JSON.stringify(file)});
const value = typeof exports.run === 'function' ? exports.run() : exports;
${between}
console.log(JSON.stringify({ exports: value, written: saveCodeCaches().written }));`;
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `the child loading ${file} exited ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { exports: unknown; written: number };
}

const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort();

describe('requireCached', () => {
  const root = mkdtempSync(join(tmpdir(), 'marquee-code-cache-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a bundle file and the files it requires load with the caches the first run wrote, where they lie', () => {
    const dir = join(root, 'bundle');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    const first = load(join(dir, 'entry-4IHT4Q4Y.cjs'));
    // the entry requires the shared file (which requires the entry back: a cycle) and node:path, an outside module
    assert.deepEqual(first.exports, { sum: 42, sep: '/', cycle: 'entry loading', name: 'entry-4IHT4Q4Y.cjs' });
    assert.equal(first.written, 2);
    const written = caches(dir);
    assert.equal(written.length, 2, `caches: ${written.join(', ')}`);
    assert.match(written[0]!, /^entry-4IHT4Q4Y\.cjs\.\d+\.v8cache$/);
    for (const c of written) assert.ok(!readFileSync(join(dir, c)).includes(root), `${c} names the folder it was made in`);
    // a second run takes both caches and writes none
    assert.deepEqual(load(join(dir, 'entry-4IHT4Q4Y.cjs')), { exports: first.exports, written: 0 });
    // the bundle and its caches copied elsewhere: still taken, and nothing in them names where they lay (V8 keeps the
    // name a script was compiled under: a stack trace would name the first folder)
    const moved = join(root, 'moved');
    cpSync(dir, moved, { recursive: true });
    assert.deepEqual(load(join(moved, 'entry-4IHT4Q4Y.cjs')), { exports: first.exports, written: 0 });
  });

  test('a source changed at the same length runs as it now reads, and its cache is written again', () => {
    const dir = join(root, 'same-length');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    const file = join(dir, 'shared-3VH5DKTK.cjs');
    assert.deepEqual(load(join(dir, 'entry-4IHT4Q4Y.cjs')).exports, { sum: 42, sep: '/', cycle: 'entry loading', name: 'entry-4IHT4Q4Y.cjs' });
    const before = readFileSync(file, 'utf8');
    const after = before.replace('return a + b;', 'return a * b;');
    assert.equal(after.length, before.length);
    assert.notEqual(after, before);
    writeFileSync(file, after);
    // V8 checks only a source's length: without the digest, the old code would run (42, not 21 * 21)
    assert.deepEqual(load(join(dir, 'entry-4IHT4Q4Y.cjs')), { exports: { sum: 441, sep: '/', cycle: 'entry loading', name: 'entry-4IHT4Q4Y.cjs' }, written: 1 });
    assert.deepEqual(load(join(dir, 'entry-4IHT4Q4Y.cjs')), { exports: { sum: 441, sep: '/', cycle: 'entry loading', name: 'entry-4IHT4Q4Y.cjs' }, written: 0 });
  });

  test('V8 flags that change its code select another cache, beside the first', () => {
    const dir = join(root, 'flags');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs')).written, 2);
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), ['--no-lazy-feedback-allocation']).written, 2);
    assert.equal(caches(dir).length, 4);
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs')).written, 0);
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), ['--no-lazy-feedback-allocation']).written, 0);
  });

  test('a file compiled before a V8 flag changed gets no cache (V8 would refuse it under the flags it is loaded with)', () => {
    const dir = join(root, 'flag-changed');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    const setFlag = "(await import('node:v8')).setFlagsFromString('--interrupt-budget=400000');";
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), [], setFlag).written, 0);
    assert.deepEqual(caches(dir), []);
    // given on the command line instead, the flag is there when the file is compiled
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), ['--interrupt-budget=400000'], setFlag).written, 2);
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), ['--interrupt-budget=400000']).written, 0);
  });

  test('any copy of the module in a thread writes the caches of the files another copy loaded (a bundle holds its own copy)', () => {
    const dir = join(root, 'copies');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    // a second copy of the module, as a bundle that bundled it holds one: it saves before the copy that loaded the files
    const second = `const copy = await import(${JSON.stringify(`${pathToFileURL(codeCache).href}?copy`)}); if (copy.saveCodeCaches().written !== 2) process.exit(3);`;
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs'), [], second).written, 0, 'the second copy wrote both caches, so the first had none left to write');
    assert.equal(caches(dir).length, 2);
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs')).written, 0);
  });

  test('a cache file that is not V8\'s is refused and written again', () => {
    const dir = join(root, 'broken');
    cpSync(fileURLToPath(new URL('../fixtures/code-cache', import.meta.url)), dir, { recursive: true });
    load(join(dir, 'entry-4IHT4Q4Y.cjs'));
    for (const c of caches(dir)) {
      const data = readFileSync(join(dir, c));
      // the digest kept, V8's data garbled
      data.fill(0xa5, 20);
      writeFileSync(join(dir, c), data);
    }
    assert.deepEqual(load(join(dir, 'entry-4IHT4Q4Y.cjs')), { exports: { sum: 42, sep: '/', cycle: 'entry loading', name: 'entry-4IHT4Q4Y.cjs' }, written: 2 });
    assert.equal(load(join(dir, 'entry-4IHT4Q4Y.cjs')).written, 0);
  });
});
