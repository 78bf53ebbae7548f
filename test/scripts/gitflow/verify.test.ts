// `promote --verify --env prod` proves that what prod runs was validated in test: the commit
// test ran carries test's own promotion record (rendered digest re-derived, validate `ok`), and
// prod's shared part (everything but overlays/prod/) is byte-identical to that record's tree.
// Each case builds a genuine history in a temporary repository and breaks one link of it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { promote, type PromoteOptions } from '../../../scripts/lib/gitflow/promote.ts';
import { formatVerify, verifyPromotion } from '../../../scripts/lib/gitflow/verify.ts';
import { makeRepo, type TempRepo } from '../../fixtures/argocd/repo.ts';
import { mergePullRequest, pullRequestBody } from '../../helpers/pull-request.ts';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

const svc = 'overlays/test/services/kustomization.yaml';

/** A repository whose develop has one change waiting for test. */
function changed(): TempRepo {
  const repo = makeRepo();
  repos.push(repo);
  repo.commit('develop', 'config', { [svc]: repo.read(svc).replace('      - LOG_LEVEL=info\n', '      - LOG_LEVEL=info\n      - ROUND=1\n') });
  return repo;
}

const step = async (repo: TempRepo, from: 'dev' | 'test', to: 'test' | 'prod', validate: PromoteOptions['validate'] = ['true']) =>
  promote({ root: repo.root, from, to, gh: null, validate, branch: `promote/${from}-${to}` });

test('a genuine history verifies: prod shared part is what test validated, both records re-derived', async () => {
  const repo = changed();
  mergePullRequest(repo, await step(repo, 'dev', 'test'), 'merge');
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'merge');
  const v = await verifyPromotion(repo.root, 'prod');
  assert.deepEqual(v.problems, [], formatVerify(v));
  const text = formatVerify(v);
  assert.match(text, /ok {3}test ran \w{7}; its promotion record \w{7}: dev → test, validate ok \(true\)/);
  assert.match(text, /ok {3}rendered test at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
  assert.match(text, /ok {3}rendered prod at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
});

test('a shared file changed on release after test was promoted into fails naming the file and object, though prod took it through release', async () => {
  const repo = changed();
  mergePullRequest(repo, await step(repo, 'dev', 'test'), 'squash');
  // GIVEN a commit made on release directly (test runs it, but no promotion validated it)
  const deployment = 'base/api-gateway/deployment.yaml';
  repo.commit('release', 'edit base on release', { [deployment]: repo.read(deployment).replace('terminationGracePeriodSeconds: 30\n', 'terminationGracePeriodSeconds: 31\n') });
  // WHEN it is promoted on to prod the ordinary way
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'squash');
  // THEN prod's source is on release, yet verify names what test never validated
  const v = await verifyPromotion(repo.root, 'prod');
  assert.equal(v.problems.length, 1, formatVerify(v));
  assert.match(v.problems[0]!, /^the shared part of main \(prod\) differs from what test validated \(release \w{7}, promotion record\) — changed outside the promotion flow: file\(s\) base\/api-gateway\/deployment\.yaml; object\(s\) Deployment\/marquee-prod\/api-gateway$/);
});

test("fails when test's promotion was not validated: skipped, failing or missing result", async () => {
  const cases: [string, (body: string) => string, RegExp][] = [
    ['skipped', (b) => b, /Marquee-Validate: skipped/],
    ['failing', (b) => b.replace(/^Marquee-Validate: .*$/m, 'Marquee-Validate: failed (npx tsx scripts/validate.ts)'), /Marquee-Validate: failed \(npx tsx scripts\/validate\.ts\)/],
    ['missing', (b) => b.replace(/^Marquee-Validate: .*\n?/m, ''), /Marquee-Validate: missing/],
  ];
  for (const [label, edit, shown] of cases) {
    const repo = changed();
    const r = await step(repo, 'dev', 'test', label === 'skipped' ? 'skip' : ['true']);
    const body = edit(pullRequestBody(r));
    if (label !== 'skipped') assert.notEqual(body, pullRequestBody(r), `${label}: the edit applies`);
    mergePullRequest(repo, r, 'squash', body);
    mergePullRequest(repo, await step(repo, 'test', 'prod'), 'squash');
    const v = await verifyPromotion(repo.root, 'prod');
    assert.equal(v.problems.length, 1, `${label}: ${formatVerify(v)}`);
    assert.match(v.problems[0]!, /^the promotion into test \(\w{7}\) was not validated \(/, label);
    assert.match(v.problems[0]!, shown, label);
  }
});

test('fails when what test ran carries no promotion record into test (develop merged by hand)', async () => {
  const repo = changed();
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'merge develop by hand', 'develop');
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'merge');
  const v = await verifyPromotion(repo.root, 'prod');
  assert.equal(v.problems.length, 1, formatVerify(v));
  assert.match(v.problems[0]!, /^release \w{7} \(what test ran\) carries no promotion record into test \(Marquee-Promotion: … -> test\): nothing shows it was validated in test$/);
});
