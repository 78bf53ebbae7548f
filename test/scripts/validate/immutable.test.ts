// validate against the environment's branch: a change of an immutable field (what the API server
// refuses on update, policies/apiserver/immutable.ts) is an error on the overlay line that made it.
// On a temporary Git repository whose develop branch holds this repository's HEAD.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
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
});
