// The repository pipeline's scoping: `validate --env <name>` judges only what it rendered.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { validateRepo } from '../../../scripts/lib/validate/index.ts';
import { copyRepo, removeRepo } from '../../helpers/repo-copy.ts';

const dir = copyRepo();
after(() => removeRepo(dir));

test('--env dev: exemptions for prod are not "unmatched" (prod was not rendered); --env prod alone has no warning for --strict to fail on', async () => {
  const dev = await validateRepo({ root: dir, envs: ['dev'], skipAppSets: true });
  const unmatched = dev.findings.filter((f) => f.rule === 'exemption/unmatched');
  assert.deepEqual(unmatched.map((f) => f.message), []);
  assert.equal(dev.summary.errors, 0);
  // The same exemptions are judged, and match, when prod is rendered.
  const prod = await validateRepo({ root: dir, envs: ['prod'], skipAppSets: true });
  assert.deepEqual(prod.findings.filter((f) => f.rule.startsWith('exemption/')).map((f) => f.message), []);
  assert.equal(prod.summary.errors, 0);
  assert.equal(prod.summary.warnings, 0, prod.findings.map((f) => `${f.rule} ${f.message}`).join('\n'));
});

test('an environment that did not render (a kustomize refusal) has its exemptions not judged "unmatched": the one error is all that is reported', async () => {
  const file = join(dir, 'overlays/prod/services/kustomization.yaml');
  const original = readFileSync(file, 'utf8');
  assert.match(original, /^patches:/m);
  writeFileSync(file, original.replace(/^patches:/m, 'patchs:'));
  try {
    const r = await validateRepo({ root: dir, skipAppSets: true, immutable: false });
    const errors = r.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => [f.file, f.rule]), [['overlays/prod/services/kustomization.yaml', 'kustomize']]);
    assert.match(errors[0]!.message, /unknown kustomization field "patchs"/);
    // prod's exemptions (policies/exemptions.ts) cover digest pinning of its workloads: prod had no objects to match
    assert.deepEqual(r.findings.filter((f) => f.rule.startsWith('exemption/')).map((f) => f.message), []);
  } finally {
    writeFileSync(file, original);
  }
  // with prod rendering again, the same exemptions are judged and all match (the first test's --env prod, in full)
  const again = await validateRepo({ root: dir, skipAppSets: true, immutable: false });
  assert.deepEqual(again.findings.filter((f) => f.rule.startsWith('exemption/')).map((f) => f.message), []);
  assert.equal(again.summary.errors, 0);
});
