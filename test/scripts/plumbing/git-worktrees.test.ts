// Temporary worktrees (scripts/lib/plumbing/git.ts withWorktree) made and removed side by side in one repository,
// as verify and the rendered diff make them: git does not guard `worktree add` against a concurrent add or remove
// (an add reads every entry of .git/worktrees), so withWorktree queues those commands per repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { withWorktree } from '../../../scripts/lib/plumbing/git.ts';

const repo = mkdtempSync(join(tmpdir(), 'marquee-worktrees-'));
after(() => rmSync(repo, { recursive: true, force: true }));

test('128 worktrees added and removed 16 at a time in one repository all succeed, and none is left behind', async () => {
  execFileSync('git', ['init', '-q', repo]);
  for (let i = 0; i < 50; i++) writeFileSync(join(repo, `f${i}.txt`), 'x'.repeat(1000));
  execFileSync('git', ['-C', repo, 'add', '.']);
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'files']);
  const failures: string[] = [];
  for (let round = 0; round < 8; round++) {
    const runs = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 7)).then(() =>
          withWorktree(repo, 'HEAD', async (dir) => {
            assert.ok(existsSync(join(dir, 'f49.txt')), 'the checkout is there');
            await new Promise((r) => setTimeout(r, (i % 4) * 15));
          }),
        ),
      ),
    );
    for (const r of runs) if (r.status === 'rejected') failures.push(String(r.reason).split('\n')[0]!);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(existsSync(join(repo, '.git/worktrees')) ? readdirSync(join(repo, '.git/worktrees')) : [], []);
});
