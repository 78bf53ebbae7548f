// validate against the environment's branch: a change of an immutable field (what the API server
// refuses on update, policies/apiserver/immutable.ts) is an error on the overlay line that made it.
// On a temporary Git repository whose develop branch holds this repository's HEAD. A cluster's
// platform overlay is compared with the branch its platform Application tracks (platformBranchFor).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { platformBranchFor } from '../../../generators/argocd/delivery.ts';
import { environments } from '../../../generators/environments.ts';
import { validateRepo } from '../../../scripts/lib/validate/index.ts';
import { freshRepos, type TempRepo } from '../../fixtures/argocd/repo.ts';

const fresh = freshRepos();

const volumePatch = 'overlays/dev/data/patches/postgres-volume.yaml';
const edit = (repo: TempRepo, file: string, from: string, to: string) => {
  const text = readFileSync(join(repo.root, file), 'utf8');
  assert.ok(text.includes(from), `${file} no longer holds ${from}`);
  writeFileSync(join(repo.root, file), text.replace(from, to));
};
const immutable = (r: Awaited<ReturnType<typeof validateRepo>>) => r.findings.filter((f) => f.rule === 'apiserver/immutable');

describe('immutable fields against the branch', () => {
  test('growing a StatefulSet volumeClaimTemplate in dev is refused, on the patch line', async () => {
    const repo = fresh();
    repo.git('checkout', '--quiet', 'develop');
    edit(repo, volumePatch, 'value: 5Gi', 'value: 10Gi');
    const r = await validateRepo({ root: repo.root, envs: ['dev'], skipAppSets: true });
    const [f, ...more] = immutable(r);
    assert.ok(f, `no apiserver/immutable finding; got ${r.findings.map((x) => x.rule).join(', ')}`);
    assert.deepEqual(more, []);
    assert.equal(f.severity, 'error');
    assert.equal(f.object, 'StatefulSet/marquee-dev/postgres');
    assert.equal(f.file, volumePatch);
    assert.equal(f.line, 5);
    assert.equal(f.path, 'spec.volumeClaimTemplates[0].spec.resources.requests.storage');
    assert.match(f.message, /would be refused on update: spec\.volumeClaimTemplates: updates to statefulset spec .* \(ValidateStatefulSetUpdate\); develop \([0-9a-f]{7}\)/);
    assert.match(f.hint ?? '', /Replace=true/);
    // Run again: the branch render comes from the cache, the finding is the same.
    const again = await validateRepo({ root: repo.root, envs: ['dev'], skipAppSets: true });
    assert.deepEqual(immutable(again), [f]);
  });

  test('the branch as it is: nothing to report', async () => {
    const repo = fresh();
    repo.git('checkout', '--quiet', 'develop');
    const r = await validateRepo({ root: repo.root, envs: ['dev'], skipAppSets: true });
    assert.deepEqual(immutable(r), []);
    assert.ok(!r.notes.some((n) => n.includes('immutable fields of dev')), r.notes.join('\n'));
  });

  test('a mutable change (an HPA bound) is not reported', async () => {
    const repo = fresh();
    repo.git('checkout', '--quiet', 'develop');
    edit(repo, 'overlays/dev/services/patches/scaling-edge.yaml', 'value: 2', 'value: 3');
    const r = await validateRepo({ root: repo.root, envs: ['dev'], skipAppSets: true });
    assert.deepEqual(immutable(r), []);
  });

  test('without the branch (a fresh clone): skipped with a note', async () => {
    const repo = fresh(['release']); // no develop
    edit(repo, volumePatch, 'value: 5Gi', 'value: 10Gi');
    const r = await validateRepo({ root: repo.root, envs: ['dev'], skipAppSets: true });
    assert.deepEqual(immutable(r), []);
    assert.ok(r.notes.some((n) => /immutable fields of dev: branch develop is not here/.test(n)), r.notes.join('\n'));
  });

  // test's own branch (release) is not the one its cluster's platform Application tracks (develop):
  // the platform overlay is compared with the latter.
  const platformBranch = platformBranchFor(environments.test.cluster);
  test('a platform overlay is compared with the branch its Application tracks, not its environments\'', async () => {
    assert.notEqual(platformBranch, environments.test.branch, 'the contract changed: pick an environment whose branch is not its platform\'s');
    const repo = fresh();
    const prometheus = 'base/monitoring/prometheus/stateful-set.yaml';
    // what Argo CD applied on nonprod's platform: a bigger Prometheus volume than this checkout has
    const grown = repo.read(prometheus).replace('storage: 20Gi', 'storage: 30Gi');
    repo.commit(platformBranch, 'platform: 30Gi for Prometheus', { [prometheus]: grown });
    repo.git('checkout', '--quiet', environments.test.branch);
    const r = await validateRepo({ root: repo.root, envs: ['test'], skipAppSets: true });
    const [f, ...more] = immutable(r);
    assert.ok(f, `no apiserver/immutable finding; got ${r.findings.map((x) => x.rule).join(', ')}`);
    assert.deepEqual(more, []);
    assert.equal(f.target, `platform/${environments.test.cluster}`);
    assert.equal(f.object, 'StatefulSet/monitoring/prometheus');
    assert.equal(f.file, prometheus);
    assert.equal(f.path, 'spec.volumeClaimTemplates[0].spec.resources.requests.storage');
    assert.match(f.message, new RegExp(`; ${platformBranch} \\([0-9a-f]{7}\\), what Argo CD applied`));
  });

  test('without the platform branch: skipped with a note naming it', async () => {
    const repo = fresh([environments.test.branch]); // test's branch, not its platform's
    repo.git('checkout', '--quiet', environments.test.branch);
    const r = await validateRepo({ root: repo.root, envs: ['test'], skipAppSets: true });
    assert.deepEqual(immutable(r), []);
    const note = `immutable fields of platform/${environments.test.cluster}: branch ${platformBranch} is not here (git fetch origin ${platformBranch}:${platformBranch}); not compared`;
    assert.ok(r.notes.includes(note), r.notes.join('\n'));
  });
});
