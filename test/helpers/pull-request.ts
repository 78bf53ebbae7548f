// What GitHub does when a promotion's pull request is merged, done with git in a temporary
// repository (test/fixtures/argocd/repo.ts): a merge commit, a squash with the default message
// "Pull request title and description", or "Rebase and merge".
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { PromoteResult } from '../../scripts/lib/gitflow/index.ts';
import type { TempRepo } from '../fixtures/argocd/repo.ts';

export type MergeStyle = 'merge' | 'squash' | 'rebase';

/** The pull request body promote wrote (the file its printed `gh pr create --body-file` names). */
export const pullRequestBody = (r: PromoteResult): string => readFileSync(r.next[1]!.split('--body-file ')[1]!, 'utf8');

/** Merge the promotion's pull request into its base and delete the branch; `body` replaces the PR body (squash). */
export function mergePullRequest(repo: TempRepo, r: PromoteResult, style: MergeStyle, body = pullRequestBody(r)): void {
  const title = `Promote (${r.branch})`;
  repo.git('checkout', '--quiet', r.toBranch);
  if (style === 'merge') repo.git('merge', '--quiet', '--no-ff', '-m', `Merge pull request #1 from ${r.branch}\n\n${title}`, r.branch);
  else if (style === 'squash') {
    // the body ends with the record, so the squash commit carries it
    repo.git('merge', '--quiet', '--squash', r.branch);
    repo.git('commit', '--quiet', '-m', `${title}\n\n${body}`);
  } else {
    // Every commit of the pull request that the base lacks is replayed onto the base with a new
    // committer (new ids even when the base did not move), merge commits dropped (git rebase
    // without --rebase-merges); GitHub refuses ("This branch cannot be rebased safely") when the
    // result differs from what a merge would give.
    const merged = repo.git('merge-tree', '--write-tree', r.toBranch, r.branch).split('\n')[0]!.trim();
    execFileSync('git', ['rebase', '--quiet', '--no-ff', r.toBranch, r.branch], {
      cwd: repo.root,
      stdio: 'pipe',
      env: { ...process.env, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' },
    });
    assert.equal(repo.git('rev-parse', `${r.branch}^{tree}`).trim(), merged, 'GitHub: this branch cannot be rebased safely');
    repo.git('checkout', '--quiet', r.toBranch);
    repo.git('merge', '--quiet', '--ff-only', r.branch);
  }
  repo.git('branch', '-D', r.branch);
}
