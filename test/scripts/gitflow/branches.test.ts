// Gitflow guardrails on a temporary repository: content of main ⊆ release ⊆ develop (hotfixes named by file),
// commits waiting per environment, missing branches.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { branchesJson, checkBranches, formatBranchReport } from '../../../scripts/lib/gitflow/branches.ts';
import { toJson, toJunit, toSarif } from '../../../scripts/lib/validate/output.ts';
import { freshRepos } from '../../fixtures/argocd/repo.ts';

const fresh = freshRepos();

test('in sync: no findings, nothing waiting', async () => {
  const repo = fresh();
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.environments.map((e) => [e.env, e.branch, e.waitingPaths.length, e.hotfixes.length]), [
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
  assert.deepEqual(tst!.waitingPaths, ['b.txt']);
  assert.deepEqual(prod!.waiting.map((c) => c.subject), ['feature A']);
  assert.deepEqual(prod!.waitingPaths, ['a.txt']);
  assert.match(formatBranchReport(r), /test\s+release\s+\w{7}\s+1 file\(s\) waiting from dev \(1 commit\(s\): \w{7} feature B\)/);
});

test('a hotfix on main that release lacks is named by file and commit, with the back-merge', async () => {
  const repo = fresh();
  const fix = repo.commit('main', 'hotfix: gateway timeout', { 'fix.txt': 'x\n' });
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings.map((f) => [f.rule, f.file]), [['branches/hotfix', 'fix.txt']]);
  assert.match(r.findings[0]!.message, new RegExp(`^main \\(prod\\) has content that release \\(test\\) never had — a hotfix not back-merged: fix\\.txt \\(${fix.slice(0, 7)} hotfix: gateway timeout\\)$`));
  assert.equal(r.findings[0]!.hint, 'git checkout release && git merge --no-ff main');
  // Back-merged into release only: now develop lacks it.
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'back-merge', 'main');
  const r2 = await checkBranches(repo.root);
  assert.deepEqual(r2.findings.map((f) => [f.rule, f.file]), [['branches/hotfix', 'fix.txt']]);
  assert.match(r2.findings[0]!.message, new RegExp(`^release \\(test\\) has content that develop \\(dev\\) never had — a hotfix not back-merged: fix\\.txt \\(${fix.slice(0, 7)} hotfix: gateway timeout\\)$`));
  // The back-merge commit itself is content develop had (nothing of its own): once develop has it, all clean.
  repo.git('checkout', '--quiet', 'develop');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'back-merge', 'release');
  assert.deepEqual((await checkBranches(repo.root)).findings, []);
});

test('a squash-merged promotion is not a hotfix; a file version develop never had is, even with a later develop change', async () => {
  const repo = fresh();
  repo.commit('develop', 'v1', { 'app.txt': 'line 1\nv1\n' });
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--squash', 'develop');
  repo.git('commit', '--quiet', '-m', 'Promote (squashed)');
  repo.commit('develop', 'v2', { 'app.txt': 'line 1\nv2\n' });
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings, [], 'a squash copy of v1 with develop at v2 (a stale merge base) is waiting, not a hotfix');
  assert.deepEqual(r.environments[1]!.waitingPaths, ['app.txt']);
  const fix = repo.commit('release', 'hotfix on release', { 'app.txt': 'line 1\nv1-fixed\n' });
  const r2 = await checkBranches(repo.root);
  assert.deepEqual(r2.findings.map((f) => [f.rule, f.file]), [['branches/hotfix', 'app.txt']]);
  assert.match(r2.findings[0]!.message, new RegExp(`${fix.slice(0, 7)} hotfix on release`));
});

test('a missing environment branch is reported; branches known only as origin/<b> count', async () => {
  const repo = fresh(['develop']);
  const r = await checkBranches(repo.root);
  assert.deepEqual(r.findings.map((f) => f.rule), ['branches/missing']);
  assert.match(r.findings[0]!.message, /branch release \(environment test\)/);
  repo.git('update-ref', 'refs/remotes/origin/release', 'main');
  assert.deepEqual((await checkBranches(repo.root)).findings, []);
});

test('validate --format json carries the branch data; SARIF and JUnit carry the hotfix finding with its file', async () => {
  const repo = fresh();
  repo.commit('develop', 'feature', { 'feature.txt': 'f\n' });
  const fix = repo.commit('main', 'hotfix: gateway timeout', { 'fix.txt': 'x\n' });
  const r = await checkBranches(repo.root);
  const summary = { environments: 3, targets: 3, resources: 0, errors: r.findings.length, warnings: 0, seconds: 0 };
  const json = JSON.parse(toJson(r.findings, summary, { branches: branchesJson(r) }));
  assert.deepEqual(
    json.branches.map((e: any) => [e.env, e.branch, e.from, e.waitingPaths, e.waiting.map((c: any) => c.subject), e.hotfixes.map((h: any) => [h.path, h.commits.map((c: any) => c.sha)])]),
    [
      ['dev', 'develop', null, [], [], []],
      ['test', 'release', 'dev', ['feature.txt'], ['feature'], []],
      ['prod', 'main', 'test', [], [], [['fix.txt', [fix]]]],
    ],
  );
  assert.equal(json.findings[0].rule, 'branches/hotfix');
  const sarif = JSON.parse(toSarif(r.findings)).runs[0].results;
  assert.deepEqual(sarif.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri]), [['branches/hotfix', 'error', 'fix.txt']]);
  assert.match(toJunit(r.findings, summary, ['dev', 'branches']), /<testsuite name="branches" tests="1" failures="1" skipped="0">\n {4}<testcase classname="branches" name="branches\/hotfix" file="fix\.txt"><failure message="main \(prod\) has content/);
  // nothing wrong: the branches suite passes and JSON still lists the environments
  const clean = await checkBranches(fresh().root);
  assert.match(toJunit(clean.findings, summary, ['branches']), /<testcase classname="branches" name="branches renders and validates"\/>/);
  assert.equal(JSON.parse(toJson([], summary, { branches: branchesJson(clean) })).branches.length, 3);
});
