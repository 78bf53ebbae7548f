// The full Gitflow cycle in temporary repositories, as a newcomer runs it from
// docs/delivery.md: three rounds of change on develop → promote dev→test → merge the
// pull request → promote test→prod → merge, once with merge commits, once with squash
// merges, once with rebase merges; a hotfix on main in the second round is caught,
// back-merged, and the next round is clean. After every round validate --branches
// has nothing waiting and no findings, and promote says plainly there is nothing to promote.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { promote, PromoteError, formatPromotion, type PromoteResult } from '../../../scripts/lib/gitflow/promote.ts';
import { checkBranches } from '../../../scripts/lib/gitflow/branches.ts';
import { formatVerify, prepareRollback, verifyPromotion } from '../../../scripts/lib/gitflow/verify.ts';
import { makeRepo, type TempRepo } from '../../fixtures/argocd/repo.ts';
import { mergePullRequest, type MergeStyle } from '../../helpers/pull-request.ts';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

const svc = 'overlays/test/services/kustomization.yaml';
const prodSvc = 'overlays/prod/services/kustomization.yaml';

async function assertClean(repo: TempRepo, label: string): Promise<void> {
  const b = await checkBranches(repo.root);
  assert.deepEqual(b.findings, [], `${label}: no findings`);
  assert.deepEqual(
    b.environments.map((e) => [e.env, e.waitingPaths.length, e.hotfixes.length]),
    [['dev', 0, 0], ['test', 0, 0], ['prod', 0, 0]],
    `${label}: nothing waiting`,
  );
  for (const [from, to] of [['dev', 'test'], ['test', 'prod']] as const) {
    const r = await promote({ root: repo.root, from, to, gh: null, validate: 'skip' });
    assert.equal(r.upToDate, true, `${label}: ${from} → ${to} has nothing to promote`);
    assert.match(formatPromotion(r, from, to), /^promote: nothing to promote: /);
  }
}

async function cycle(style: MergeStyle): Promise<void> {
  const repo = makeRepo();
  repos.push(repo);
  const original = repo.read(svc);
  let n = 0;
  const step = async (from: 'dev' | 'test', to: 'test' | 'prod') => {
    repo.git('checkout', '--quiet', 'main');
    const r = await promote({ root: repo.root, from, to, gh: null, validate: ['true'], branch: `promote/${from}-to-${to}-${++n}` });
    assert.equal(r.upToDate, false);
    assert.ok(r.evidence?.some((l) => l.startsWith('Marquee-Rendered: ')), 'the record carries a rendered digest');
    mergePullRequest(repo, r, style);
    return r;
  };
  for (const round of [1, 2, 3]) {
    // the same line changes every round: a stale merge base (squash, rebase) must not conflict
    repo.commit('develop', `round ${round}: config`, { [svc]: original.replace('      - LOG_LEVEL=info\n', `      - LOG_LEVEL=info\n      - ROUND=${round}\n`) });
    const toTest = await step('dev', 'test');
    assert.ok(toTest.commits.some((c) => c.subject === `round ${round}: config`), `round ${round}: the change is promoted`);
    const mid = await checkBranches(repo.root);
    assert.deepEqual(mid.findings, [], `${style} round ${round}: the promotion into test is not a hotfix`);
    assert.deepEqual(mid.environments.map((e) => e.waitingPaths), [[], [], [svc]], `${style} round ${round}: test's change waits for prod`);
    await step('test', 'prod');
    if (round === 2) {
      // GIVEN a hotfix on main
      const fix = repo.commit('main', 'hotfix: prod log level', { [prodSvc]: repo.read(prodSvc).replace('LOG_LEVEL=', 'HOTFIX=1\n      - LOG_LEVEL=') });
      // THEN validate --branches names it, and promote test → prod refuses naming it
      const b = await checkBranches(repo.root);
      assert.deepEqual(b.findings.map((f) => [f.rule, f.file]), [['branches/hotfix', prodSvc]]);
      assert.match(b.findings[0]!.message, new RegExp(`^main \\(prod\\) has content that release \\(test\\) never had — a hotfix not back-merged: ${prodSvc} \\(${fix.slice(0, 7)} hotfix: prod log level\\)`));
      repo.commit('release', 'unrelated test change', { 'notes/test.txt': 'x\n' });
      await assert.rejects(promote({ root: repo.root, from: 'test', to: 'prod', gh: null, validate: 'skip' }), (e: unknown) => e instanceof PromoteError && e.message.includes(prodSvc) && e.message.includes(fix.slice(0, 7)));
      // WHEN it is back-merged as the finding's hint says (release, then develop)
      repo.git('checkout', '--quiet', 'release');
      repo.git('merge', '--quiet', '--no-ff', '-m', 'back-merge main', 'main');
      repo.git('checkout', '--quiet', 'develop');
      repo.git('merge', '--quiet', '--no-ff', '-m', 'back-merge release', 'release');
      // THEN nothing is a hotfix any more; what develop holds waits for test and prod
      const c = await checkBranches(repo.root);
      assert.deepEqual(c.findings, [], `${style}: the back-merge resolves the hotfix`);
      // develop got everything of release by the back-merge: nothing to promote into test
      assert.equal((await promote({ root: repo.root, from: 'dev', to: 'test', gh: null, validate: 'skip' })).upToDate, true);
      await step('test', 'prod');
    }
    await assertClean(repo, `${style} round ${round}`);
    // what prod and test run came through the environment before, validated there — except
    // after round 2, where a commit made on release itself went to prod with the back-merge
    for (const env of ['test', 'prod'] as const) {
      const v = await verifyPromotion(repo.root, env);
      if (round === 2) assert.match(v.problems.join('\n'), /changed outside the promotion flow: file\(s\) (\S+, )*notes\/test\.txt/, `${style} round 2 ${env}: ${formatVerify(v)}`);
      else assert.deepEqual(v.problems, [], `${style} round ${round} ${env}: ${formatVerify(v)}`);
    }
  }
}

for (const style of ['merge', 'squash', 'rebase'] as const)
  test(`three rounds with ${style} merges and a hotfix in between end clean every round`, () => cycle(style));

test('--verify proves prod came through test (merge, squash, rebase); a shared-part edit on main fails naming file and object; --rollback restores the last verified promotion', async () => {
  for (const style of ['merge', 'squash', 'rebase'] as const) {
    const repo = makeRepo();
    repos.push(repo);
    assert.deepEqual((await verifyPromotion(repo.root, 'prod')).problems.map((p) => p.split(' (')[0]), ['main'], 'no record yet');
    repo.commit('develop', 'config', { [svc]: repo.read(svc).replace('      - LOG_LEVEL=info\n', '      - LOG_LEVEL=info\n      - ROUND=1\n') });
    for (const [from, to] of [['dev', 'test'], ['test', 'prod']] as const) {
      const r = await promote({ root: repo.root, from, to, gh: null, validate: ['true'], branch: `promote/${from}-${to}` });
      mergePullRequest(repo, r, style);
    }
    const ok = await verifyPromotion(repo.root, 'prod');
    assert.deepEqual(ok.problems, [], `${style}: ${formatVerify(ok)}`);
    assert.equal(ok.record?.from, 'test');
    assert.equal(ok.record?.source, repo.git('rev-parse', 'release').trim());
    assert.match(formatVerify(ok), /ok {3}rendered prod at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
    assert.match(formatVerify(ok), /ok {3}shared part of main \(everything but overlays\/prod\/\) is byte-identical to what test validated \(release \w{7}, promotion record\)/);
    // GIVEN the shared part changed on main outside the flow
    const deployment = 'base/api-gateway/deployment.yaml';
    const before = repo.read(deployment);
    assert.match(before, /terminationGracePeriodSeconds: 30\n/);
    repo.commit('main', 'edit base on main', { [deployment]: before.replace('terminationGracePeriodSeconds: 30\n', 'terminationGracePeriodSeconds: 31\n') });
    const bad = await verifyPromotion(repo.root, 'prod');
    assert.equal(bad.problems.length, 1, formatVerify(bad));
    assert.match(bad.problems[0]!, new RegExp(`changed outside the promotion flow: file\\(s\\) ${deployment.replace(/\./g, '\\.')}; object\\(s\\) Deployment/marquee-prod/api-gateway`));
    // WHEN rollback is prepared and its pull request merged
    const rb = await prepareRollback(repo.root, 'prod', { branch: 'rollback/prod' });
    assert.equal(rb.to.commit, ok.record!.commit);
    assert.match(rb.next[1]!, /^gh pr create --base main --head rollback\/prod --title 'Roll back prod to the promotion \w{7}/);
    repo.git('checkout', '--quiet', 'main');
    repo.git('merge', '--quiet', '--ff-only', 'rollback/prod');
    // THEN prod verifies again and the branches are clean
    const again = await verifyPromotion(repo.root, 'prod');
    assert.deepEqual(again.problems, [], formatVerify(again));
    assert.equal(repo.read(deployment), before);
    assert.deepEqual((await checkBranches(repo.root)).findings, []);
  }
});
