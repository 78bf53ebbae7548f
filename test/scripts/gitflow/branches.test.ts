// Gitflow guardrails on a temporary repository: ancestry main ⊆ release ⊆ develop,
// commits waiting per environment, missing branches.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkBranches, formatBranchReport } from '../../../scripts/lib/gitflow/branches.ts';
import { makeRepo, type TempRepo } from '../../fixtures/argocd/repo.ts';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
const fresh = (branches?: string[]) => {
  const r = makeRepo(branches ? { branches } : {});
  repos.push(r);
  return r;
};

test('in sync: no findings, nothing waiting', async () => {
  const repo = fresh();
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.environments.map((e) => [e.env, e.branch, e.waiting.length, e.notBackMerged.length]), [
    ['dev', 'develop', 0, 0],
    ['test', 'release', 0, 0],
    ['prod', 'main', 0, 0],
  ]);
});

test('commits on develop wait for test, commits on release wait for prod', async () => {
  const repo = fresh();
  const a = repo.commit('develop', 'feature A', { 'a.txt': 'a\n' });
  repo.commit('develop', 'feature B', { 'b.txt': 'b\n' });
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--ff-only', a);
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings, []);
  const [dev, tst, prod] = r.environments;
  assert.equal(dev!.waiting.length, 0);
  assert.deepEqual(tst!.waiting.map((c) => c.subject), ['feature B']);
  assert.deepEqual(prod!.waiting.map((c) => c.subject), ['feature A']);
  assert.match(formatBranchReport(r), /test\s+release\s+\w{7}\s+1 commit\(s\) waiting from dev: \w{7} feature B/);
});

test('a hotfix on main that release lacks breaks ancestry, naming the commit and the back-merge', async () => {
  const repo = fresh();
  const fix = repo.commit('main', 'hotfix: gateway timeout', { 'fix.txt': 'x\n' });
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings.map((f) => f.rule), ['branches/ancestry']);
  assert.match(r.findings[0]!.message, new RegExp(`main \\(prod\\) has 1 commit\\(s\\) that release \\(test\\) lacks.*${fix.slice(0, 7)} hotfix: gateway timeout`));
  assert.equal(r.findings[0]!.hint, 'git checkout release && git merge --no-ff main');
  // Back-merged into release only: now develop lacks it.
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'back-merge', 'main');
  const r2 = await checkBranches(repo.root);
  assert.deepEqual(r2.findings.map((f) => f.rule), ['branches/ancestry']);
  assert.match(r2.findings[0]!.message, /^release \(test\) has 2 commit\(s\) that develop \(dev\) lacks/);
});

test('a missing environment branch is reported; branches known only as origin/<b> count', async () => {
  const repo = fresh(['develop']);
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings.map((f) => f.rule), ['branches/missing']);
  assert.match(r.findings[0]!.message, /branch release \(environment test\)/);
  repo.git('update-ref', 'refs/remotes/origin/release', 'main');
  assert.deepEqual((await checkBranches(repo.root)).findings, []);
});
