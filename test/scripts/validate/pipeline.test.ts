// The repository pipeline's scoping: `validate --env <name>` judges only what it rendered.
import assert from 'node:assert/strict';
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
