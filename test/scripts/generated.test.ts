// Drift detection, with and without the cache that skips running the generators.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, generatedRoots } from '../../generators/index.ts';
import { checkDrift, GENERATOR_INPUTS, inputsKey } from '../../scripts/lib/generated.ts';
import { applyEdits, copyRepo, removeRepo, repoRoot } from '../helpers/repo-copy.ts';
import { regions } from '../../generators/repo-files.ts';

const run = async () => ({ files: generate(), roots: generatedRoots });

test('drift: a clean tree is cached; overlay edits keep the cache; generated-file edits and stray files are found', async () => {
  const dir = copyRepo();
  try {
    // The cache is found by content, from any checkout (every copy of the outputs looks alike): a
    // generator input no run has seen makes this copy's first check a real one.
    mkdirSync(join(dir, 'generators'), { recursive: true });
    writeFileSync(join(dir, 'generators/drift-test-nonce.ts'), `// ${randomUUID()}\n`);
    const first = await checkDrift(dir, run);
    assert.deepEqual(first.drift, { changed: [], missing: [], stale: [] });
    assert.equal(first.cached, false);
    assert.equal((await checkDrift(dir, run)).cached, true, 'second clean run should not run the generators');

    applyEdits(dir, [{ file: 'overlays/dev/services/kustomization.yaml', replace: ['LOG_LEVEL=debug', 'LOG_LEVEL=info'] }]);
    assert.equal((await checkDrift(dir, run)).cached, true, 'editing an overlay must not invalidate the drift cache');

    applyEdits(dir, [{ file: 'base/inventory/service.yaml', replace: ['type: ClusterIP', 'type: NodePort'] }]);
    const edited = await checkDrift(dir, run);
    assert.equal(edited.cached, false);
    assert.deepEqual(edited.drift.changed, ['base/inventory/service.yaml']);

    applyEdits(dir, [{ file: 'base/inventory/service.yaml', replace: ['type: NodePort', 'type: ClusterIP'] }]);
    mkdirSync(join(dir, 'base/stray'), { recursive: true });
    writeFileSync(join(dir, 'base/stray/config.yaml'), 'a: 1\n');
    assert.deepEqual((await checkDrift(dir, run)).drift.stale, ['base/stray/config.yaml']);
  } finally {
    removeRepo(dir);
  }
});

test('drift cache: keyed by content, not by where the checkout lives (a moved copy is still a hit)', async () => {
  const dir = copyRepo();
  const moved = `${dir}-moved`;
  try {
    await checkDrift(dir, run);
    assert.equal((await checkDrift(dir, run)).cached, true, 'second clean run should not run the generators');
    renameSync(dir, moved);
    assert.equal((await checkDrift(moved, run)).cached, true, 'the same tree in another folder must not run the generators again');
  } finally {
    removeRepo(dir);
    removeRepo(moved);
  }
});

test('drift cache key: covers generator inputs, ignores overlays and outputs', () => {
  const dir = copyRepo();
  try {
    mkdirSync(join(dir, 'apps/contract/src'), { recursive: true });
    writeFileSync(join(dir, 'apps/contract/src/index.ts'), 'export const a = 1;\n');
    const outputs = new Set(generate().keys());
    const key = inputsKey(dir, outputs, generatedRoots);
    applyEdits(dir, [{ file: 'overlays/prod/services/patches/ingress.yaml', append: '# note\n' }]);
    applyEdits(dir, [{ file: 'base/web/service.yaml', append: '# hand edit\n' }]);
    mkdirSync(join(dir, '.scratch'));
    writeFileSync(join(dir, '.scratch/profile.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'todo\n');
    assert.equal(inputsKey(dir, outputs, generatedRoots), key, 'overlays, stray files and generated outputs are not generator inputs');
    applyEdits(dir, [{ file: 'apps/contract/src/index.ts', replace: ['a = 1', 'a = 2'] }]);
    assert.notEqual(inputsKey(dir, outputs, generatedRoots), key, 'a change to the contract must invalidate the cache');
  } finally {
    removeRepo(dir);
  }
});

test('the generators read nothing outside GENERATOR_INPUTS (the drift cache key)', () => {
  // Run them from a copy that holds only those inputs (node_modules linked): any
  // other file they read would be missing there, and the output would differ or fail.
  const dir = mkdtempSync(join(tmpdir(), 'marquee-geninputs-'));
  try {
    for (const name of GENERATOR_INPUTS) cpSync(join(repoRoot, name), join(dir, name), { recursive: true, filter: (src) => !src.includes('/node_modules') });
    // Files with generated regions are outputs that carry their own hand-written text: the
    // generators read them, and the cache compares them whole (an edit anywhere is a miss).
    for (const name of Object.keys(regions)) cpSync(join(repoRoot, name), join(dir, name));
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    const digest = (root: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(join(root, 'generators/index.ts'))}).then((g) => { const h = require('node:crypto').createHash('sha256'); for (const [p, c] of [...g.generate()].sort()) h.update(p + '\\0' + c + '\\0'); console.log(h.digest('hex')); })`], { cwd: root, encoding: 'utf8' }).trim();
    assert.equal(digest(dir), digest(repoRoot));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
