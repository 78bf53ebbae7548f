// validate's Argo CD step with one environment selected (`--env prod`): Applications of
// the environments left out are expanded and checked, but their paths are not built,
// so one environment never costs more than the whole repository.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWorkingTree } from '../../../scripts/lib/argocd/check.ts';
import { defaultTargets } from '../../../scripts/lib/kustomize/index.ts';
import { makeRepo } from '../../fixtures/argocd/repo.ts';

const repo = makeRepo();
after(() => repo.cleanup());

test('--env prod: a broken dev overlay is out of scope (not built, no finding); with dev selected it is reported', async () => {
  // GIVEN dev's data overlay no longer builds
  writeFileSync(join(repo.root, 'overlays/dev/data/kustomization.yaml'), 'resources:\n  - ../../../base/does-not-exist\n');
  const all = defaultTargets(repo.root);
  const prod = all.filter((t) => t.env === 'prod' || t.path === 'overlays/platform/prod');
  assert.ok(prod.length >= 2, 'prod and its platform overlay are default targets');
  // WHEN only prod is selected THEN the Argo CD step neither builds dev nor reports it
  const prodOnly = (await checkWorkingTree(repo.root, prod))([]);
  assert.deepEqual(prodOnly.filter((f) => f.rule === 'argocd/kustomize-failed'), []);
  // The dev Application itself is still expanded and checked (no expansion finding either).
  assert.deepEqual(prodOnly.filter((f) => f.rule !== 'argocd/project-denies-resource'), []);
});
