// The caches under node_modules/.cache/marquee are keyed by the code that computes their
// values (codeDigest of the owning module and everything it imports), never by a hand-bumped
// version or by where the checkout lives: in a copy of the code, editing a policy changes the
// key of validate's repository-policy cache, editing what a cached computation imports makes
// the next run compute afresh, and moving the checkout keeps every entry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { codeDigest } from '../../../scripts/lib/plumbing/code.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

/** A throw-away checkout of the code, packages linked except `yaml`, which places the cache: the copy gets its own. */
function checkout(parent: string): string {
  const dir = join(parent, 'checkout');
  for (const d of ['scripts', 'generators', 'policies', 'kube', 'apps', 'package.json', 'tsconfig.json'])
    cpSync(join(repoRoot, d), join(dir, d), { recursive: true, filter: (src) => !src.includes('node_modules') });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(repoRoot, 'node_modules')))
    if (name === 'yaml') cpSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
    else if (name !== '.cache') symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
  return dir;
}

/** Run a TypeScript snippet inside the checkout `dir` and return what it prints as JSON. */
function inCheckout(dir: string, file: string, code: string): any {
  writeFileSync(join(dir, file), code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${file} in ${dir}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The key of validate's repository-policy cache (scripts/lib/validate/pipeline.ts): the policies' code. */
const policiesDigest = (dir: string): string =>
  inCheckout(
    dir,
    'scripts/lib/digest-probe.ts',
    `import { codeDigest } from './plumbing/code.ts';\nconsole.log(JSON.stringify(codeDigest(new URL('../../policies/index.ts', import.meta.url).href)));\n`,
  );

/** A KeyedCache owned by a probe module whose value comes from another module it imports. */
const probe = (dir: string): { value: string; computed: boolean; version: string } => {
  return inCheckout(
    dir,
    'scripts/lib/cache-probe.ts',
    [
      `import { readFileSync } from 'node:fs';`,
      `import { cacheFile, KeyedCache } from './plumbing/cache.ts';`,
      `import { answer } from './cache-probe-answer.ts';`,
      `const cache = new KeyedCache<string>('cache-probe.json', import.meta.url);`,
      `let computed = false;`,
      `const value = cache.memo('question', () => ((computed = true), answer));`,
      `cache.save();`,
      `const { version } = JSON.parse(readFileSync(cacheFile('cache-probe.json'), 'utf8'));`,
      `console.log(JSON.stringify({ value, computed, version }));`,
      '',
    ].join('\n'),
  );
};

describe('caches keyed by code', () => {
  let parent: string;
  let dir: string;
  before(() => {
    parent = mkdtempSync(join(tmpdir(), 'marquee-cache-'));
    dir = checkout(parent);
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('the repository-policy cache key: the same in a copy and after a move, new when a policy changes', () => {
    const here = codeDigest(pathToFileURL(join(repoRoot, 'policies/index.ts')).href);
    assert.equal(policiesDigest(dir), here, 'a copy of the same code has the same key');
    const moved = join(parent, 'moved');
    renameSync(dir, moved);
    try {
      assert.equal(policiesDigest(moved), here, 'moving the checkout keeps the key');
      const policy = join(moved, 'policies/gitops/no-remote-bases.ts');
      const before = readFileSync(policy, 'utf8');
      const edited = before.replace("id: 'gitops/no-remote-bases',", "id: 'gitops/no-remote-bases',\n    severity: 'warning',");
      assert.notEqual(edited, before, 'the edit applies');
      writeFileSync(policy, edited);
      assert.notEqual(policiesDigest(moved), here, 'an edited policy (imported by policies/index.ts) changes the key');
    } finally {
      renameSync(moved, dir);
    }
  });

  it('a cached value is recomputed when the code it comes from changes, and kept when the checkout moves', () => {
    writeFileSync(join(dir, 'scripts/lib/cache-probe-answer.ts'), `export const answer = 'one';\n`);
    const first = probe(dir);
    assert.deepEqual([first.value, first.computed], ['one', true]);
    const again = probe(dir);
    assert.deepEqual([again.value, again.computed], ['one', false], 'unchanged code: a hit');

    const moved = join(parent, 'moved');
    renameSync(dir, moved);
    try {
      const afterMove = probe(moved);
      assert.deepEqual([afterMove.value, afterMove.computed, afterMove.version], ['one', false, first.version], 'moved checkout: still a hit');

      writeFileSync(join(moved, 'scripts/lib/cache-probe-answer.ts'), `export const answer = 'two';\n`);
      const edited = probe(moved);
      assert.deepEqual([edited.value, edited.computed], ['two', true], 'an edit to an imported module must not serve the old value');
      assert.notEqual(edited.version, first.version);
    } finally {
      renameSync(moved, dir);
    }
  });

  it('refuses a hand-written version string', () => {
    const out = inCheckout(
      dir,
      'scripts/lib/version-probe.ts',
      `import { KeyedCache } from './plumbing/cache.ts';\ntry { new KeyedCache('x.json', 'v2'); console.log('"accepted"'); } catch (e) { console.log(JSON.stringify((e as Error).message)); }\n`,
    );
    assert.match(out, /KeyedCache x\.json: code must be the import\.meta\.url/);
  });
});
