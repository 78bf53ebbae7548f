// The C++ plain-block reader (native/yaml-block) reads whatever files mode is given: hostile bytes must never make it
// read or write out of bounds, whatever they are. Built here a second time with AddressSanitizer and
// UndefinedBehaviorSanitizer (g++'s), it reads every YAML file of the corpus and the repository cut short at random
// points and with random bytes changed, each from a buffer of exactly its size (every third as files mode reads a file
// it only checks, a CRD's repeated schema nodes shared, and every CRD file whole that way too); any error the sanitizers find aborts
// the child process, and JSON.parse must take every JSON text the reader writes.
//   MARQUEE_FUZZ_SEED=<n>   replay (the seed is printed)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/repo-copy.ts';

const work = mkdtempSync(join(tmpdir(), 'marquee-yaml-native-asan-'));
after(() => rmSync(work, { recursive: true, force: true }));

const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`yaml-native sanitizer fuzz seed ${seed} (replay: MARQUEE_FUZZ_SEED=${seed})`);

/** npm's own node-gyp (what `npm ci` builds the addon with) and the headers of the Node that runs this test. */
function nodeGyp(): { script: string; nodedir: string } {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const script = join(npmRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js');
  const nodedir = resolve(dirname(process.execPath), '..');
  assert.ok(existsSync(script), `npm's node-gyp is not at ${script}`);
  assert.ok(existsSync(join(nodedir, 'include/node/node_api.h')), `no Node headers under ${nodedir}/include/node (the kind of machine this repository runs on has them)`);
  return { script, nodedir };
}

test('the reader, built with AddressSanitizer and UBSan, reads cut and changed files without a memory error', { timeout: 300_000 }, () => {
  const src = join(repoRoot, 'native/yaml-block');
  const dir = join(work, 'yaml-block');
  for (const f of ['binding.gyp', 'package.json', 'index.cjs', 'src']) cpSync(join(src, f), join(dir, f), { recursive: true });
  const gyp = JSON.parse(readFileSync(join(dir, 'binding.gyp'), 'utf8'));
  gyp.targets[0].cflags_cc = ['-fexceptions', '-std=c++17', '-O1', '-g', '-fno-omit-frame-pointer', '-fsanitize=address,undefined', '-fno-sanitize-recover=all'];
  gyp.targets[0].ldflags = ['-fsanitize=address,undefined'];
  writeFileSync(join(dir, 'binding.gyp'), JSON.stringify(gyp));
  const { script, nodedir } = nodeGyp();
  const build = spawnSync(process.execPath, [script, 'rebuild', `--nodedir=${nodedir}`], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  assert.equal(build.status, 0, `node-gyp rebuild (sanitizers) failed:\n${build.stderr.slice(-2000)}`);

  const runtime = (lib: string) => execFileSync('g++', [`-print-file-name=${lib}`], { encoding: 'utf8' }).trim();
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => join(repoRoot, f));
  const fuzz = `
    const { readFileSync } = require('node:fs');
    const addon = require(${JSON.stringify(join(dir, 'build/Release/yaml_block.node'))});
    addon.words(['yes', 'no', 'on']);
    const files = ${JSON.stringify(files)};
    let seed = ${seed}, texts = 0, taken = 0, sharing = 0;
    /** does one object stand in two places (the reader's SharedNodes, with leaveOutSchemaDocs)? */
    const shares = (values) => {
      const seen = new Set();
      const stack = [...values];
      while (stack.length) {
        const v = stack.pop();
        if (!v || typeof v !== 'object') continue;
        if (seen.has(v)) return true;
        seen.add(v);
        for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
      }
      return false;
    };
    const rnd = (k) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed % k; };
    // bytes that steer the reader: indentation, line ends, indicators, quotes, escapes, UTF-8 lead and BOM bytes, NUL, tab, CR
    const odd = [0x20, 0x0a, 0x3a, 0x23, 0x2d, 0x27, 0x22, 0x5c, 0x7c, 0x2b, 0x5b, 0x5d, 0x7b, 0x7d, 0xc3, 0xa9, 0xe4, 0xb8, 0xef, 0xbb, 0xbf, 0xed, 0xa0, 0xf0, 0x00, 0x09, 0x0d, 0x2e, 0x30, 0x75, 0x7e];
    const syntax = [0x2d, 0x3a, 0x22, 0x27, 0x7c, 0x23, 0x20, 0x0a, 0x5c, 0x5b, 0x7b, 0x2e, 0x2b];
    for (const f of files) {
      const whole = readFileSync(f);
      if (whole.includes('kind: CustomResourceDefinition')) {
        // the whole file too, as files mode reads a CRD it only checks (from a buffer of exactly its size)
        const b = Buffer.alloc(whole.length);
        whole.copy(b);
        const values = addon.read(b, 100, true);
        if (values !== undefined && shares(values)) sharing++;
      }
      for (let i = 0; i < 12; i++) {
        // every other cut just after a byte the reader looks past (an indicator, a quote, a backslash, a space): where
        // a read one byte too far would land outside the buffer
        let end = rnd(whole.length + 1);
        if (i % 2) while (end < whole.length && !syntax.includes(whole[end - 1])) end++;
        const cut = whole.subarray(0, end);
        const b = Buffer.alloc(cut.length);
        cut.copy(b);
        for (let k = rnd(4); k > 0 && b.length; k--) b[rnd(b.length)] = odd[rnd(odd.length)];
        texts++;
        // every third text as files mode reads one it only checks: a CRD's schema descriptions left out, its repeated nodes shared
        const values = addon.read(b, 5 + rnd(400), i % 3 === 0);
        if (values !== undefined) taken++;
        if (values !== undefined && i % 3 === 0 && shares(values)) sharing++;
      }
    }
    console.log(JSON.stringify({ texts, taken, sharing }));
  `;
  const run = spawnSync(process.execPath, ['-e', fuzz], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, LD_PRELOAD: `${runtime('libasan.so')}:${runtime('libubsan.so')}`, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `seed ${seed}: the sanitized reader failed (signal ${run.signal}):\n${run.stderr.slice(-4000)}`);
  assert.doesNotMatch(run.stderr, /AddressSanitizer|runtime error/, run.stderr.slice(-4000));
  const { texts, taken, sharing } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { texts: number; taken: number; sharing: number };
  // the reader took many of them (a reader that refused every text would pass vacuously), and shared nodes in some
  assert.ok(texts > 3000 && taken > texts / 8, `took ${taken} of ${texts} texts`);
  assert.ok(sharing > 25, `shared nodes in ${sharing} texts`);
});
