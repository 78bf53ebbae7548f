// End to end: a temporary repository with develop, release and main; the generated
// ApplicationSets expanded offline against those branches and a fixture of PRs,
// every Application built with kustomize and checked against its AppProject.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { previewApplicationSets, checkApplicationSets } from '../../../scripts/lib/argocd/preview.ts';
import { parsePullRequests } from '../../../scripts/lib/argocd/format.ts';
import { makeRepo, repoRoot } from '../../fixtures/argocd/repo.ts';

const repo = makeRepo();
after(() => repo.cleanup());

test('tracked revisions: every environment reads its own branch, PRs their head commit; all Applications build and are permitted', async () => {
  const devHead = repo.commit('develop', 'dev: a change only develop has', { 'overlays/dev/services/NOTE.md': 'develop only\n' });
  const releaseHead = repo.git('rev-parse', 'release').trim();
  const prs = parsePullRequests(parse(readFileSync(`${repoRoot}/test/fixtures/argocd/prs.yaml`, 'utf8')), 'prs.yaml').map((p) => ({ ...p, headSha: 'develop' }));
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', prs, revisions: 'tracked' });
  assert.deepEqual(r.findings, []);
  const byName = new Map(r.applications.map((a) => [a.name, a]));
  assert.deepEqual(
    [...byName.keys()].sort(),
    [
      'marquee-bootstrap',
      'marquee-cnpg-nonprod', 'marquee-cnpg-prod',
      'marquee-dev-data', 'marquee-dev-services',
      'marquee-platform-nonprod', 'marquee-platform-prod',
      'marquee-pr-101', 'marquee-pr-102',
      'marquee-prod-data', 'marquee-prod-services',
      'marquee-test-data', 'marquee-test-services',
    ],
    'PR 103 (no preview label), 104 (targets release) and 99 (closed) generate nothing',
  );
  assert.match(byName.get('marquee-dev-services')!.readFrom!, new RegExp(`^develop@${devHead.slice(0, 7)}`));
  assert.match(byName.get('marquee-test-data')!.readFrom!, new RegExp(`^release@${releaseHead.slice(0, 7)}`));
  assert.match(byName.get('marquee-platform-prod')!.readFrom!, /^main@/);
  const pr = byName.get('marquee-pr-101')!;
  assert.equal(pr.application.spec.source.targetRevision, devHead, 'head_sha is the resolved commit');
  assert.equal(pr.application.spec.destination.namespace, 'marquee-pr-101');
  assert.equal(pr.application.metadata.labels['marquee.dev/pull-request'], '101');
  for (const a of r.applications) {
    assert.ok(a.objects! > 0, `${a.name} rendered objects`);
    assert.deepEqual(a.problems, []);
  }
  assert.equal(byName.get('marquee-dev-data')!.application.spec.project, 'marquee-dev');
  assert.equal(byName.get('marquee-prod-services')!.application.spec.destination.server, 'https://prod.k8s.marquee.internal');
});

test('pinned revisions (the validate hook): everything is read from the one branch, a synthetic PR exercises the preview overlay', async () => {
  const r = await previewApplicationSets({ root: repo.root, branch: 'release', kustomize: false });
  assert.deepEqual(r.findings, []);
  assert.ok(r.applications.every((a) => a.readFrom?.startsWith('release@')));
  assert.ok(r.applications.some((a) => a.name === 'marquee-pr-0'));
  assert.deepEqual(await checkApplicationSets({ root: repo.root, branch: 'release', kustomize: false }), []);
});
