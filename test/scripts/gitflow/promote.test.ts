// Promotion by merge on temporary repositories: the promotion branch, validation,
// the rendered summary, pushing and the pull request, and every refusal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promote, PromoteError, formatPromotion, type PromoteOptions } from '../../../scripts/lib/gitflow/promote.ts';
import { kustomizeBinary } from '../../../scripts/lib/kustomize/index.ts';
import { freshRepos, repoRoot, type TempRepo } from '../../fixtures/argocd/repo.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = freshRepos();
const now = new Date('2026-11-22T03:00:00Z');
const base = (repo: TempRepo, o: Partial<PromoteOptions> = {}): PromoteOptions => ({ root: repo.root, from: 'dev', to: 'test', gh: null, now, validate: 'skip', ...o });
const refuses = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof PromoteError && re.test((e as Error).message));
const promotionBranches = (repo: TempRepo) => repo.git('branch', '--list', 'promote/*').trim();
const worktrees = (repo: TempRepo) => repo.git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;

test('dev → test: a merge branch off release, validated, with what changes in test (images, replicas, config)', async () => {
  const repo = fresh();
  const svc = 'overlays/test/services/kustomization.yaml';
  repo.commit('develop', 'test: inventory 1.5.0', { [svc]: repo.read(svc).replace(/(inventory\n\s+newTag: )\S+/, '$11.5.0') });
  repo.commit('develop', 'test: scale the APIs and tune config', {
    'overlays/test/services/patches/scaling-apis.yaml': repo.read('overlays/test/services/patches/scaling-apis.yaml').replace(/(maxReplicas\n\s+value: )\d+/, '$15'),
    'overlays/test/services/kustomization.yaml': repo.read('overlays/test/services/kustomization.yaml').replace('      - LOG_LEVEL=info\n', '      - LOG_LEVEL=info\n      - PROMOTED=yes\n'),
  });
  repo.git('checkout', '--quiet', 'main');
  const head = repo.git('rev-parse', 'HEAD').trim();
  const releaseBefore = repo.git('rev-parse', 'release').trim();

  const r = await promote(base(repo, { validate: 'auto' }));
  assert.equal(r.upToDate, false);
  assert.equal(r.branch, 'promote/dev-to-test-20261122-030000');
  assert.deepEqual(r.commits.map((c) => c.subject), ['test: scale the APIs and tune config', 'test: inventory 1.5.0']);
  assert.ok(r.validation?.ok);
  assert.match(r.validation!.command, /scripts\/validate\.ts not found/, 'the temporary repository has no validate pipeline');
  assert.deepEqual(r.changes.map((c) => c.target), ['test'], 'release deploys only the test environment');
  const t = r.changes[0]!;
  assert.ok(t.images.some((i) => i.workload === 'Deployment/inventory' && i.container === 'inventory' && i.repository === 'ghcr.io/marquee-shop/inventory' && i.after === '1.5.0'), JSON.stringify(t.images));
  // values old → new, exactly as npm run diff prints them (the same engine)
  const text = formatPromotion(r, 'dev', 'test');
  assert.match(text, /\n {2}~ HorizontalPodAutoscaler\/marquee-test\/inventory\n {6}spec\.maxReplicas: \d+ → 5\n/, text);
  assert.match(text, /\n {2}~ ConfigMap\/marquee-test\/[\w-]+-config\n {6}data\.PROMOTED: \+ yes\n/, text);
  assert.match(text, /Image tags\n {2}test {2}Deployment\/inventory {2}inventory {2}ghcr\.io\/marquee-shop\/inventory {2}\S+ → 1\.5\.0\n/, text);
  assert.deepEqual(t.added, []);
  assert.equal(r.next[0], `git push -u origin ${r.branch}`);
  // the body file is this checkout's own (two promotions at once never share one), named after the branch
  const bodyFile = /--body-file (\S+)$/.exec(r.next[1]!)?.[1] ?? '';
  assert.equal(r.next[1], `gh pr create --base release --head ${r.branch} --title 'Promote dev → test (2 commits)' --body-file ${bodyFile}`);
  assert.equal(dirname(bodyFile), tmpdir());
  assert.match(basename(bodyFile), new RegExp(`^marquee-[0-9a-f]{8}-${r.branch.replace(/\//g, '-')}\\.md$`));
  assert.match(readFileSync(bodyFile, 'utf8'), /## Commits\n/);
  // The promotion branch: one commit on release (a single parent, so a rebase merge keeps it)
  // holding develop's tree, the source named in its record; nothing else moved.
  assert.equal(repo.git('rev-list', '--parents', '-n', '1', r.branch).trim(), `${r.record} ${releaseBefore}`);
  assert.equal(repo.git('rev-parse', `${r.branch}^{tree}`).trim(), repo.git('rev-parse', 'develop^{tree}').trim());
  assert.ok(r.evidence?.includes(`Marquee-Source: develop ${repo.git('rev-parse', 'develop').trim()}`), r.evidence?.join('\n'));
  assert.equal(repo.git('rev-parse', 'release').trim(), releaseBefore);
  assert.equal(repo.git('rev-parse', 'HEAD').trim(), head);
  assert.equal(repo.git('symbolic-ref', '--short', 'HEAD').trim(), 'main', "the caller's checkout is untouched");
  assert.equal(worktrees(repo), 1, 'the temporary worktree is gone');
  assert.match(text, /what changes where Argo CD deploys from release:\nImage tags\n/);
});

test('refusals: dirty tree, missing branch, skipping an environment, unknown environment', async () => {
  const repo = fresh();
  repo.git('checkout', '--quiet', 'main');
  writeFileSync(join(repo.root, 'scratch.txt'), 'x');
  await refuses(promote(base(repo)), /the working tree is dirty \(1 change\(s\): scratch\.txt\); commit or stash first/);
  rmSync(join(repo.root, 'scratch.txt'));
  await refuses(promote(base(repo, { to: 'prod' })), /cannot promote dev → prod: promotions go one step along dev → test → prod \(from dev the next is test\)/);
  await refuses(promote(base(repo, { from: 'prod', to: 'dev' })), /prod is the last environment/);
  await refuses(promote(base(repo, { to: 'staging' })), /--to staging: unknown environment/);
  const partial = fresh(['develop']);
  partial.git('checkout', '--quiet', 'main');
  await refuses(promote(base(partial)), /branch\(es\) release missing/);
  assert.equal(promotionBranches(repo), '');
});

test('a hotfix on the target that the source lacks is refused unless included; nothing to promote is not an error', async () => {
  const repo = fresh();
  assert.equal((await promote(base(repo))).upToDate, true);
  const fix = repo.commit('release', 'hotfix: test-only fix', { 'fix.txt': 'x\n' });
  repo.commit('develop', 'feature', { 'feature.txt': 'y\n' });
  await refuses(promote(base(repo)), new RegExp(`release \\(test\\) has content that develop \\(dev\\) never had — a hotfix not back-merged: fix\\.txt\\n  ${fix.slice(0, 7)} hotfix: test-only fix\\nback-merge first`));
  assert.equal(promotionBranches(repo), '');
  const r = await promote(base(repo, { includeTargetCommits: true }));
  assert.deepEqual(r.targetOnly.map((c) => c.sha), [fix]);
  assert.deepEqual(r.commits.map((c) => c.subject), ['feature']);
  assert.match(formatPromotion(r, 'dev', 'test'), /kept from release \(not on develop; back-merge them\)/);
});

test('a merge conflict or a failing validation refuses and leaves no branch or worktree behind', async () => {
  const repo = fresh();
  repo.commit('release', 'release edits the note', { 'NOTE.md': 'release\n' });
  repo.commit('develop', 'develop edits the note', { 'NOTE.md': 'develop\n' });
  await refuses(promote(base(repo, { includeTargetCommits: true })), /merging develop into release conflicts in NOTE\.md/);
  assert.equal(promotionBranches(repo), '');
  assert.equal(worktrees(repo), 1);

  const broken = fresh();
  broken.commit('develop', 'break test data', { 'overlays/test/data/kustomization.yaml': 'resources:\n  - ../../../base/nope\n' });
  await refuses(promote(base(broken, { validate: [kustomizeBinary(), 'build', 'overlays/test'] })), /validation of the promoted tree failed \(.*build overlays\/test\):\n.*nope/s);
  assert.equal(promotionBranches(broken), '');
  assert.equal(worktrees(broken), 1);
});

test('validate is the promoted tree\'s own scripts/validate.ts when it has one (run with this checkout\'s packages)', async () => {
  const repo = fresh();
  const script = (exit: number) =>
    `import { services } from '@marquee/contract';\nimport { parse } from 'yaml';\nconsole.log('validated', Object.keys(services).length, typeof parse);\nprocess.exit(${exit});\n`;
  repo.commit('develop', 'a validate pipeline that passes', { 'scripts/validate.ts': script(0), 'apps/contract/package.json': '{"name":"@marquee/contract","type":"module","main":"src/index.ts"}', 'apps/contract/src/index.ts': 'export const services = { only: 1 };\n' });
  const ok = await promote(base(repo, { validate: 'auto' }));
  assert.equal(ok.validation?.command, 'npx tsx scripts/validate.ts');
  assert.match(ok.validation!.output, /validated 1 function/, "@marquee/* resolves to the promoted tree's apps/, other packages to this checkout's");
  repo.commit('develop', 'validate now fails', { 'scripts/validate.ts': script(1) });
  await refuses(promote(base(repo, { validate: 'auto', branch: 'promote/fails' })), /validation of the promoted tree failed \(npx tsx scripts\/validate\.ts\):\nvalidated/);
  assert.equal(repo.git('branch', '--list', 'promote/fails').trim(), '');
});

test('--push pushes the branch and opens the pull request with gh; without gh it prints the command', async () => {
  const repo = fresh();
  const remote = mkdtempSync(join(tmpdir(), 'marquee-remote-'));
  const bin = mkdtempSync(join(tmpdir(), 'marquee-gh-'));
  dirs.push(remote, bin);
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  repo.git('remote', 'add', 'origin', remote);
  repo.commit('develop', 'feature', { 'feature.txt': 'y\n' });
  const gh = join(bin, 'gh');
  writeFileSync(gh, `#!/bin/sh\nprintf '%s\\n' "$@" > ${join(bin, 'args')}\necho https://github.com/marquee-shop/marquee/pull/77\n`);
  chmodSync(gh, 0o755);
  const r = await promote(base(repo, { push: true, gh }));
  assert.equal(r.pushed, true);
  assert.equal(r.pullRequest, 'https://github.com/marquee-shop/marquee/pull/77');
  assert.equal(execFileSync('git', ['rev-parse', r.branch], { cwd: remote, encoding: 'utf8' }).trim(), repo.git('rev-parse', r.branch).trim());
  const args = readFileSync(join(bin, 'args'), 'utf8').split('\n');
  assert.deepEqual(args.slice(0, 7), ['pr', 'create', '--base', 'release', '--head', r.branch, '--title']);
  assert.match(readFileSync(args[args.indexOf('--body-file') + 1]!, 'utf8'), /## Commits\n- \w{7} feature/);

  repo.commit('develop', 'feature 2', { 'feature2.txt': 'z\n' });
  const r2 = await promote(base(repo, { push: true, branch: 'promote/second' }));
  assert.equal(r2.pushed, true);
  assert.equal(r2.pullRequest, undefined);
  assert.match(r2.next[0]!, /^gh pr create --base release --head promote\/second/);
});

test('the CLI refuses with exit 1 and a reason, exit 2 on usage errors (never touching this checkout)', () => {
  const run = (...args: string[]) => {
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/promote.ts', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
      return { code: 0, out: '' };
    } catch (e: any) {
      return { code: e.status as number, out: `${e.stdout}${e.stderr}` };
    }
  };
  const r = run('--from', 'dev', '--to', 'prod');
  assert.equal(r.code, 1);
  assert.match(r.out, /promote: refused: cannot promote dev → prod/);
  assert.equal(run('--from', 'dev').code, 2);
  // --verify / --rollback take --env alone
  const v = run('--verify');
  assert.equal(v.code, 2);
  assert.match(v.out, /promote: --verify or --rollback takes --env <env> alone/);
  assert.equal(run('--verify', '--env', 'prod', '--from', 'dev').code, 2);
  const first = run('--verify', '--env', 'dev');
  assert.equal(first.code, 1);
  assert.match(first.out, /promote: refused: --env dev: the first environment is not promoted into; nothing to verify/);
  assert.match(run('--rollback', '--env', 'staging').out, /--env staging: unknown environment \(one of dev, test, prod\)/);
});
